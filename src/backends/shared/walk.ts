/**
 * The default pattern walker, generic over a backend's query value `Q` (Kysely-style: one walk, small hooks). Two
 * layers:
 * - {@link defaultPatternTable}: a `Record<kind, handler>` table that reads a pattern as one predicate over one
 *   observation. A backend spreads it and overrides kinds; the hunt cache's WHERE compiler (`../cache/`) does so.
 * - {@link walkSourceQuery}: the semantics every search backend shares — the Elastic DSL (`../elastic/`) and the
 *   embedded store's SQL (`../sql/`) compilers are built on it:
 *   - `[ … ]` — one document satisfies the comparison expression; AND/OR inside map to the backend's and/or.
 *   - `A OR B` — documents of either side.
 *   - `START s STOP t` — timestamp in [s, t), STOP exclusive.
 *   - `A AND B`, `A FOLLOWEDBY B`, `WITHIN`, `REPEATS` — a property of a set of observations: the search fetches the
 *     documents of either side (OR) and the whole pattern is evaluated on the fetched set (`local: 'set'`).
 *   - Observations under no START/STOP get the query's time range, or the default window when there is none.
 *   - A query without a pattern selects documents holding a field of the entity type.
 *   The backend supplies {@link WalkHooks}: its and/or, constants, the time range, `exists` and one comparison.
 */
import type { SourceQuery } from '../../hunt/plan/index.ts';
import type { FieldMapData } from '../../mapping/index.ts';
import type { Comparison, ComparisonExpr, ObservationExpr, Qualified, Qualifier } from '../../stix/ast.ts';
import { printQualifier } from '../../stix/index.ts';

/**
 * The hooks of the {@link defaultPatternTable}: a backend's boolean algebra over its query values, its test of the
 * observation's time, and its compiler of one comparison.
 */
export interface PatternHooks<Q> {
  readonly and: (qs: readonly Q[]) => Q;
  readonly or: (qs: readonly Q[]) => Q;
  /** The observation's time in [start, stop), STOP exclusive. */
  readonly timeRange: (start: string, stop: string) => Q;
  readonly comparison: (c: Comparison) => Q;
}

type WalkedNode = ObservationExpr | ComparisonExpr;

/**
 * A walk of a pattern as a table (house rule 3): one handler per kind of observation expression, comparison
 * expression and qualifier, so a new kind breaks `tsc` until every backend's table handles it. Each handler is given
 * the table it runs in (`t`) to walk sub-expressions with: a backend that spreads {@link defaultPatternTable} and
 * overrides a kind changes how the default handlers recurse into that kind too.
 */
export type PatternTable<Q> = {
  readonly [K in WalkedNode['kind']]: (
    node: Extract<WalkedNode, { readonly kind: K }>,
    t: PatternTable<Q>,
  ) => Q;
} & {
  readonly [K in Qualifier['kind']]: (
    q: Qualified,
    qualifier: Extract<Qualifier, { readonly kind: K }>,
    t: PatternTable<Q>,
  ) => Q;
};

/** Walks an observation expression with table `t`. */
export function walkObservation<Q>(t: PatternTable<Q>, e: ObservationExpr): Q {
  return (t[e.kind] as (n: ObservationExpr, t: PatternTable<Q>) => Q)(e, t);
}

/** Walks a comparison expression with table `t`. */
export function walkComparison<Q>(t: PatternTable<Q>, e: ComparisonExpr): Q {
  return (t[e.kind] as (n: ComparisonExpr, t: PatternTable<Q>) => Q)(e, t);
}

/**
 * The operands of a chain of one operator (`a OR b OR c …`, as the parser nests it), left to right, collected with an
 * explicit stack: a chain of N comparisons becomes one N-ary and/or — the compiled text is built once instead of
 * being copied at each of N nesting levels, and the walk's depth does not grow with N.
 */
function sameOpChain(b: Extract<ComparisonExpr, { kind: 'ComparisonBinary' }>): ComparisonExpr[] {
  const out: ComparisonExpr[] = [];
  const stack: ComparisonExpr[] = [b];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.kind === 'ComparisonBinary' && e.op === b.op) stack.push(e.right, e.left);
    else out.push(e);
  }
  return out;
}

/**
 * The default walk: a pattern read as one predicate over one observation — AND/OR inside and between observation
 * expressions map to the backend's and/or (FOLLOWEDBY as AND), START/STOP ANDs the time range, WITHIN and REPEATS
 * (which only a set of observations can satisfy) leave their expression as it is. Backends override what they read
 * otherwise (the search semantics of {@link walkSourceQuery}, the hunt cache's centered selection).
 */
export function defaultPatternTable<Q>(h: PatternHooks<Q>): PatternTable<Q> {
  return {
    Observation: (o, t) => walkComparison(t, o.expr),
    ObservationBinary: (b, t) => {
      const l = walkObservation(t, b.left);
      const r = walkObservation(t, b.right);
      return b.op === 'OR' ? h.or([l, r]) : h.and([l, r]);
    },
    Qualified: (q, t) =>
      (t[q.qualifier.kind] as (q: Qualified, x: Qualifier, t: PatternTable<Q>) => Q)(q, q.qualifier, t),
    StartStop: (q, x, t) => h.and([walkObservation(t, q.expr), h.timeRange(x.start, x.stop)]),
    Within: (q, _x, t) => walkObservation(t, q.expr),
    Repeats: (q, _x, t) => walkObservation(t, q.expr),
    ComparisonBinary: (b, t) => {
      const qs = sameOpChain(b).map((e) => walkComparison(t, e));
      return b.op === 'AND' ? h.and(qs) : h.or(qs);
    },
    Comparison: (c) => h.comparison(c),
  };
}

/** What a comparison compiler may report: notes for EXPLAIN, and that hits need the local STIX matcher. */
export interface WalkNotes {
  readonly notes: string[];
  localFilter: boolean;
  /** How many leaves were over-fetched (a negation of an over-fetch is not a superset: it is widened). */
  overFetches: number;
}

/** The hooks of a search backend ({@link walkSourceQuery}). */
export interface WalkHooks<Q> {
  readonly and: (qs: readonly Q[]) => Q;
  readonly or: (qs: readonly Q[]) => Q;
  readonly all: () => Q;
  /** `ts` in [start, stop). */
  readonly timeRange: (ts: string, start: string, stop: string) => Q;
  readonly exists: (field: string) => Q;
  readonly comparison: (c: Comparison, notes: WalkNotes) => Q;
}

export interface WalkOptions {
  readonly map: FieldMapData;
  readonly defaultWindowMinutes: number;
  readonly now?: Date;
  readonly timestampField?: string;
}

export interface WalkResult<Q> {
  readonly query: Q;
  readonly local: 'none' | 'observation' | 'set';
  readonly notes: readonly string[];
}

interface State<Q> {
  readonly h: WalkHooks<Q>;
  readonly notes: WalkNotes;
  readonly ts: string;
  readonly window?: { start: string; stop: string };
  set: boolean;
}

/**
 * The search semantics over the default table: an observation under no START/STOP (`timed` false) gets the window;
 * AND/FOLLOWEDBY between observations and WITHIN/REPEATS fetch what could take part (OR) and leave the pattern to
 * the STIX matcher on the fetched set.
 */
function searchTable<Q>(s: State<Q>, timed: boolean): PatternTable<Q> {
  const { h } = s;
  const base = defaultPatternTable<Q>({
    and: h.and,
    or: h.or,
    timeRange: (start, stop) => h.timeRange(s.ts, start, stop),
    comparison: (c) => h.comparison(c, s.notes),
  });
  const locally = (q: Qualified, x: Qualifier, t: PatternTable<Q>): Q => {
    s.set = true;
    s.notes.notes.push(
      `${printQualifier(x)}: not expressible in one search; evaluated on the fetched set with the STIX matcher`,
    );
    return walkObservation(t, q.expr);
  };
  return {
    ...base,
    Observation: (o, t) => {
      const q = walkComparison(t, o.expr);
      return !timed && s.window ? h.and([q, h.timeRange(s.ts, s.window.start, s.window.stop)]) : q;
    },
    ObservationBinary: (b, t) => {
      const l = walkObservation(t, b.left);
      const r = walkObservation(t, b.right);
      if (b.op !== 'OR') {
        s.set = true;
        s.notes.notes.push(
          `observation ${b.op}: fetched as OR of both sides; the pattern is evaluated on the fetched set with the STIX matcher`,
        );
      }
      return h.or([l, r]);
    },
    StartStop: (q, x, t) => base.StartStop(q, x, timed ? t : searchTable(s, true)),
    Within: locally,
    Repeats: locally,
  };
}

/** The ECS fields that witness an entity type in a document (a query with no pattern). */
export function entityWitnessFields(map: FieldMapData, entityType: string): string[] {
  const fields = new Set<string>();
  for (const [k, fs] of Object.entries(map.query)) {
    if (!k.startsWith(entityType + ':')) continue;
    const attr = k.slice(entityType.length + 1);
    if (attr.includes('.') || attr.includes('[')) continue;
    for (const f of fs) fields.add(typeof f === 'string' ? f : f.field);
  }
  return [...fields].sort();
}

/** Walks a source query with a backend's hooks. */
export function walkSourceQuery<Q>(q: SourceQuery, hooks: WalkHooks<Q>, options: WalkOptions): WalkResult<Q> {
  const notes: WalkNotes = { notes: [], localFilter: false, overFetches: 0 };
  const ts = options.timestampField ?? options.map.timestamp;
  let window: { start: string; stop: string } | undefined;
  if (q.timeRange) window = q.timeRange;
  else if (options.defaultWindowMinutes > 0) {
    const now = options.now ?? new Date();
    window = {
      start: new Date(now.getTime() - options.defaultWindowMinutes * 60_000).toISOString(),
      stop: now.toISOString(),
    };
    notes.notes.push(
      `observations without START/STOP are limited to the default window of ${options.defaultWindowMinutes} min before now`,
    );
  }
  const s: State<Q> = { h: hooks, notes, ts, window, set: false };
  let query: Q;
  if (q.pattern) query = walkObservation(searchTable(s, false), q.pattern.expr);
  else {
    const fields = entityWitnessFields(options.map, q.entityType);
    const witness = fields.length ? hooks.or(fields.map((f) => hooks.exists(f))) : hooks.all();
    query = hooks.and([witness, ...(window ? [hooks.timeRange(ts, window.start, window.stop)] : [])]);
  }
  if (q.timeRange && q.pattern)
    query = hooks.and([query, hooks.timeRange(ts, q.timeRange.start, q.timeRange.stop)]);
  const local = s.set ? 'set' : notes.localFilter ? 'observation' : 'none';
  return { query, local, notes: [...new Set(notes.notes)] };
}
