/**
 * Canonical huntflow text: one statement per line, keywords upper case, every default written out (SORT direction),
 * time ranges as `START t'…' STOP t'…'`, WHERE as written in its form (bare or bracketed) through the STIX printer.
 * `parseHuntflow(printHuntflow(h))` equals `h` modulo spans (tested).
 */
import { printComparison, printLiteral, printPattern, quoteString } from '../../stix/index.ts';
import type { Literal } from '../../stix/ast.ts';
import type {
  Attr,
  GroupKey,
  Huntflow,
  JsonScalar,
  NewData,
  PathRef,
  SortKey,
  SourceRef,
  Statement,
  TimeRange,
  Var,
  VarExpr,
  Where,
} from './ast.ts';

type Printers = { [K in Statement['kind']]: (s: Extract<Statement, { kind: K }>) => string };

const out = (v: Var): string => (v.name === '_' ? '' : `${v.name} = `);

const printers: Printers = {
  Get: (s) =>
    `${out(s.output)}GET ${s.entityType.name}${s.from ? ` FROM ${s.from.kind === 'Var' ? s.from.name : printSource(s.from)}` : ''}${tail(s)}`,
  Find: (s) =>
    `${out(s.output)}FIND ${s.entityType.name} ${s.relation.name}${s.reversed ? ' BY' : ''} ${s.input.name}${tail(s)}${
      s.depth ? ` DEPTH ${s.depth.hops === 'all' ? '*' : s.depth.hops}` : ''
    }`,
  FindPeer: (s) =>
    `${out(s.output)}FIND ${s.entityType.name} PEER OF ${s.input.name} FROM ${s.from.kind === 'Var' ? s.from.name : printSource(s.from)}${
      s.within ? ` WITHIN ${s.within.n} ${s.within.unit}` : ''
    }${s.nat ? ' NAT' : ''}${tail(s)}`,
  Group: (s) =>
    `${out(s.output)}GROUP ${s.input.name} BY ${s.by.map(printGroupKey).join(', ')}${
      s.aggregations.length > 0
        ? ` WITH ${s.aggregations.map((a) => `${a.func}(${printAttr(a.attr)})${a.alias ? ` AS ${a.alias}` : ''}`).join(', ')}`
        : ''
    }`,
  Join: (s) =>
    `${out(s.output)}JOIN ${s.left.name}, ${s.right.name}${s.by ? ` BY ${printAttr(s.by[0])}, ${printAttr(s.by[1])}` : ''}`,
  Sort: (s) => `${out(s.output)}SORT ${s.input.name} BY ${printSortKey(s.key)}`,
  Load: (s) => `${out(s.output)}LOAD ${printPath(s.path)}${s.entityType ? ` AS ${s.entityType.name}` : ''}`,
  Save: (s) => `SAVE ${s.input.name} TO ${printPath(s.path)}`,
  New: (s) => `${out(s.output)}NEW ${s.entityType ? `${s.entityType.name} ` : ''}${printNewData(s.data)}`,
  Apply: (s) =>
    `APPLY ${printBareOrQuoted(s.analytics.uri)} ON ${s.inputs.map((v) => v.name).join(', ')}${
      s.args.length > 0 ? ` WITH ${s.args.map((a) => `${a.name}=${printArgValue(a.value)}`).join(', ')}` : ''
    }`,
  Disp: (s) => `DISP ${printVarExpr(s.expr)}`,
  Info: (s) => `INFO ${s.input.name}`,
  Describe: (s) => `DESCRIBE ${s.input.name}.${printAttr(s.attr)}`,
  Explain: (s) => `EXPLAIN ${s.input.name}`,
  Merge: (s) => `${s.output.name} = ${s.inputs.map((v) => v.name).join(' + ')}`,
  Assign: (s) => `${s.output.name} = ${printVarExpr(s.expr)}`,
};

export function printStatement(s: Statement): string {
  return (printers[s.kind] as (s: Statement) => string)(s);
}

export function printHuntflow(h: Huntflow): string {
  return h.statements.map((s) => printStatement(s) + '\n').join('');
}

function tail(s: { where?: Where; timeRange?: TimeRange; limit?: number }): string {
  return `${s.where ? ` WHERE ${printWhere(s.where)}` : ''}${s.timeRange ? ` ${printTimeRange(s.timeRange)}` : ''}${
    s.limit !== undefined ? ` LIMIT ${s.limit}` : ''
  }`;
}

/**
 * A WHERE condition. Paths whose object type is the statement's default (or `''` in variable filters) print without
 * the `type:` prefix in the bare form, so the text reads as written.
 */
export function printWhere(w: Where): string {
  if (w.kind === 'StixWhere') {
    const e = w.pattern.expr;
    // Kestrel's one-observation form may hold paths without a type; print them back the same way
    if (e.kind === 'Observation') return `[${stripEmptyTypes(printComparison(e.expr))}]`;
    return printPattern(w.pattern);
  }
  return stripEmptyTypes(printComparison(w.expr));
}

/** `:name` (a path with an empty object type, i.e. the input variable's) prints as `name`; quotes are skipped. */
function stripEmptyTypes(s: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      out += c;
      if (c === '\\') out += s[++i] ?? '';
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    if (c === ':' && (i === 0 || s[i - 1] === ' ' || s[i - 1] === '(') && /[A-Za-z_]/.test(s[i + 1] ?? ''))
      continue;
    out += c;
  }
  return out;
}

export function printTimeRange(t: TimeRange): string {
  return t.kind === 'StartStop'
    ? `START t'${t.start.value}' STOP t'${t.stop.value}'`
    : `LAST ${t.n} ${t.unit}`;
}

export function printAttr(a: Attr): string {
  return a.entityType ? `${a.entityType}:${a.path}` : a.path;
}

function printSortKey(k: SortKey): string {
  return `${printAttr(k.attr)} ${k.direction}`;
}

function printGroupKey(k: GroupKey): string {
  if (k.kind === 'Attr') return printAttr(k);
  return `BIN(${printAttr(k.attr)}, ${k.size}${k.unit ? ` ${k.unit}` : ''})${k.alias ? ` AS ${k.alias}` : ''}`;
}

export function printVarExpr(e: VarExpr): string {
  let s = e.transform ? `${e.transform}(${e.input.name})` : e.input.name;
  if (e.where) s += ` WHERE ${printWhere(e.where)}`;
  if (e.attrs) s += ` ATTR ${e.attrs.map(printAttr).join(', ')}`;
  if (e.sort) s += ` SORT BY ${printSortKey(e.sort)}`;
  if (e.limit !== undefined) s += ` LIMIT ${e.limit}`;
  if (e.offset !== undefined) s += ` OFFSET ${e.offset}`;
  return s;
}

const BARE_OK = /^[A-Za-z0-9_\-./~%@+:?&=*$!]+$/;

function printBareOrQuoted(v: string): string {
  return BARE_OK.test(v) ? v : quoteString(v);
}

function printSource(s: SourceRef): string {
  const joined = s.uris.join(',');
  if (!s.quoted && s.uris.every((u) => BARE_OK.test(u))) return joined;
  return quoteString(joined);
}

function printPath(p: PathRef): string {
  return p.quoted || !BARE_OK.test(p.value) ? quoteString(p.value) : p.value;
}

function json(v: JsonScalar): string {
  return JSON.stringify(v);
}

function printNewData(d: NewData): string {
  if (d.kind === 'NewStrings') return `[${d.values.map(json).join(', ')}]`;
  return `[${d.objects
    .map(
      (o) =>
        `{${Object.entries(o)
          .map(([k, v]) => `${json(k)}: ${json(v)}`)
          .join(', ')}}`,
    )
    .join(', ')}]`;
}

function printArgValue(v: Literal): string {
  if (v.kind === 'List') return `[${v.values.map(printArgValue).join(', ')}]`;
  return printLiteral(v);
}
