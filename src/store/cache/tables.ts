/**
 * Derived tables: GROUP and JOIN results and copies of them, as `vt_<vid>` (see `variables.ts`). Their columns
 * hold JSON values (an attribute's value as the records hold it) or plain numbers (counts, sums); their rows keep
 * the order they were written in. Each operation writes a new table and reads its inputs only.
 */
import { quoteIdent } from '../../common/index.ts';
import type { IrAggregation, IrGroupKey } from '../../hunt/ir/types.ts';
import type { HuntCache } from './cache.ts';
import { attrSql, attrTextSql, OBSERVATION_ATTRIBUTES } from './attr-path.ts';
import { fromSql, recordsFrom } from './records.ts';
import { tableColumns, tableName, type CachedVariable } from './variables.ts';

/** Column expression (JSON) of a records variable (`r`/`o`) or a derived table's column. */
function colExpr(storage: CachedVariable['storage'], attr: string): string {
  return storage === 'records' ? attrSql(attr) : `to_json(${quoteIdent(attr)})`;
}

/** {@link colExpr} as text. */
function colText(storage: CachedVariable['storage'], attr: string): string {
  return storage === 'records' ? attrTextSql(attr) : `json_extract_string(to_json(${quoteIdent(attr)}), '$')`;
}

/** The SQL of one aggregation over the text column `str`. */
const AGGREGATES: Record<IrAggregation['func'], (str: string) => string> = {
  COUNT: (str) => `count(${str})`,
  NUNIQUE: (str) => `count(DISTINCT ${str})`,
  SUM: (str) => `sum(TRY_CAST(${str} AS DOUBLE))`,
  AVG: (str) => `avg(TRY_CAST(${str} AS DOUBLE))`,
  // numbers when every value is one, else text order
  MIN: (str) =>
    `CASE WHEN count(TRY_CAST(${str} AS DOUBLE)) = count(${str}) THEN to_json(min(TRY_CAST(${str} AS DOUBLE))) ELSE to_json(min(${str})) END`,
  MAX: (str) =>
    `CASE WHEN count(TRY_CAST(${str} AS DOUBLE)) = count(${str}) THEN to_json(max(TRY_CAST(${str} AS DOUBLE))) ELSE to_json(max(${str})) END`,
};

/**
 * Writes table `into`: the rows of `input` grouped by `keys` (binned when asked) with `aggregations` (none: the
 * number of observations, `number_observed`), ordered by the keys (numbers numerically, then as text).
 */
export async function groupInto(
  cache: HuntCache,
  into: number,
  input: CachedVariable,
  keys: readonly IrGroupKey[],
  aggregations: readonly IrAggregation[],
  signal?: AbortSignal,
): Promise<void> {
  const records = input.storage === 'records';
  // Each attribute is read once per record, in an inner query (as JSON for plain keys, as text for the rest);
  // the outer query groups and aggregates those columns.
  const inner: string[] = [];
  const columns = new Map<string, string>();
  const column = (attr: string, as: 'json' | 'text'): string => {
    const key = `${as}:${attr}`;
    let name = columns.get(key);
    if (!name) {
      name = `__c${columns.size}`;
      columns.set(key, name);
      const x = as === 'json' ? colExpr(input.storage, attr) : colText(input.storage, attr);
      inner.push(`${x} AS ${name}`);
    }
    return name;
  };
  // bin widths are values of the huntflow: parameters, in the order their keys come
  const binParams: number[] = [];
  const keyCols = keys.map((k) => {
    if (!k.bin) return `${column(k.attr, 'json')} AS ${quoteIdent(k.alias)}`;
    const str = column(k.attr, 'text');
    if (k.bin.seconds !== undefined) {
      binParams.push(Math.trunc(k.bin.seconds));
      return `to_json(strftime(time_bucket(to_seconds(CAST(? AS BIGINT)), TRY_CAST(${str} AS TIMESTAMPTZ)) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')) AS ${quoteIdent(k.alias)}`;
    }
    binParams.push(k.bin.size, k.bin.size);
    return `to_json(CAST(floor(TRY_CAST(${str} AS DOUBLE) / ?) * ? AS BIGINT)) AS ${quoteIdent(k.alias)}`;
  });
  const aggs = aggregations.map(
    (a) => `${AGGREGATES[a.func](column(a.attr, 'text'))} AS ${quoteIdent(a.alias)}`,
  );
  if (aggs.length === 0) {
    inner.push(records ? 'o.number_observed AS __n' : '1 AS __n');
    aggs.push(records ? `sum(__n) AS "number_observed"` : `count(*) AS "number_observed"`);
  }
  const observation =
    aggregations.length === 0 || [...keys, ...aggregations].some((x) => OBSERVATION_ATTRIBUTES.has(x.attr));
  const from = records
    ? `${fromSql(recordsFrom({ kind: 'variable', vid: input.vid }, observation))} AND r.type = ?`
    : `${tableName(input.vid)} WHERE TRUE`;
  const params: unknown[] = [...binParams, ...(records ? [input.vid, input.type] : [])];
  const groupBy = keyCols.map((_, i) => i + 1).join(', ');
  const orderBy = keys
    .map(
      (k) =>
        `TRY_CAST(json_extract_string(${quoteIdent(k.alias)}, '$') AS DOUBLE) NULLS LAST, json_extract_string(${quoteIdent(k.alias)}, '$') NULLS LAST`,
    )
    .join(', ');
  await cache.run(
    `CREATE OR REPLACE TABLE ${tableName(into)} AS SELECT * FROM (SELECT ${[...keyCols, ...aggs].join(', ')} FROM (SELECT ${inner.join(', ') || '1'} FROM ${from}) GROUP BY ${groupBy}) ORDER BY ${orderBy || '1'}`,
    params,
    signal,
  );
}

/** One side of a join: a variable, the attributes it contributes (records; default every attribute of its type) and the key. */
export interface JoinSide {
  readonly variable: CachedVariable;
  readonly attributes?: readonly string[];
  /** The attribute (or column) compared with the other side's; none = entity identity. */
  readonly key?: string;
}

async function joinSide(
  cache: HuntCache,
  side: JoinSide,
): Promise<{ sql: string; params: unknown[]; cols: readonly string[] }> {
  const { variable: v, key } = side;
  if (v.storage === 'table') {
    const cols = await tableColumns(cache, v.vid);
    return {
      sql: `SELECT ${cols.map((c, i) => `to_json(${quoteIdent(c)}) AS c${i}`).join(', ')}, ${key ? `json_extract_string(to_json(${quoteIdent(key)}), '$')` : 'NULL'} AS k FROM ${tableName(v.vid)}`,
      params: [],
      cols,
    };
  }
  const cols = side.attributes ?? cache.attributes(v.type);
  const exprs = cols.map((c, i) => `${attrSql(c)} AS c${i}`);
  const k = key ? `json_extract_string(${attrSql(key)}, '$')` : 'r.eid';
  return {
    sql: `SELECT ${[...exprs, `${k} AS k`].join(', ')} FROM ${fromSql(recordsFrom({ kind: 'variable', vid: v.vid }))} AND r.type = ?`,
    params: [v.vid, v.type],
    cols,
  };
}

/**
 * Writes table `into`: the distinct rows of `left` and `right` whose keys are equal, with the columns of both (a
 * column both sides have takes the left value, else the right one: attribute lists are per type, so one side may
 * lack a value the other has).
 */
export async function joinInto(
  cache: HuntCache,
  into: number,
  left: JoinSide,
  right: JoinSide,
  signal?: AbortSignal,
): Promise<void> {
  const L = await joinSide(cache, left);
  const R = await joinSide(cache, right);
  const rightExtra = R.cols.map((c, i) => [c, i] as const).filter(([c]) => !L.cols.includes(c));
  const select = [
    ...L.cols.map((c, i) => {
      const j = R.cols.indexOf(c);
      return j >= 0 ? `coalesce(L.c${i}, R.c${j}) AS ${quoteIdent(c)}` : `L.c${i} AS ${quoteIdent(c)}`;
    }),
    ...rightExtra.map(([c, i]) => `R.c${i} AS ${quoteIdent(c)}`),
  ];
  await cache.run(
    `CREATE OR REPLACE TABLE ${tableName(into)} AS SELECT DISTINCT ${select.join(', ')} FROM (${L.sql}) L JOIN (${R.sql}) R ON L.k = R.k`,
    [...L.params, ...R.params],
    signal,
  );
}

/** Which rows of a derived table, in which order: sorted by a column (missing values last), then paged. */
export interface TablePage {
  readonly sort?: { readonly attr: string; readonly asc: boolean };
  readonly limit?: number;
  readonly offset?: number;
}

/** ` ORDER BY … LIMIT ? OFFSET ?` of a {@link TablePage}, its values appended to `params`. */
export function pageSql(page: TablePage, params: unknown[]): string {
  let sql = '';
  if (page.sort)
    sql += ` ORDER BY ${quoteIdent(page.sort.attr)} ${page.sort.asc ? 'ASC' : 'DESC'} NULLS LAST`;
  if (page.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(page.limit);
  }
  if (page.offset !== undefined) {
    sql += ' OFFSET ?';
    params.push(page.offset);
  }
  return sql;
}

/** Writes table `into`: the rows of table `from`, sorted and paged. */
export async function copyTable(
  cache: HuntCache,
  into: number,
  from: number,
  page: TablePage,
  signal?: AbortSignal,
): Promise<void> {
  const params: unknown[] = [];
  await cache.run(
    `CREATE OR REPLACE TABLE ${tableName(into)} AS SELECT * FROM ${tableName(from)}${pageSql(page, params)}`,
    params,
    signal,
  );
}
