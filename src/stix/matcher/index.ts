/**
 * The local STIX matcher. Two modes:
 *
 * - **single observation** ({@link matchObservation}, {@link compileObservationFilter}): does this one observation
 *   belong in the answer? An observation that satisfies any `[ … ]` of the pattern is selected — for AND/OR/
 *   FOLLOWEDBY alike, as STIX-shifter's connectors do — and START/STOP keeps only observations whose
 *   `first_observed` lies in [START, STOP). WITHIN and REPEATS need several observations and are left to the set
 *   level. This is what a data source uses to select observations.
 * - **set** ({@link matchPattern}, {@link findPatternBinding}): does a set of observations satisfy the whole pattern?
 *
 * Everything is compiled to closures once per AST node (cached in a WeakMap), then applied per observation.
 */
import type { ComparisonExpr, Literal, ObservationExpr, Pattern } from '../ast.ts';
import type { Observation } from '../observation.ts';
import { timestampMicros } from '../timestamp.ts';
import { dispatch, type ObservationVisitor } from '../visitor.ts';
import { compileComparisonExpr, type ObservationPredicate } from './compile.ts';
import { compileSet, makeSlots, slotCap } from './set.ts';
import type { CompileContext } from './values.ts';

export type { ObservationPredicate, ObjectPredicate } from './compile.ts';
export { compileObjectPredicate, compilePath, satisfiableTypes } from './compile.ts';
export { likeToRegex, compileRegex } from './regex.ts';
export { compileValueTest } from './values.ts';
export { MAX_BINDINGS } from './set.ts';

export type Matchable = Pattern | ObservationExpr | ComparisonExpr;

export interface MatcherOptions {
  /** Name of the pattern's input, for errors (invalid regex, CIDR, …). */
  readonly source?: string;
  /** The text the spans point into, when `node` is not a whole Pattern. */
  readonly text?: string;
}

function context(node: Matchable, options: MatcherOptions): CompileContext {
  return {
    source: options.source ?? '<pattern>',
    text: node.kind === 'Pattern' ? node.source : (options.text ?? ''),
  };
}

/** Single-observation filter of `node` (see the module comment). */
export function compileObservationFilter(
  node: Matchable,
  options: MatcherOptions = {},
): ObservationPredicate {
  const ctx = context(node, options);
  if (node.kind === 'Comparison' || node.kind === 'ComparisonBinary') return compileComparisonExpr(node, ctx);
  const expr = node.kind === 'Pattern' ? node.expr : node;
  const table: ObservationVisitor<ObservationPredicate> = {
    Observation: (o) => compileComparisonExpr(o.expr, ctx),
    ObservationBinary: (b) => {
      const l = compileObservationFilter(b.left, options);
      const r = compileObservationFilter(b.right, options);
      return (obs) => l(obs) || r(obs);
    },
    Qualified: (q) => {
      const inner = compileObservationFilter(q.expr, options);
      if (q.qualifier.kind !== 'StartStop') return inner;
      const start = timestampMicros(q.qualifier.start);
      const stop = timestampMicros(q.qualifier.stop);
      return (obs) => {
        const t = timestampMicros(obs.first_observed);
        return t >= start && t < stop && inner(obs);
      };
    },
  };
  return dispatch(table, expr);
}

const filterCache = new WeakMap<object, ObservationPredicate>();

/** Does `obs` satisfy `node` in single-observation mode? Compiles `node` on first use and caches the closure. */
export function matchObservation(node: Matchable, obs: Observation): boolean {
  let f = filterCache.get(node);
  if (!f) {
    f = compileObservationFilter(node);
    filterCache.set(node, f);
  }
  return f(obs);
}

/** A pattern compiled for set matching: returns the observations of one satisfying binding, or null. */
export type PatternMatcher = (observations: readonly Observation[]) => Observation[] | null;

export function compilePatternMatcher(
  node: Pattern | ObservationExpr,
  options: MatcherOptions = {},
): PatternMatcher {
  const ctx = context(node, options);
  const expr = node.kind === 'Pattern' ? node.expr : node;
  const evaluate = compileSet(expr, (o) => compileComparisonExpr(o.expr, ctx));
  const cap = slotCap(expr);
  return (observations) => {
    const slots = makeSlots(observations, cap);
    const bindings = evaluate(slots, observations);
    if (bindings.length === 0) return null;
    const seen = new Set<number>();
    const out: Observation[] = [];
    for (const i of bindings[0]!.s) {
      const oi = slots[i]!.obs;
      if (!seen.has(oi)) {
        seen.add(oi);
        out.push(observations[oi]!);
      }
    }
    return out;
  };
}

const setCache = new WeakMap<object, PatternMatcher>();

function setMatcher(node: Pattern | ObservationExpr): PatternMatcher {
  let m = setCache.get(node);
  if (!m) {
    m = compilePatternMatcher(node);
    setCache.set(node, m);
  }
  return m;
}

/** Does the set `observations` satisfy `pattern` under full STIX semantics? */
export function matchPattern(
  pattern: Pattern | ObservationExpr,
  observations: readonly Observation[],
): boolean {
  return setMatcher(pattern)(observations) !== null;
}

/** The observations of one binding that satisfies `pattern`, or null when none does. */
export function findPatternBinding(
  pattern: Pattern | ObservationExpr,
  observations: readonly Observation[],
): Observation[] | null {
  return setMatcher(pattern)(observations);
}

/**
 * A copy of `expr` whose `VarRef` literals are replaced by what `resolve` returns (usually a `List` of the
 * referenced variable's values) — the runtime does this before matching a Kestrel WHERE locally. A `VarRef` inside a
 * list (`pid IN (p2.pid, 8888)`) is flattened into it: the result holds only plain literals, never nested lists.
 */
export function substituteVarRefs(
  expr: ComparisonExpr,
  resolve: (ref: Literal & { kind: 'VarRef' }) => Literal,
): ComparisonExpr {
  if (expr.kind === 'ComparisonBinary') {
    return {
      ...expr,
      left: substituteVarRefs(expr.left, resolve),
      right: substituteVarRefs(expr.right, resolve),
    };
  }
  if (expr.value?.kind === 'List' && expr.value.values.some((v) => v.kind === 'VarRef')) {
    const values: Literal[] = [];
    for (const v of expr.value.values) {
      if (v.kind !== 'VarRef') values.push(v);
      else {
        const r = resolve(v);
        // a loop, not a spread: a list of a variable's values can outgrow the call stack's argument limit
        if (r.kind === 'List') for (const x of r.values) values.push(x);
        else values.push(r);
      }
    }
    return { ...expr, value: { ...expr.value, values } };
  }
  if (expr.value?.kind !== 'VarRef') return expr;
  const value = resolve(expr.value);
  const op = value.kind === 'List' && (expr.op === '=' || expr.op === '!=') ? 'IN' : expr.op;
  const negated = expr.op === '!=' && op === 'IN' ? !expr.negated : expr.negated;
  return { ...expr, op, negated, value };
}
