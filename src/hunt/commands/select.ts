/** Filling a records variable from a SELECT over the cache (shared by GET, FIND, filters, merge, SORT, LOAD, NEW). */
import { patternToSql, attrSql } from '../../store/cache/index.ts';
import type { Pattern } from '../../stix/ast.ts';
import type { TimeWindow } from '../plan/index.ts';
import type { CommandContext } from './context.ts';

export interface SelectSpec {
  /** SQL after FROM yielding `r` (rec) and `o` (obs) and optionally `m` (member, for ord), with its params. */
  readonly from: string;
  readonly fromParams: readonly unknown[];
  readonly entityType: string;
  readonly pattern: Pattern | null;
  readonly mode: 'centered' | 'full';
  readonly time?: TimeWindow;
  readonly limit?: number;
  readonly offset?: number;
  /** ORDER of the records (default: the input order `m.ord` when `m` exists, else `r.rid`). */
  readonly order?: { readonly attr: string; readonly asc: boolean };
  readonly hasMember: boolean;
}

/** Inserts the selected records into `member` under `vid`, numbering them in order. Returns nothing; counts later. */
export async function selectInto(ctx: CommandContext, vid: number, s: SelectSpec): Promise<void> {
  const where = patternToSql(s.pattern, { center: s.entityType, mode: s.mode });
  const params: unknown[] = [...s.fromParams, s.entityType, ...where.params];
  let timeSql = '';
  if (s.time) {
    timeSql = ` AND o.first_observed >= ?::TIMESTAMPTZ AND o.first_observed < ?::TIMESTAMPTZ`;
    params.push(s.time.start, s.time.stop);
  }
  const base = s.hasMember ? 'm.ord, r.rid' : 'r.rid';
  let order = base;
  if (s.order) {
    const x = attrSql(s.order.attr);
    const dir = s.order.asc ? 'ASC' : 'DESC';
    order = `TRY_CAST(json_extract_string(${x}, '$') AS DOUBLE) ${dir} NULLS LAST, json_extract_string(${x}, '$') ${dir} NULLS LAST, ${base}`;
  }
  let tail = '';
  if (s.limit !== undefined) {
    tail += ` LIMIT ?`;
    params.push(s.limit);
  }
  if (s.offset !== undefined) {
    tail += ` OFFSET ?`;
    params.push(s.offset);
  }
  const sql = `INSERT INTO member SELECT ${Math.trunc(vid)} AS vid, rid, row_number() OVER () AS ord FROM (
      SELECT r.rid FROM ${s.from} AND r.type = ? AND ${where.sql}${timeSql} ORDER BY ${order}${tail}) sel`;
  await ctx.cache.run(sql, params, ctx.signal);
}
