/**
 * Variable-level queries over the cache. A variable is a records variable (its rows of `member`, see `records.ts`)
 * or a derived table `vt_<vid>` (GROUP and JOIN results and their copies; its rows in the table's order). Everything
 * here returns values; the session decides what they mean.
 */
import { quoteIdent } from '../../common/index.ts';
import type { HuntCache } from './cache.ts';
import { attrSql } from './attr-path.ts';
import { fromSql, recordsFrom } from './records.ts';

/** A variable as the cache knows it: its id, where its rows are, and (records) the STIX type of its entities. */
export interface CachedVariable {
  readonly vid: number;
  readonly storage: 'records' | 'table';
  readonly type: string;
}

/** The derived table of variable `vid`. */
export function tableName(vid: number): string {
  return `vt_${Math.trunc(vid)}`;
}

/**
 * Frees what variable `v` holds in the cache: its membership rows or its derived table. The records and
 * observations stay cached (other variables and later fetches share them).
 */
export async function releaseVariable(
  cache: HuntCache,
  v: Pick<CachedVariable, 'vid' | 'storage'>,
): Promise<void> {
  if (v.storage === 'records') await cache.run(`DELETE FROM member WHERE vid = ?`, [v.vid]);
  else await cache.run(`DROP TABLE IF EXISTS ${tableName(v.vid)}`);
}

export interface VarCounts {
  entities: number;
  records: number;
}

export async function recordCounts(cache: HuntCache, vid: number, perRecord = false): Promise<VarCounts> {
  const rows = await cache.all(
    `SELECT count(*) AS n, count(DISTINCT r.eid) AS e FROM ${fromSql(recordsFrom({ kind: 'variable', vid }, false))}`,
    [vid],
  );
  const n = Number(rows[0]?.n ?? 0);
  return { records: n, entities: perRecord ? n : Number(rows[0]?.e ?? 0) };
}

export async function tableCounts(cache: HuntCache, vid: number): Promise<VarCounts> {
  const rows = await cache.all(`SELECT count(*) AS n FROM ${tableName(vid)}`);
  const n = Number(rows[0]?.n ?? 0);
  return { records: n, entities: n };
}

/** Records of other types in the observations of the variable's records, by type (own type included, own records not). */
export async function relatedCounts(
  cache: HuntCache,
  vid: number,
  ownType: string,
): Promise<Record<string, number>> {
  const rows = await cache.all(
    `WITH mine AS (SELECT m.rid, r.oid FROM member m JOIN rec r ON r.rid = m.rid WHERE m.vid = ?),
          obs_ AS (SELECT DISTINCT oid FROM mine)
     SELECT x.type AS type, count(*) AS n FROM rec x SEMI JOIN obs_ USING (oid)
     ANTI JOIN mine ON mine.rid = x.rid GROUP BY x.type ORDER BY x.type`,
    [vid],
  );
  const out: Record<string, number> = {};
  for (const r of rows) out[String(r.type)] = Number(r.n);
  if (!(ownType in out) && rows.length) out[ownType] = 0;
  return out;
}

/** [earliest first_observed, latest last_observed] of the variable's records as ISO strings; undefined if empty. */
export async function timeSpan(
  cache: HuntCache,
  vid: number,
): Promise<{ start: string; stop: string } | undefined> {
  const rows = await cache.all(
    `SELECT strftime(min(o.first_observed) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS s,
            strftime(max(coalesce(o.last_observed, o.first_observed)) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS e FROM ${fromSql(recordsFrom({ kind: 'variable', vid }))}`,
    [vid],
  );
  const s = rows[0]?.s;
  const e = rows[0]?.e;
  if (typeof s !== 'string' || typeof e !== 'string') return undefined;
  return { start: s, stop: e };
}

/** Distinct values of `attr` over the variable's records (JSON-decoded; nulls dropped). */
export async function attributeValues(cache: HuntCache, vid: number, attr: string): Promise<unknown[]> {
  const rows = await cache.all(
    `SELECT DISTINCT ${attrSql(attr)} AS v FROM ${fromSql(recordsFrom({ kind: 'variable', vid }))}`,
    [vid],
  );
  return rows.map((r) => r.v).filter((v) => v !== null && v !== undefined);
}

/** Distinct values of a derived table's column. */
export async function tableColumnValues(cache: HuntCache, vid: number, column: string): Promise<unknown[]> {
  const rows = await cache.all(`SELECT DISTINCT ${quoteIdent(column)} AS v FROM ${tableName(vid)}`);
  return rows.map((r) => r.v).filter((v) => v !== null && v !== undefined);
}

/** Columns of a derived table. */
export async function tableColumns(cache: HuntCache, vid: number): Promise<string[]> {
  const rows = await cache.all(
    `SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position`,
    [tableName(vid)],
  );
  return rows.map((r) => String(r.column_name));
}
