/**
 * Entity tables for analytics (APPLY): a records variable read as one row per entity — its key as `id`, its type,
 * each attribute's first value in the variable's order, the span of its observations — and attribute values an
 * analytic computed, merged back into every record of those entities.
 *
 * Values go in bulk: rows out as one query (or one `COPY … TO` Parquet file for an analytic in another process),
 * updates in through an appender into a value table joined by one UPDATE — never one SQL text per row.
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import { quoteIdent, sqlString } from '../../common/index.ts';
import { StoreError } from '../../errors/index.ts';
import type { HuntCache } from './cache.ts';
import { attrSql } from './attr-path.ts';
import type { Table } from './views.ts';

/**
 * Attributes behind references that Kestrel's DataFrames carry flattened beside an entity's own (`src_ref.value`
 * of a connection, `parent_ref.name` of a process): analytics written for Kestrel read them.
 */
export const REFERENCE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  'network-traffic': ['src_ref.value', 'dst_ref.value'],
  process: ['parent_ref.pid', 'parent_ref.name', 'binary_ref.name', 'creator_user_ref.user_id'],
  file: ['parent_directory_ref.path'],
  'x-oca-event': ['process_ref.name', 'process_ref.pid'],
};

/** Columns of an entity table beside its attributes: `id` (the entity key), `type`, first and last observed. */
export const ENTITY_KEY_COLUMN = 'id';
const FIXED = new Set(['id', 'type', 'first_observed', 'last_observed']);

/** Which entities (those of records variable `vid`, of one type) and which attributes. */
export interface EntityTableView {
  readonly vid: number;
  readonly type: string;
  readonly attributes: readonly string[];
}

/** The entity table's query: `id`, `type`, `c0…` (JSON), `first_observed`, `last_observed` (text), `__o`. */
function entitySql(view: EntityTableView): { sql: string; params: unknown[] } {
  const attrs = view.attributes.filter((a) => !FIXED.has(a));
  // JSON nulls become SQL NULLs before the aggregate: a FILTER calling json_type per row made it ~3x slower.
  const inner = attrs.map((a, i) => `nullif(${attrSql(a)}, 'null'::JSON) AS c${i}`);
  const agg = attrs.map((_, i) => `arg_min(c${i}, ord) FILTER (WHERE c${i} IS NOT NULL) AS c${i}`);
  const iso = (x: string): string => `strftime(${x} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ')`;
  const sql = `SELECT eid AS id, ${agg.join(', ')}${agg.length ? ', ' : ''}${iso('min(__f)')} AS first_observed,
      ${iso('max(__l)')} AS last_observed, min(ord) AS __o FROM (
      SELECT r.eid, m.ord, o.first_observed AS __f, coalesce(o.last_observed, o.first_observed) AS __l${inner.length ? ', ' : ''}${inner.join(', ')}
      FROM member m JOIN rec r ON r.rid = m.rid JOIN obs o ON o.oid = r.oid WHERE m.vid = ? AND r.type = ?) GROUP BY eid`;
  return { sql, params: [view.vid, view.type] };
}

function attributesOf(view: EntityTableView): string[] {
  return view.attributes.filter((a) => !FIXED.has(a));
}

/** The entity table as values (JSON-decoded; attributes that no entity has are left out). */
export async function entityRows(
  cache: HuntCache,
  view: EntityTableView,
  signal?: AbortSignal,
): Promise<Table> {
  const attrs = attributesOf(view);
  const q = entitySql(view);
  const t = await cache.table(
    `SELECT id, ${sqlString(view.type)} AS type${attrs.map((_, i) => `, c${i}`).join('')}, first_observed, last_observed FROM (${q.sql}) ORDER BY __o`,
    q.params,
    signal,
  );
  const columns = ['id', 'type', ...attrs, 'first_observed', 'last_observed'];
  const keep = columns.map((_, i) => i < 2 || t.rows.some((r) => r[i] !== null && r[i] !== undefined));
  return {
    columns: columns.filter((_, i) => keep[i]),
    rows: t.rows.map((r) => r.filter((_, i) => keep[i])),
  };
}

/** The SQL type each attribute's values have in every entity: BIGINT, DOUBLE, BOOLEAN or text (VARCHAR). */
async function columnTypes(
  cache: HuntCache,
  table: string,
  attrs: readonly string[],
  signal?: AbortSignal,
): Promise<(string | undefined)[]> {
  if (attrs.length === 0) return [];
  const row = (
    await cache.all(
      `SELECT ${attrs.map((_, i) => `array_to_string(list_distinct(list(json_type(c${i})) FILTER (WHERE c${i} IS NOT NULL)), ',') AS t${i}`).join(', ')} FROM ${table}`,
      [],
      signal,
    )
  )[0];
  return attrs.map((_, i) => {
    const kinds = new Set(
      String(row?.[`t${i}`] ?? '')
        .split(',')
        .filter(Boolean),
    );
    kinds.delete('NULL');
    if (kinds.size === 0) return undefined;
    if ([...kinds].every((k) => k === 'BIGINT' || k === 'UBIGINT')) return 'BIGINT';
    if ([...kinds].every((k) => k === 'BIGINT' || k === 'UBIGINT' || k === 'DOUBLE')) return 'DOUBLE';
    if (kinds.size === 1 && kinds.has('BOOLEAN')) return 'BOOLEAN';
    return 'VARCHAR';
  });
}

/**
 * Writes the entity table to a gzip-compressed Parquet file (Kestrel's analytic input): numbers, booleans and text
 * as typed columns, lists and objects as JSON text, attributes no entity has left out. Returns the columns written.
 */
export async function writeEntityParquet(
  cache: HuntCache,
  view: EntityTableView,
  path: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const attrs = attributesOf(view);
  const q = entitySql(view);
  // The entity table is computed once: its column types are probed on it, then it is copied out.
  const table = `__ent_${++entityTables}`;
  await cache.run(`CREATE TEMP TABLE ${table} AS ${q.sql}`, q.params, signal);
  try {
    return await copyEntityTable(cache, table, view.type, attrs, path, signal);
  } finally {
    await cache.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

let entityTables = 0;

async function copyEntityTable(
  cache: HuntCache,
  table: string,
  type: string,
  attrs: readonly string[],
  path: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const types = await columnTypes(cache, table, attrs, signal);
  const cols = [`id`, `${sqlString(type)} AS type`];
  const names = ['id', 'type'];
  attrs.forEach((a, i) => {
    const t = types[i];
    if (!t) return;
    const text = `json_extract_string(c${i}, '$')`;
    cols.push(`${t === 'VARCHAR' ? text : `TRY_CAST(${text} AS ${t})`} AS ${quoteIdent(a)}`);
    names.push(a);
  });
  cols.push('first_observed', 'last_observed');
  names.push('first_observed', 'last_observed');
  await cache.run(
    `COPY (SELECT ${cols.join(', ')} FROM ${table} ORDER BY __o) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION gzip)`,
    [],
    signal,
  );
  return names;
}

/** The columns of a Parquet file an analytic wrote, with their SQL types. */
export async function parquetColumns(
  cache: HuntCache,
  path: string,
  signal?: AbortSignal,
): Promise<{ name: string; type: string }[]> {
  const rows = await cache.all(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`, [], signal);
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

/**
 * Rows of `columns` of a Parquet file an analytic wrote, each with the entity key it updates: the file's `id`
 * column, or — when the analytic dropped it but kept the rows in order, as Kestrel's contract allows — the `id`
 * of the row at the same position of the input file `inputPath`.
 */
export async function parquetUpdates(
  cache: HuntCache,
  file: { readonly path: string; readonly inputPath: string; readonly hasId: boolean },
  columns: readonly string[],
  signal?: AbortSignal,
): Promise<Table> {
  const sel = columns.map((c) => `o.${quoteIdent(c)}`).join(', ');
  const sql = file.hasId
    ? `SELECT CAST(o.id AS VARCHAR) AS id${sel ? ', ' + sel : ''} FROM read_parquet(${sqlString(file.path)}) o`
    : `SELECT i.id${sel ? ', ' + sel : ''} FROM read_parquet(${sqlString(file.path)}, file_row_number = true) o
       JOIN read_parquet(${sqlString(file.inputPath)}, file_row_number = true) i USING (file_row_number)`;
  return cache.table(sql, [], signal);
}

let updates = 0;

/** What {@link setEntityAttributes} merges: per entity key, values of `columns` (null: leave the entity as it is). */
export interface EntityUpdates {
  readonly type: string;
  readonly columns: readonly string[];
  /** `[entity key, value of columns[0], …]`. */
  readonly rows: Iterable<readonly unknown[]>;
}

/**
 * Sets attributes on every record of the given entities (a JSON merge of the values that are not null); later
 * reads (WHERE, SORT, GROUP, DISP, SAVE) see them. Returns how many entities got at least one value.
 */
export async function setEntityAttributes(
  cache: HuntCache,
  u: EntityUpdates,
  signal?: AbortSignal,
): Promise<number> {
  const table = `__upd_${++updates}`;
  await cache.run(`CREATE TEMP TABLE ${table} (eid VARCHAR, patch VARCHAR)`);
  let n = 0;
  let appender: DuckDBAppender | undefined;
  try {
    appender = await cache.conn.createAppender(table, 'main', 'temp');
    const set = new Set<string>();
    for (const row of u.rows) {
      const patch: Record<string, unknown> = {};
      let any = false;
      for (let i = 0; i < u.columns.length; i++) {
        const v = row[i + 1];
        if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) continue;
        patch[u.columns[i]!] = typeof v === 'bigint' ? Number(v) : v;
        set.add(u.columns[i]!);
        any = true;
      }
      if (!any || row[0] === null || row[0] === undefined) continue;
      appender.appendVarchar(String(row[0]));
      appender.appendVarchar(JSON.stringify(patch));
      appender.endRow();
      n++;
    }
    appender.flushSync();
    appender.closeSync();
    appender = undefined;
    await cache.run(
      `UPDATE rec SET attrs = json_merge_patch(rec.attrs, u.patch::JSON) FROM ${table} u WHERE rec.eid = u.eid AND rec.type = ?`,
      [u.type],
      signal,
    );
    cache.noteAttributeNames(u.type, [...set]);
  } catch (e) {
    if ((e as { stage?: string }).stage) throw e;
    throw new StoreError(
      'E_CACHE_UPDATE',
      `could not store an analytic's attributes: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  } finally {
    try {
      appender?.closeSync();
    } catch {
      // already failed
    }
    await cache.run(`DROP TABLE IF EXISTS ${table}`);
  }
  return n;
}
