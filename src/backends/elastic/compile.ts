/**
 * STIX pattern → one Elasticsearch/OpenSearch search (house rule 3: one compiler, `Record<Kind, fn>` tables).
 *
 * Semantics, per observation expression:
 * - `[ … ]` — one document (= one observation) satisfies the comparison expression: AND → `bool.filter`,
 *   OR → `bool.should`.
 * - `A OR B` — documents of either side: exact.
 * - `START s STOP t` — `@timestamp` in [s, t): STOP exclusive, as STIX says.
 * - `A AND B`, `A FOLLOWEDBY B`, `WITHIN`, `REPEATS` — a property of a *set* of observations that one search cannot
 *   express: the search over-fetches (the documents of either side, OR) and the connector evaluates the whole pattern
 *   on the fetched set with the STIX matcher; EXPLAIN says so.
 * - Observations under no START/STOP get the query's time range, or the default window when there is none.
 */
import type { SourceQuery } from '../../connectors/types.ts';
import { stixEcsMap, type FieldMapData } from '../../mapping/index.ts';
import type { ComparisonExpr, ObservationExpr, Pattern, Qualifier } from '../../stix/ast.ts';
import {
  dispatch,
  printQualifier,
  type ComparisonVisitor,
  type ObservationVisitor,
  type QualifierVisitor,
} from '../../stix/index.ts';
import { compileComparison, type CompileNotes, type ElasticHooks } from './comparison.ts';
import { and, exists, matchAll, or, range, type DslQuery } from './dsl.ts';

export interface ElasticCompileOptions {
  readonly map?: FieldMapData;
  readonly hooks?: ElasticHooks;
  /** Minutes of the window applied to observations under no START/STOP when the query has no time range (0 = none). */
  readonly defaultWindowMinutes?: number;
  /** "Now" for the default window (tests pin it). */
  readonly now?: Date;
  /** The timestamp field (default `@timestamp`). */
  readonly timestampField?: string;
}

/** The compiled search: EXPLAIN prints it; the connector runs it. */
export interface ElasticPlan {
  readonly query: DslQuery;
  /**
   * `none`: the hits are the answer. `observation`: each hit is checked with the single-observation STIX matcher.
   * `set`: the whole pattern is evaluated on the fetched set (AND / FOLLOWEDBY / WITHIN / REPEATS).
   */
  readonly local: 'none' | 'observation' | 'set';
  readonly notes: readonly string[];
}

export const DEFAULT_WINDOW_MINUTES = 5;

interface Walk {
  readonly map: FieldMapData;
  readonly hooks: ElasticHooks;
  readonly notes: CompileNotes;
  readonly ts: string;
  readonly text?: string;
  /** The range applied to an observation under no START/STOP (undefined = none). */
  readonly window?: { start: string; stop: string };
  set: boolean;
}

function timeRange(w: Walk, start: string, stop: string): DslQuery {
  return range(w.ts, { gte: start, lt: stop, format: 'strict_date_optional_time_nanos' });
}

function comparisons(w: Walk): ComparisonVisitor<DslQuery> {
  const table: ComparisonVisitor<DslQuery> = {
    Comparison: (c) => compileComparison(c, w.map, w.hooks, w.notes, w.text),
    ComparisonBinary: (b) => {
      const l = dispatch<ComparisonExpr, DslQuery>(table, b.left);
      const r = dispatch<ComparisonExpr, DslQuery>(table, b.right);
      return b.op === 'AND' ? and([l, r]) : or([l, r]);
    },
  };
  return table;
}

function observations(w: Walk, timed: boolean): ObservationVisitor<DslQuery> {
  const cmp = comparisons(w);
  return {
    Observation: (o) => {
      const q = dispatch<ComparisonExpr, DslQuery>(cmp, o.expr);
      return !timed && w.window ? and([q, timeRange(w, w.window.start, w.window.stop)]) : q;
    },
    ObservationBinary: (b) => {
      const t = observations(w, timed);
      const l = dispatch<ObservationExpr, DslQuery>(t, b.left);
      const r = dispatch<ObservationExpr, DslQuery>(t, b.right);
      if (b.op !== 'OR') {
        w.set = true;
        w.notes.notes.push(
          `observation ${b.op}: fetched as OR of both sides; the pattern is evaluated on the fetched set with the STIX matcher`,
        );
      }
      return or([l, r]);
    },
    Qualified: (q) => {
      const qualifiers: QualifierVisitor<DslQuery> = {
        StartStop: (s) =>
          and([
            dispatch<ObservationExpr, DslQuery>(observations(w, true), q.expr),
            timeRange(w, s.start, s.stop),
          ]),
        Within: () => qualifiedLocally(q.qualifier),
        Repeats: () => qualifiedLocally(q.qualifier),
      };
      const qualifiedLocally = (x: Qualifier): DslQuery => {
        w.set = true;
        w.notes.notes.push(
          `${printQualifier(x)}: not expressible in one search; evaluated on the fetched set with the STIX matcher`,
        );
        return dispatch<ObservationExpr, DslQuery>(observations(w, timed), q.expr);
      };
      return dispatch<Qualifier, DslQuery>(qualifiers, q.qualifier);
    },
  };
}

/** The ECS fields that witness an entity type in a document (for a query with no pattern). */
function entityWitness(map: FieldMapData, entityType: string): DslQuery {
  const fields = new Set<string>();
  for (const [k, fs] of Object.entries(map.query)) {
    if (!k.startsWith(entityType + ':')) continue;
    const attr = k.slice(entityType.length + 1);
    if (attr.includes('.') || attr.includes('[')) continue;
    for (const f of fs) fields.add(typeof f === 'string' ? f : f.field);
  }
  return fields.size ? or([...fields].sort().map(exists)) : matchAll();
}

/** Compiles a source query (pattern + time range + entity type) into one search. */
export function compileElastic(q: SourceQuery, options: ElasticCompileOptions = {}): ElasticPlan {
  const map = options.map ?? stixEcsMap();
  const notes: CompileNotes = { notes: [], localFilter: false, unmapped: [], overFetches: 0 };
  const ts = options.timestampField ?? map.timestamp;
  const minutes = options.defaultWindowMinutes ?? DEFAULT_WINDOW_MINUTES;
  let window: { start: string; stop: string } | undefined;
  if (q.timeRange) {
    window = q.timeRange;
  } else if (minutes > 0) {
    const now = options.now ?? new Date();
    window = { start: new Date(now.getTime() - minutes * 60_000).toISOString(), stop: now.toISOString() };
    notes.notes.push(
      `observations without START/STOP are limited to the default window of ${minutes} min before now`,
    );
  }
  const w: Walk = { map, hooks: options.hooks ?? {}, notes, ts, window, set: false, text: q.pattern?.source };
  let query: DslQuery;
  if (q.pattern) {
    query = dispatch<ObservationExpr, DslQuery>(observations(w, false), (q.pattern as Pattern).expr);
  } else {
    query = and([
      entityWitness(map, q.entityType),
      ...(window ? [timeRange(w, window.start, window.stop)] : []),
    ]);
  }
  // a given time range also bounds observations under their own START/STOP
  if (q.timeRange && q.pattern) query = and([query, timeRange(w, q.timeRange.start, q.timeRange.stop)]);
  // an unmapped attribute is only tolerated where the rest of the pattern can still match (OR)
  if (notes.unmapped.length > 0 && 'match_none' in query) throw notes.unmapped[0];
  const local = w.set ? 'set' : notes.localFilter ? 'observation' : 'none';
  return { query, local, notes: [...new Set(notes.notes)] };
}
