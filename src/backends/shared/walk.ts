/**
 * The default pattern walker of every search backend, generic over the backend's query value `Q` (Kysely-style: one
 * walk, small hooks); the Elastic DSL (`../elastic/`) and the DuckDB SQL (`../sql/`) compilers are both built on it.
 * It fixes the semantics they share:
 * - `[ … ]` — one document satisfies the comparison expression; AND/OR inside map to the backend's and/or.
 * - `A OR B` — documents of either side.
 * - `START s STOP t` — timestamp in [s, t), STOP exclusive.
 * - `A AND B`, `A FOLLOWEDBY B`, `WITHIN`, `REPEATS` — a property of a set of observations: the search fetches the
 *   documents of either side (OR) and the whole pattern is evaluated on the fetched set (`local: 'set'`).
 * - Observations under no START/STOP get the query's time range, or the default window when there is none.
 * - A query without a pattern selects documents holding a field of the entity type.
 * The backend supplies {@link WalkHooks}: its and/or, constants, the time range, `exists` and one comparison.
 */
import type { SourceQuery } from '../../hunt/plan/index.ts';
import type { FieldMapData } from '../../mapping/index.ts';
import type { Comparison, ComparisonExpr, ObservationExpr, Qualifier } from '../../stix/ast.ts';
import {
  dispatch,
  printQualifier,
  type ComparisonVisitor,
  type ObservationVisitor,
  type QualifierVisitor,
} from '../../stix/index.ts';

/** What a comparison compiler may report: notes for EXPLAIN, and that hits need the local STIX matcher. */
export interface WalkNotes {
  readonly notes: string[];
  localFilter: boolean;
  /** How many leaves were over-fetched (a negation of an over-fetch is not a superset: it is widened). */
  overFetches: number;
}

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

function comparisons<Q>(s: State<Q>): ComparisonVisitor<Q> {
  const table: ComparisonVisitor<Q> = {
    Comparison: (c) => s.h.comparison(c, s.notes),
    ComparisonBinary: (b) => {
      const l = dispatch<ComparisonExpr, Q>(table, b.left);
      const r = dispatch<ComparisonExpr, Q>(table, b.right);
      return b.op === 'AND' ? s.h.and([l, r]) : s.h.or([l, r]);
    },
  };
  return table;
}

function observations<Q>(s: State<Q>, timed: boolean): ObservationVisitor<Q> {
  const cmp = comparisons(s);
  return {
    Observation: (o) => {
      const q = dispatch<ComparisonExpr, Q>(cmp, o.expr);
      return !timed && s.window ? s.h.and([q, s.h.timeRange(s.ts, s.window.start, s.window.stop)]) : q;
    },
    ObservationBinary: (b) => {
      const t = observations(s, timed);
      const l = dispatch<ObservationExpr, Q>(t, b.left);
      const r = dispatch<ObservationExpr, Q>(t, b.right);
      if (b.op !== 'OR') {
        s.set = true;
        s.notes.notes.push(
          `observation ${b.op}: fetched as OR of both sides; the pattern is evaluated on the fetched set with the STIX matcher`,
        );
      }
      return s.h.or([l, r]);
    },
    Qualified: (q) => {
      const locally = (x: Qualifier): Q => {
        s.set = true;
        s.notes.notes.push(
          `${printQualifier(x)}: not expressible in one search; evaluated on the fetched set with the STIX matcher`,
        );
        return dispatch<ObservationExpr, Q>(observations(s, timed), q.expr);
      };
      const table: QualifierVisitor<Q> = {
        StartStop: (x) =>
          s.h.and([
            dispatch<ObservationExpr, Q>(observations(s, true), q.expr),
            s.h.timeRange(s.ts, x.start, x.stop),
          ]),
        Within: () => locally(q.qualifier),
        Repeats: () => locally(q.qualifier),
      };
      return dispatch<Qualifier, Q>(table, q.qualifier);
    },
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
  if (q.pattern) query = dispatch<ObservationExpr, Q>(observations(s, false), q.pattern.expr);
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
