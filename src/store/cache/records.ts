/**
 * Records variables. A variable's records are its rows of `member` (vid, rid, ord): `ord` numbers them 1…n in the
 * variable's order, each record at most once. Operations here fill a new variable id from a {@link RecordSource}
 * (selection, union) or empty one; they never change the records themselves.
 */
import type { HuntCache } from './cache.ts';
import { attrTextSql, OBSERVATION_ATTRIBUTES } from './attr-path.ts';
import type { RecordPredicate } from './schema.ts';

/**
 * Records an operation reads, named by value:
 * - `variable`: the records of a records variable, in its order (`m.ord`); `first` keeps only its first n;
 * - `batch`: the records of the observations one ingest call delivered (its kept copies when an observation was
 *   cached before), in record order; `objectKey` keeps only the objects stored under that key of their observation
 *   (LOAD and NEW store each row's entity under `'0'`).
 * More kinds (a value table of record or entity ids, a lazy variable's query) belong here, so that every operation
 * that reads records takes them.
 */
export type RecordSource =
  | { readonly kind: 'variable'; readonly vid: number; readonly first?: number }
  | { readonly kind: 'batch'; readonly batch: number; readonly objectKey?: string };

/**
 * The FROM of a source: tables yielding the record `r`, its observation `o` (when `observation`, or always for a
 * batch) and the membership row `m` (when `member`), then the WHERE condition (`joins` go between); `parameters`
 * are those of both, in text order.
 */
export interface RecordsFrom {
  readonly tables: string;
  readonly where: string;
  readonly parameters: readonly unknown[];
  readonly member: boolean;
}

export function recordsFrom(source: RecordSource, observation = true): RecordsFrom {
  switch (source.kind) {
    case 'variable': {
      const m =
        source.first === undefined
          ? 'member m'
          : '(SELECT * FROM member WHERE vid = ? ORDER BY ord LIMIT ?) m';
      return {
        tables: `${m} JOIN rec r ON r.rid = m.rid${observation ? ' JOIN obs o ON o.oid = r.oid' : ''}`,
        where: 'm.vid = ?',
        parameters: source.first === undefined ? [source.vid] : [source.vid, source.first, source.vid],
        member: true,
      };
    }
    case 'batch':
      return {
        tables: 'rec r JOIN obs o ON o.oid = r.oid',
        where:
          'o.oid IN (SELECT oid FROM batch_obs WHERE batch = ?)' +
          (source.objectKey !== undefined ? ' AND r.lkey = ?' : ''),
        parameters: source.objectKey !== undefined ? [source.batch, source.objectKey] : [source.batch],
        member: false,
      };
  }
}

/** `tables [joins] WHERE where` of a {@link RecordsFrom}. */
export function fromSql(f: RecordsFrom, joins = ''): string {
  return `${f.tables}${joins} WHERE ${f.where}`;
}

/** Which records of a source a new records variable holds, and in which order. */
export interface RecordSelection {
  readonly from: RecordSource;
  /** Records of this STIX type only. */
  readonly entityType: string;
  /** A compiled WHERE (`src/backends/cache/`); none = every record. */
  readonly where?: RecordPredicate;
  /** The observation's `first_observed` in [start, stop). */
  readonly time?: { readonly start: string; readonly stop: string };
  /**
   * Order by an attribute's value (numbers numerically, then as text; missing values last). Default and ties: the
   * source's order.
   */
  readonly order?: { readonly attr: string; readonly asc: boolean };
  readonly limit?: number;
  readonly offset?: number;
}

/** Fills records variable `into` with the selected records, numbered in order. */
export async function selectRecords(
  cache: HuntCache,
  into: number,
  s: RecordSelection,
  signal?: AbortSignal,
): Promise<void> {
  const where = s.where ?? { sql: 'TRUE', parameters: [], observation: false };
  // A variable's records need their observations only when something reads them (time, observation attributes).
  const observation =
    where.observation ||
    s.time !== undefined ||
    (s.order !== undefined && OBSERVATION_ATTRIBUTES.has(s.order.attr));
  const from = recordsFrom(s.from, observation);
  const params: unknown[] = [...from.parameters, s.entityType, ...where.parameters];
  let timeSql = '';
  if (s.time) {
    timeSql = ` AND o.first_observed >= ?::TIMESTAMPTZ AND o.first_observed < ?::TIMESTAMPTZ`;
    params.push(s.time.start, s.time.stop);
  }
  // The sort key is read once per record (as text) in the inner query; the window numbers the records in order.
  const cols = ['r.rid AS __r'];
  const order: string[] = [];
  if (s.order) {
    const dir = s.order.asc ? 'ASC' : 'DESC';
    cols.push(`${attrTextSql(s.order.attr)} AS __v`);
    order.push(`TRY_CAST(__v AS DOUBLE) ${dir} NULLS LAST`, `__v ${dir} NULLS LAST`);
  }
  if (from.member) {
    cols.push('m.ord AS __o');
    order.push('__o');
  }
  order.push('__r');
  let tail = '';
  if (s.limit !== undefined) {
    tail += ` LIMIT ?`;
    params.push(s.limit);
  }
  if (s.offset !== undefined) {
    tail += ` OFFSET ?`;
    params.push(s.offset);
  }
  if (tail) tail = ` ORDER BY ${order.join(', ')}${tail}`;
  const sql = `INSERT INTO member SELECT ${Math.trunc(into)} AS vid, __r, row_number() OVER (ORDER BY ${order.join(', ')}) AS ord FROM (
      SELECT ${cols.join(', ')} FROM ${fromSql(from)} AND r.type = ? AND ${where.sql}${timeSql}${tail}) sel`;
  await cache.run(sql, params, signal);
}

/**
 * Fills records variable `into` with the records of every variable of `vids`, each once, in the order of the first
 * variable that holds it (the first variable's records first).
 */
export async function unionRecords(
  cache: HuntCache,
  into: number,
  vids: readonly number[],
  signal?: AbortSignal,
): Promise<void> {
  await cache.run(
    `INSERT INTO member SELECT ${Math.trunc(into)}, rid, row_number() OVER (ORDER BY k, o) FROM (
       SELECT rid, min(pos * 10000000000 + ord) AS k, min(ord) AS o FROM (
         ${vids.map((_, i) => `SELECT rid, ord, ${i} AS pos FROM member WHERE vid = ?`).join(' UNION ALL ')}) GROUP BY rid)`,
    vids,
    signal,
  );
}

/**
 * Fills records variable `into` with the records of variable `vid` whose entity (`rec.eid`) no variable of `except`
 * holds, in `vid`'s order — the entities a closure's hop found that no earlier hop did. Returns how many records and
 * entities it kept.
 */
export async function selectNewEntities(
  cache: HuntCache,
  into: number,
  vid: number,
  except: readonly number[],
  signal?: AbortSignal,
): Promise<{ records: number; entities: number }> {
  await cache.run(
    `INSERT INTO member SELECT ${Math.trunc(into)}, m.rid, row_number() OVER (ORDER BY m.ord)
       FROM member m JOIN rec r ON r.rid = m.rid
      WHERE m.vid = ? AND NOT EXISTS (
        SELECT 1 FROM member m2 JOIN rec r2 ON r2.rid = m2.rid
         WHERE m2.vid IN (${except.map(() => '?').join(', ') || 'NULL'}) AND r2.eid = r.eid)`,
    [vid, ...except],
    signal,
  );
  const rows = await cache.all(
    `SELECT count(*) AS n, count(DISTINCT r.eid) AS e FROM member m JOIN rec r ON r.rid = m.rid WHERE m.vid = ?`,
    [into],
  );
  return { records: Number(rows[0]?.n ?? 0), entities: Number(rows[0]?.e ?? 0) };
}

/** How many records variable `vid` holds. */
export async function memberCount(cache: HuntCache, vid: number): Promise<number> {
  return Number((await cache.all(`SELECT count(*) AS n FROM member WHERE vid = ?`, [vid]))[0]?.n ?? 0);
}
