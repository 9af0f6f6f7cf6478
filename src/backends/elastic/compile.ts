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
 * The walk is the shared one (`../shared/walk.ts`, as the SQL backend's); this file gives it the DSL's hooks.
 */
import type { SourceQuery } from '../../hunt/plan/index.ts';
import type { MappingError } from '../../errors/index.ts';
import { stixEcsMap, type FieldMapData } from '../../mapping/index.ts';
import { walkSourceQuery } from '../shared/index.ts';
import { compileComparison, type ElasticHooks } from './comparison.ts';
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

/** Compiles a source query (pattern + time range + entity type) into one search. */
export function compileElastic(q: SourceQuery, options: ElasticCompileOptions = {}): ElasticPlan {
  const map = options.map ?? stixEcsMap();
  const hooks = options.hooks ?? {};
  const unmapped: MappingError[] = [];
  const text = q.pattern?.source;
  const { query, local, notes } = walkSourceQuery<DslQuery>(
    q,
    {
      and,
      or,
      all: matchAll,
      timeRange: (ts, start, stop) =>
        range(ts, { gte: start, lt: stop, format: 'strict_date_optional_time_nanos' }),
      exists,
      comparison: (c, walk) => compileComparison(c, map, hooks, { walk, unmapped }, text),
    },
    {
      map,
      defaultWindowMinutes: options.defaultWindowMinutes ?? DEFAULT_WINDOW_MINUTES,
      ...(options.now ? { now: options.now } : {}),
      ...(options.timestampField ? { timestampField: options.timestampField } : {}),
    },
  );
  // an unmapped attribute is only tolerated where the rest of the pattern can still match (OR)
  if (unmapped.length > 0 && 'match_none' in query) throw unmapped[0];
  return { query, local, notes };
}
