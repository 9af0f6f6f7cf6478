/**
 * STIX pattern → one parameterised DuckDB `WHERE` clause over the embedded store's `ecs_docs` (house rules 3, 4):
 * the default walker (`../shared/walk.ts`, the same semantics as the Elastic DSL compiler) with SQL hooks, and the
 * comparison table of `comparison.ts`. Returns a value; runs nothing.
 */
import type { SourceQuery } from '../../hunt/plan/index.ts';
import { stixEcsMap, type FieldMapData } from '../../mapping/index.ts';
import { walkSourceQuery } from '../shared/index.ts';
import { quoteIdent, sqlString } from '../../common/index.ts';
import { jsonPath, typedColumn } from '../../store/ecs/index.ts';
import { and, or, SqlBuilder, TRUE, type SqlValue } from './builder.ts';
import { compileComparison } from './comparison.ts';
import { fieldExists } from './fields.ts';
import type { RowKind } from './fields.ts';

/** Same default as the Elastic backend: observations under no START/STOP and no time range look 5 min back. */
export const DEFAULT_WINDOW_MINUTES = 5;

export interface SqlCompileOptions {
  readonly map?: FieldMapData;
  readonly defaultWindowMinutes?: number;
  readonly now?: Date;
  readonly timestampField?: string;
  /** Top-level keys the queried indices hold (from the store); fields outside them compile to FALSE. */
  readonly presentKeys?: ReadonlySet<string>;
  /** IN lists longer than this are tested against a value set (default `VALUE_SET_FROM`; tests lower it). */
  readonly valueSetFrom?: number;
}

/**
 * The compiled search: EXPLAIN prints it; the `local` connector runs it. Two boolean expressions over `ecs_docs`
 * sharing one parameter list: `where` for regular rows (typed columns), `whereIrregular` for rows flagged
 * `_irregular` (read from `_source` in every spelling Elastic accepts); see {@link selectSql}.
 */
export interface SqlPlan {
  readonly where: string;
  readonly whereIrregular: string;
  readonly params: readonly SqlValue[];
  /**
   * Common table expressions the two clauses read (`name AS MATERIALIZED (…)`: the value sets of long IN lists,
   * their values in `params`); {@link selectSql} writes them as the statement's `WITH`.
   */
  readonly ctes: readonly string[];
  /** As in the Elastic plan: `none` = rows are the answer; `observation` / `set` = filter with the STIX matcher. */
  readonly local: 'none' | 'observation' | 'set';
  readonly notes: readonly string[];
}

/** The timestamp range test: the typed `@timestamp` column when the field is it, else read from `_source`. */
function timeRange(b: SqlBuilder, ts: string, start: string, stop: string): string {
  const lo = b.param(start);
  const hi = b.param(stop);
  const col = typedColumn(ts);
  const x =
    col?.kind === 'timestamp'
      ? quoteIdent(ts)
      : `TRY_CAST(TRY_CAST(json_extract_string(_source, ${sqlString(jsonPath(ts))}) AS TIMESTAMPTZ) AS TIMESTAMP)`;
  return `(${x} >= CAST(CAST(${lo} AS TIMESTAMPTZ) AS TIMESTAMP) AND ${x} < CAST(CAST(${hi} AS TIMESTAMPTZ) AS TIMESTAMP))`;
}

export function compileSql(q: SourceQuery, options: SqlCompileOptions = {}): SqlPlan {
  const map = options.map ?? stixEcsMap();
  const b = new SqlBuilder();
  const now = new Date();
  const walk = (rows: RowKind) =>
    walkSourceQuery<string>(
      q,
      {
        and,
        or,
        all: () => TRUE,
        timeRange: (ts, start, stop) => timeRange(b, ts, start, stop),
        exists: (field) => fieldExists(field, rows, options.presentKeys),
        comparison: (c, notes) =>
          compileComparison(c, map, b, notes, rows, options.presentKeys, options.valueSetFrom),
      },
      {
        map,
        defaultWindowMinutes: options.defaultWindowMinutes ?? DEFAULT_WINDOW_MINUTES,
        // one "now" for both halves, so their default windows agree
        now: options.now ?? now,
        ...(options.timestampField ? { timestampField: options.timestampField } : {}),
      },
    );
  const regular = walk('regular');
  const irregular = walk('irregular');
  // value sets whose tests simplification dropped are not written
  const used = b.ctes.filter((c) => new RegExp(`\\b${c.name}\\b`).test(regular.query + irregular.query));
  const { texts, params } = compactParams(
    [...used.map((c) => c.sql), regular.query, irregular.query],
    b.params,
  );
  const n = used.length;
  return {
    where: texts[n],
    whereIrregular: texts[n + 1],
    params,
    ctes: texts.slice(0, n),
    local: regular.local,
    notes: regular.notes,
  };
}

/**
 * Keeps only the parameters the texts still mention, renumbered in order: simplification (`FALSE AND x`) and fields
 * absent from the store drop subexpressions whose values were already made parameters, and DuckDB refuses
 * parameters a statement does not use. (Placeholders are the only `$<digits>` in compiled text.)
 */
function compactParams(texts: string[], all: readonly SqlValue[]): { texts: string[]; params: SqlValue[] } {
  const renumber = new Map<number, number>();
  const params: SqlValue[] = [];
  const out = texts.map((t) =>
    t.replace(/\$(\d+)/g, (_m, n: string) => {
      const old = Number(n);
      let now = renumber.get(old);
      if (now === undefined) {
        params.push(all[old - 1]);
        now = params.length;
        renumber.set(old, now);
      }
      return `$${now}`;
    }),
  );
  return { texts: out, params };
}

/**
 * The statement of a plan: the regular and the irregular rows as the two halves of a UNION ALL, each restricted by
 * `restrict` (e.g. the index list), in a stable order. `columns` are selected from `ecs_docs`.
 */
export function selectSql(
  plan: SqlPlan,
  columns: string,
  restrict = 'TRUE',
  orderBy?: string,
  limit?: number,
): string {
  const half = (flag: string, where: string) =>
    `SELECT ${columns} FROM ecs_docs WHERE ${restrict} AND ${flag} AND ${where}`;
  return (
    (plan.ctes.length ? `WITH ${plan.ctes.join(', ')} ` : '') +
    `${half('NOT _irregular', plan.where)} UNION ALL ${half('_irregular', plan.whereIrregular)}` +
    (orderBy ? ` ORDER BY ${orderBy}` : '') +
    (limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(limit))}` : '')
  );
}
