/**
 * A STIX pattern (the WHERE of GET, FIND and filters) → one parameterised SQL predicate over a record `r` of the hunt
 * cache and its observation `o` (`RecordPredicate`, `src/store/cache/schema.ts`), on the default pattern walker
 * (`../shared/walk.ts`) with the cache's hooks. Returns a value; runs nothing.
 *
 * Two modes:
 * - `centered`: only comparisons on the record's own type count; comparisons on other types are TRUE (the data source
 *   already matched the whole pattern on the observation; this picks which objects of the asked type in a matched
 *   observation are the answer — Kestrel's "centered" entity). START/STOP is the source's business too.
 * - `full`: comparisons on other types hold when some record of that type in the same observation satisfies them
 *   (local evaluation for GET FROM a variable and filters). START/STOP restrict `first_observed` (STOP exclusive).
 *
 * In both, WITHIN/REPEATS/FOLLOWEDBY (several observations) are evaluated by the source only: on one record
 * FOLLOWEDBY reads as AND and WITHIN/REPEATS are ignored, as the default walk reads them (the planner's EXPLAIN notes
 * say so).
 */
import type { Pattern } from '../../stix/ast.ts';
import type { RecordPredicate } from '../../store/cache/index.ts';
import { defaultPatternTable, walkObservation, type PatternTable } from '../shared/index.ts';
import { comparisonPredicate, type CompileState } from './comparison.ts';
import { and, or, TRUE, type Fragment } from './fragment.ts';

export interface CacheWhereOptions {
  /** The entity type of the records under test. */
  readonly center: string;
  readonly mode: 'centered' | 'full';
}

function cacheTable(s: CompileState, opts: CacheWhereOptions): PatternTable<Fragment> {
  const base = defaultPatternTable<Fragment>({
    and,
    or,
    timeRange: (start, stop) => {
      s.observation = true;
      return {
        sql: '(o.first_observed >= ?::TIMESTAMPTZ AND o.first_observed < ?::TIMESTAMPTZ)',
        parameters: [start, stop],
      };
    },
    comparison: (c) => comparisonPredicate(s, c, opts.center, opts.mode),
  });
  if (opts.mode === 'full') return base;
  return { ...base, StartStop: (q, _x, t) => walkObservation(t, q.expr) };
}

/** The predicate selecting the records of `opts.center` that `pattern` holds for; `TRUE` for no pattern. */
export function compileCacheWhere(
  pattern: Pattern | null | undefined,
  opts: CacheWhereOptions,
): RecordPredicate {
  if (!pattern) return { ...TRUE, observation: false };
  const s: CompileState = { aliases: 0, observation: false };
  const f = walkObservation(cacheTable(s, opts), pattern.expr);
  return { sql: f.sql, parameters: f.parameters, observation: s.observation };
}
