/**
 * STIX pattern → one parameterised DuckDB `WHERE` clause over the embedded store's `ecs_docs` (house rules 3, 4):
 * the default walker (`walk.ts`, the same semantics as the Elastic DSL compiler) with SQL hooks, and the
 * comparison table of `comparison.ts`. Returns a value; runs nothing.
 */
import type { SourceQuery } from '../../connectors/types.ts';
import { stixEcsMap, type FieldMapData } from '../../mapping/index.ts';
import { jsonPath, quoteIdent, typedColumn } from '../../store/ecs/index.ts';
import { and, constString, or, SqlBuilder, TRUE, type SqlValue } from './builder.ts';
import { compileComparison } from './comparison.ts';
import { fieldExists } from './fields.ts';
import { walkSourceQuery, type WalkHooks } from './walk.ts';

/** Same default as the Elastic backend: observations under no START/STOP and no time range look 5 min back. */
export const DEFAULT_WINDOW_MINUTES = 5;

export interface SqlCompileOptions {
  readonly map?: FieldMapData;
  readonly defaultWindowMinutes?: number;
  readonly now?: Date;
  readonly timestampField?: string;
}

/** The compiled search: EXPLAIN prints it; the `local` connector runs it. */
export interface SqlPlan {
  /** A boolean SQL expression over `ecs_docs` with `$n` placeholders. */
  readonly where: string;
  readonly params: readonly SqlValue[];
  /** As in the Elastic plan: `none` = rows are the answer; `observation` / `set` = filter with the STIX matcher. */
  readonly local: 'none' | 'observation' | 'set';
  readonly notes: readonly string[];
}

/** The timestamp range test: the typed `@timestamp` column when the field is it, else read from `_source`. */
function timeRange(b: SqlBuilder, ts: string, start: string, stop: string): string {
  const lo = b.param(start);
  const hi = b.param(stop);
  const col = typedColumn(ts);
  const x = col?.kind === 'timestamp' ? quoteIdent(ts) : `TRY_CAST(TRY_CAST(json_extract_string(_source, ${constString(jsonPath(ts))}) AS TIMESTAMPTZ) AS TIMESTAMP)`;
  return `(${x} >= CAST(CAST(${lo} AS TIMESTAMPTZ) AS TIMESTAMP) AND ${x} < CAST(CAST(${hi} AS TIMESTAMPTZ) AS TIMESTAMP))`;
}

export function compileSql(q: SourceQuery, options: SqlCompileOptions = {}): SqlPlan {
  const map = options.map ?? stixEcsMap();
  const b = new SqlBuilder();
  const hooks: WalkHooks<string> = {
    and,
    or,
    all: () => TRUE,
    timeRange: (ts, start, stop) => timeRange(b, ts, start, stop),
    exists: (field) => fieldExists(b, field),
    comparison: (c, notes) => compileComparison(c, map, b, notes),
  };
  const r = walkSourceQuery(q, hooks, {
    map,
    defaultWindowMinutes: options.defaultWindowMinutes ?? DEFAULT_WINDOW_MINUTES,
    ...(options.now ? { now: options.now } : {}),
    ...(options.timestampField ? { timestampField: options.timestampField } : {}),
  });
  return { where: r.query, params: b.params, local: r.local, notes: r.notes };
}
