/**
 * A compact s-expression of a huntflow AST for fixture files and debugging: one line per statement, showing every
 * field the parser filled in (defaults included). WHERE conditions use the STIX s-expression of `src/stix/`.
 * Example: `(find exp_spawn process created-by exploits)`.
 */
import { toSexpr as stixSexpr } from '../../stix/index.ts';
import type { Literal } from '../../stix/ast.ts';
import type { Attr, GroupKey, Huntflow, NewData, Statement, TimeRange, VarExpr, Where } from './ast.ts';

type Table = { [K in Statement['kind']]: (s: Extract<Statement, { kind: K }>) => string[] };

const attr = (a: Attr): string => (a.entityType ? `${a.entityType}:${a.path}` : a.path);
const q = (s: string): string => JSON.stringify(s);

function where(w: Where | undefined): string[] {
  if (!w) return [];
  return [w.kind === 'StixWhere' ? `(where-stix ${stixSexpr(w.pattern)})` : `(where ${stixSexpr(w.expr)})`];
}

function time(t: TimeRange | undefined): string[] {
  if (!t) return [];
  return [
    t.kind === 'StartStop'
      ? `(start ${t.start.value} stop ${t.stop.value})`
      : `(last ${t.n} ${t.unit.toLowerCase()})`,
  ];
}

const opt = (name: string, v: number | undefined): string[] => (v === undefined ? [] : [`(${name} ${v})`]);

function groupKey(k: GroupKey): string {
  if (k.kind === 'Attr') return attr(k);
  return `(bin ${attr(k.attr)} ${k.size}${k.unit ? ` ${k.unit.toLowerCase()}` : ''}${k.alias ? ` as ${k.alias}` : ''})`;
}

function varExpr(e: VarExpr): string[] {
  return [
    e.transform ? `(${e.transform.toLowerCase()} ${e.input.name})` : e.input.name,
    ...where(e.where),
    ...(e.attrs ? [`(attr ${e.attrs.map(attr).join(' ')})`] : []),
    ...(e.sort ? [`(sort ${attr(e.sort.attr)} ${e.sort.direction.toLowerCase()})`] : []),
    ...opt('limit', e.limit),
    ...opt('offset', e.offset),
  ];
}

function data(d: NewData): string {
  if (d.kind === 'NewStrings') return `(strings ${d.values.map(q).join(' ')})`;
  return `(objects ${d.objects
    .map(
      (o) =>
        `{${Object.entries(o)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(' ')}}`,
    )
    .join(' ')})`;
}

function arg(v: Literal): string {
  if (v.kind === 'List') return `(list ${v.values.map(arg).join(' ')})`;
  return stixSexpr(v);
}

const table: Table = {
  Get: (s) => [
    'get',
    s.output.name,
    s.entityType.name,
    s.from
      ? s.from.kind === 'Var'
        ? `(from-var ${s.from.name})`
        : `(from ${s.from.uris.join(' ')})`
      : '(from-last)',
    ...where(s.where),
    ...time(s.timeRange),
    ...opt('limit', s.limit),
  ],
  Find: (s) => [
    'find',
    s.output.name,
    s.entityType.name,
    `${s.relation.name.toLowerCase()}${s.reversed ? '-by' : ''}`,
    s.input.name,
    ...where(s.where),
    ...time(s.timeRange),
    ...opt('limit', s.limit),
    ...(s.depth ? [`(depth ${s.depth.hops === 'all' ? '*' : s.depth.hops})`] : []),
  ],
  FindPeer: (s) => [
    'find-peer',
    s.output.name,
    s.entityType.name,
    s.input.name,
    `(from ${s.from.kind === 'Var' ? s.from.name : s.from.uris.join(',')})`,
    ...(s.within ? [`(within ${s.within.n} ${s.within.unit.toLowerCase()})`] : []),
    ...(s.nat ? ['nat'] : []),
    ...where(s.where),
    ...opt('limit', s.limit),
  ],
  Group: (s) => [
    'group',
    s.output.name,
    s.input.name,
    `(by ${s.by.map(groupKey).join(' ')})`,
    ...(s.aggregations.length
      ? [
          `(with ${s.aggregations.map((a) => `(${a.func.toLowerCase()} ${attr(a.attr)}${a.alias ? ` as ${a.alias}` : ''})`).join(' ')})`,
        ]
      : []),
  ],
  Join: (s) => [
    'join',
    s.output.name,
    s.left.name,
    s.right.name,
    ...(s.by ? [`(by ${attr(s.by[0])} ${attr(s.by[1])})`] : []),
  ],
  Sort: (s) => [
    'sort',
    s.output.name,
    s.input.name,
    `(by ${attr(s.key.attr)} ${s.key.direction.toLowerCase()})`,
  ],
  Load: (s) => [
    'load',
    s.output.name,
    q(s.path.value),
    ...(s.entityType ? [`(as ${s.entityType.name})`] : []),
  ],
  Save: (s) => ['save', s.input.name, q(s.path.value)],
  New: (s) => ['new', s.output.name, ...(s.entityType ? [s.entityType.name] : []), data(s.data)],
  Apply: (s) => [
    'apply',
    q(s.analytics.uri),
    `(on ${s.inputs.map((v) => v.name).join(' ')})`,
    ...(s.args.length ? [`(with ${s.args.map((a) => `(${a.name} ${arg(a.value)})`).join(' ')})`] : []),
  ],
  Disp: (s) => ['disp', ...varExpr(s.expr)],
  Info: (s) => ['info', s.input.name],
  Describe: (s) => ['describe', s.input.name, attr(s.attr)],
  Explain: (s) => ['explain', s.input.name],
  Merge: (s) => ['merge', s.output.name, ...s.inputs.map((v) => v.name)],
  Assign: (s) => ['assign', s.output.name, ...varExpr(s.expr)],
};

export function statementToSexpr(s: Statement): string {
  return `(${(table[s.kind] as (s: Statement) => string[])(s).join(' ')})`;
}

export function huntflowToSexpr(h: Huntflow): string {
  return h.statements.map(statementToSexpr).join('\n');
}
