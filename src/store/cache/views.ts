/**
 * Reading variables for display (DISP, SAVE, APPLY's inputs, DESCRIBE): rows as values, nothing written.
 */
import { quoteIdent } from '../../common/index.ts';
import type { HuntCache } from './cache.ts';
import { attrSql } from './attr-path.ts';
import { fromSql, memberCount, recordsFrom, type RecordSource } from './records.ts';
import type { RecordPredicate } from './schema.ts';
import { pageSql, type TablePage } from './tables.ts';
import { tableColumns, tableName, type CachedVariable } from './variables.ts';

export interface Table {
  readonly columns: string[];
  readonly rows: unknown[][];
}

/** The rows of a derived table: `columns` that it has (none or no such: all), sorted and paged. */
export async function tableRows(
  cache: HuntCache,
  vid: number,
  view: TablePage & { readonly columns?: readonly string[] },
  signal?: AbortSignal,
): Promise<Table> {
  const all = await tableColumns(cache, vid);
  const cols = view.columns?.length ? view.columns.filter((a) => all.includes(a)) : all;
  const params: unknown[] = [];
  const sql = `SELECT ${cols.map(quoteIdent).join(', ') || '*'} FROM ${tableName(vid)}${pageSql(view, params)}`;
  return cache.table(sql, params, signal);
}

/** Which rows of a records variable, and which columns. */
export interface RecordRowsView {
  readonly vid: number;
  readonly type: string;
  /** One column per attribute (JSON values; missing: null). */
  readonly attributes: readonly string[];
  /** A last column with the id of each record's observation. */
  readonly observationId?: boolean;
  readonly where?: RecordPredicate;
  /** One row per record; else a row equal to an earlier one is dropped. */
  readonly perRecord: boolean;
  /** Order by an attribute (numbers numerically, then as text; missing last); default and ties: the variable's. */
  readonly sort?: { readonly attr: string; readonly asc: boolean };
  readonly limit?: number;
  readonly offset?: number;
}

function sortSql(x: string, asc: boolean): string {
  const dir = asc ? 'ASC' : 'DESC';
  return `TRY_CAST(json_extract_string(${x}, '$') AS DOUBLE) ${dir} NULLS LAST, json_extract_string(${x}, '$') ${dir} NULLS LAST`;
}

/** The rows of a records variable as a view asks (a row: the attributes' values, then the observation id). */
export async function recordRows(
  cache: HuntCache,
  view: RecordRowsView,
  signal?: AbortSignal,
): Promise<unknown[][]> {
  const exprs = view.attributes.map((c, i) => `${attrSql(c)} AS c${i}`);
  if (view.observationId) exprs.push(`to_json(o.id) AS c${view.attributes.length}`);
  const names = exprs.map((_, i) => `c${i}`);
  const where = view.where ?? { sql: 'TRUE', parameters: [], observation: false };
  const sortExpr = view.sort ? attrSql(view.sort.attr) : 'NULL';
  const query = (source: RecordSource): { sql: string; params: unknown[] } => {
    const from = recordsFrom(source);
    const inner = `SELECT ${exprs.join(', ') || 'NULL AS c0'}, m.ord AS __ord, ${sortExpr} AS __sort FROM ${fromSql(from)} AND r.type = ? AND ${where.sql}`;
    const dedup =
      view.perRecord || names.length === 0
        ? inner
        : `SELECT * FROM (${inner}) QUALIFY row_number() OVER (PARTITION BY ${names.join(', ')} ORDER BY __ord) = 1`;
    return {
      sql: `SELECT ${names.join(', ') || 'c0'} FROM (${dedup}) ORDER BY ${view.sort ? sortSql('__sort', view.sort.asc) + ', ' : ''}__ord`,
      params: [...from.parameters, view.type, ...where.parameters],
    };
  };
  const first = await firstRows(cache, view, query, signal);
  if (first) return first;
  const q = query({ kind: 'variable', vid: view.vid });
  const sql = q.sql + pageSql({ limit: view.limit, offset: view.offset }, q.params);
  return (await cache.table(sql, q.params, signal)).rows;
}

/**
 * `LIMIT n` in the variable's order over a large variable: the first rows of a deduplicated, input-ordered table
 * are those of a prefix of its records as soon as that prefix yields enough distinct rows (a row's first occurrence
 * in the prefix is its first occurrence overall; rows absent from the prefix come after it). So the records are
 * read in prefixes of growing size and the whole variable only when the prefixes do not suffice. Undefined: no
 * shortcut.
 */
async function firstRows(
  cache: HuntCache,
  view: RecordRowsView,
  query: (source: RecordSource) => { sql: string; params: unknown[] },
  signal?: AbortSignal,
): Promise<unknown[][] | undefined> {
  if (view.limit === undefined || view.sort) return undefined;
  const want = (view.offset ?? 0) + view.limit;
  const members = await memberCount(cache, view.vid);
  for (let cap = Math.max(1000, want * 4); cap <= Math.max(100_000, want * 64); cap *= 8) {
    const q = query({ kind: 'variable', vid: view.vid, first: cap });
    const t = await cache.table(q.sql, q.params, signal);
    if (t.rows.length >= want || members <= cap) return t.rows.slice(view.offset ?? 0, want);
  }
  return undefined;
}

/** DESCRIBE's statistics of one attribute (or column) over a variable's rows, as the cache returns them. */
export interface AttributeStatistics {
  /** Values present, distinct values, values that are numbers. */
  readonly count: unknown;
  readonly unique: unknown;
  readonly nums: unknown;
  /** Over the numeric values. */
  readonly min: unknown;
  readonly max: unknown;
  readonly mean: unknown;
  /** The most frequent value (ties: the smallest as text) and its count. */
  readonly top?: { readonly value: unknown; readonly freq: unknown };
}

export async function describeAttribute(
  cache: HuntCache,
  v: CachedVariable,
  attr: string,
  signal?: AbortSignal,
): Promise<AttributeStatistics> {
  const records = v.storage === 'records';
  const x = records ? attrSql(attr) : `to_json(${quoteIdent(attr)})`;
  const from = records
    ? `${fromSql(recordsFrom({ kind: 'variable', vid: v.vid }))} AND r.type = ?`
    : `${tableName(v.vid)} WHERE TRUE`;
  const params = records ? [v.vid, v.type] : [];
  const str = `json_extract_string(${x}, '$')`;
  const num = `TRY_CAST(${str} AS DOUBLE)`;
  const stats = await cache.all(
    `SELECT count(${str}) AS count, count(DISTINCT ${str}) AS "unique", count(${num}) AS nums,
            min(${num}) AS min, max(${num}) AS max, avg(${num}) AS mean FROM ${from}`,
    params,
    signal,
  );
  const top = await cache.all(
    `SELECT ${str} AS v, count(*) AS n FROM ${from} AND ${str} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
    params,
    signal,
  );
  const st = stats[0] ?? {};
  return {
    count: st.count,
    unique: st.unique,
    nums: st.nums,
    min: st.min,
    max: st.max,
    mean: st.mean,
    ...(top[0] ? { top: { value: top[0].v, freq: top[0].n } } : {}),
  };
}
