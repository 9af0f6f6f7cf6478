/**
 * Lowering the parts statements share: a WHERE (STIX pattern or bare comparison) checked and rewritten into a STIX
 * pattern with the entity type filled in, a time range, and the view of DISP and filter assignments. A list compared
 * with `=`, a value the matcher cannot use and START not before STOP are errors; unknown attributes and a number
 * attribute compared with a string are warnings.
 */
import { SemanticError } from '../../errors/index.ts';
import type { Comparison, ComparisonExpr, Literal, ObservationExpr, Pattern } from '../../stix/ast.ts';
import { compileValueTest } from '../../stix/index.ts';
import type * as A from '../syntax/ast.ts';
import { TIME_UNIT_SECONDS } from '../syntax/vocabulary.ts';
import type { LowerScope } from './lower-scope.ts';
import type { IrTime, IrView } from './types.ts';

/** STIX properties whose values are numbers (STIX 2.1 object definitions), by object type and attribute path. */
const NUMBER_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  'network-traffic': [
    'src_port',
    'dst_port',
    'src_byte_count',
    'dst_byte_count',
    'src_packets',
    'dst_packets',
  ],
  process: ['pid', 'parent_ref.pid'],
  file: ['size'],
  'autonomous-system': ['number'],
  'windows-registry-key': ['number_of_subkeys'],
};

export function lowerTime(scope: LowerScope, t: A.TimeRange | undefined): IrTime | undefined {
  if (!t) return undefined;
  if (t.kind === 'Last') return { kind: 'Relative', seconds: t.n * TIME_UNIT_SECONDS[t.unit] };
  const start = Date.parse(t.start.value);
  const stop = Date.parse(t.stop.value);
  if (Number.isNaN(start))
    throw scope.error(
      'E_BAD_TIMESTAMP',
      `"${t.start.value}" is not a valid timestamp`,
      t.start.span,
      "write t'2020-06-30T19:25:00.000Z'",
    );
  if (Number.isNaN(stop))
    throw scope.error(
      'E_BAD_TIMESTAMP',
      `"${t.stop.value}" is not a valid timestamp`,
      t.stop.span,
      "write t'2020-06-30T19:25:00.000Z'",
    );
  if (start >= stop) {
    throw scope.error(
      'E_START_AFTER_STOP',
      `START ${t.start.value} is not before STOP ${t.stop.value}`,
      t.span,
      'STOP is exclusive and must come after START',
    );
  }
  return { kind: 'Absolute', start: t.start.value, stop: t.stop.value };
}

/** Checks and rewrites a WHERE into a STIX pattern; `refs` collects referenced variables. */
export function lowerWhere(
  scope: LowerScope,
  w: A.Where | undefined,
  type: string,
  refs: Set<string>,
): Pattern | null {
  if (!w) return null;
  if (w.kind === 'StixWhere') {
    const expr = observation(scope, w.pattern.expr, type, refs);
    return { ...w.pattern, expr };
  }
  const expr = comparison(scope, w.expr, type, refs);
  return {
    kind: 'Pattern',
    expr: { kind: 'Observation', expr, span: w.span },
    source: scope.ctx.text.slice(w.span.start, w.span.end),
    span: w.span,
  };
}

/** The view of `DISP e` or `x = e`: its WHERE lowered, its ATTR and SORT BY attributes checked. */
export function lowerView(scope: LowerScope, e: A.VarExpr, type: string): IrView {
  const refs = new Set<string>();
  const pattern = lowerWhere(scope, e.where, type, refs) ?? undefined;
  for (const a of e.attrs ?? []) scope.checkVarAttr(e.input.name, type, a.path, a.span);
  if (e.sort) scope.checkVarAttr(e.input.name, type, e.sort.attr.path, e.sort.attr.span);
  return {
    ...(e.transform ? { transform: e.transform } : {}),
    ...(pattern ? { pattern } : {}),
    ...(e.attrs ? { attrs: e.attrs.map((a) => a.path) } : {}),
    ...(e.sort ? { sort: { attr: e.sort.attr.path, asc: e.sort.direction === 'ASC' } } : {}),
    ...(e.limit !== undefined ? { limit: e.limit } : {}),
    ...(e.offset !== undefined ? { offset: e.offset } : {}),
  };
}

function observation(
  scope: LowerScope,
  e: ObservationExpr,
  type: string,
  refs: Set<string>,
): ObservationExpr {
  switch (e.kind) {
    case 'Observation':
      return { ...e, expr: comparison(scope, e.expr, type, refs) };
    case 'ObservationBinary':
      return {
        ...e,
        left: observation(scope, e.left, type, refs),
        right: observation(scope, e.right, type, refs),
      };
    case 'Qualified':
      if (e.qualifier.kind === 'StartStop' && Date.parse(e.qualifier.start) >= Date.parse(e.qualifier.stop)) {
        throw scope.error(
          'E_START_AFTER_STOP',
          `START ${e.qualifier.start} is not before STOP ${e.qualifier.stop}`,
          e.qualifier.span,
        );
      }
      return { ...e, expr: observation(scope, e.expr, type, refs) };
  }
}

function comparison(scope: LowerScope, e: ComparisonExpr, type: string, refs: Set<string>): ComparisonExpr {
  if (e.kind === 'ComparisonBinary') {
    return {
      ...e,
      left: comparison(scope, e.left, type, refs),
      right: comparison(scope, e.right, type, refs),
    };
  }
  const objectType = e.path.objectType || type;
  if (e.op === '=' && e.value?.kind === 'List') {
    throw scope.error(
      'E_LIST_WITH_EQUALS',
      'a list cannot be compared with =',
      e.span,
      `use IN: ${printSteps(e.path.steps)} IN (…)`,
    );
  }
  checkValue(scope, e.value, refs);
  // A value the matcher cannot use (a regex that does not compile, a bad CIDR) is reported here, where its
  // span still points into the huntflow; a value naming a variable is checked once it is resolved.
  if (e.value && !hasVarRef(e.value)) {
    compileValueTest(e.op, e.negated, e.value, { source: scope.ctx.sourceName, text: scope.ctx.text });
  }
  const attr = printSteps(e.path.steps);
  if (objectType === type || !e.path.objectType) scope.checkAttr(objectType, attr, e.path.span);
  checkValueType(scope, objectType, attr, e);
  return { ...e, path: { ...e.path, objectType } };
}

/**
 * Warns when a number attribute is compared with a string (`dst_port = '22'`): Elastic, the embedded store and the
 * hunt cache convert it (as Kestrel's do), but a STIX bundle is matched with STIX semantics and finds nothing.
 */
function checkValueType(scope: LowerScope, type: string, attr: string, e: Comparison): void {
  if (!NUMBER_ATTRIBUTES[type]?.includes(attr) || !e.value || e.op === 'LIKE' || e.op === 'MATCHES') return;
  const strings = e.value.kind === 'List' ? e.value.values.filter((v) => v.kind === 'String') : [e.value];
  const first = strings[0];
  if (first?.kind !== 'String') return;
  const numeric = /^-?\d+(\.\d+)?$/.test(first.value.trim());
  scope.warnings.push(
    new SemanticError('W_VALUE_TYPE', `${attr} of ${type} is a number, '${first.value}' a string`, {
      span: scope.span(first.span),
      hint: `${numeric ? `write ${first.value.trim()} without quotes` : `compare ${attr} with a number`}: a STIX bundle is matched strictly and finds nothing (Elastic, the embedded store and the cache convert)`,
    }),
  );
}

/** A value naming a variable's attribute (`procs.name`) reads that variable: it must exist, the attribute is checked. */
function checkValue(scope: LowerScope, v: Literal | undefined, refs: Set<string>): void {
  if (!v) return;
  if (v.kind === 'List') for (const x of v.values) checkValue(scope, x, refs);
  if (v.kind === 'VarRef') {
    const t = scope.use({ kind: 'Var', name: v.variable, span: v.span });
    scope.checkAttr(t, v.attribute, v.span);
    refs.add(v.variable);
  }
}

function hasVarRef(l: Literal): boolean {
  return l.kind === 'VarRef' || (l.kind === 'List' && l.values.some(hasVarRef));
}

function printSteps(steps: readonly { kind: string; name?: string; index?: number | '*' }[]): string {
  return steps
    .map((s, i) =>
      s.kind === 'Key'
        ? `${i ? '.' : ''}${/[^A-Za-z0-9_]/.test(s.name!) ? `'${s.name}'` : s.name}`
        : `[${s.index}]`,
    )
    .join('');
}
