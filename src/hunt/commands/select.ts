/** Filling a records variable from a SELECT over the cache (shared by GET, FIND, filters, merge, SORT, LOAD, NEW). */
import { compileCacheWhere } from '../../backends/cache/index.ts';
import { OBSERVATION_ATTRIBUTES, VAR_FROM, VAR_FROM_RECORDS, attrTextSql } from '../../store/cache/index.ts';
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

/** The `from` of a {@link SelectSpec} reading the records of variable `vid`, in its order. */
export function recordsOfVariable(vid: number): Pick<SelectSpec, 'from' | 'fromParams' | 'hasMember'> {
  return { from: VAR_FROM, fromParams: [vid], hasMember: true };
}

/** Inserts the selected records into `member` under `vid`, numbering them in order. Returns nothing; counts later. */
export async function selectInto(ctx: CommandContext, vid: number, s: SelectSpec): Promise<void> {
  const where = compileCacheWhere(s.pattern, { center: s.entityType, mode: s.mode });
  const params: unknown[] = [...s.fromParams, s.entityType, ...where.parameters];
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
  if (s.hasMember) {
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
  // A variable's records need their observations only when something reads them (time, observation attributes).
  const readsObservation =
    where.observation ||
    s.time !== undefined ||
    (s.order !== undefined && OBSERVATION_ATTRIBUTES.has(s.order.attr));
  const from = s.from === VAR_FROM && !readsObservation ? VAR_FROM_RECORDS : s.from;
  const sql = `INSERT INTO member SELECT ${Math.trunc(vid)} AS vid, __r, row_number() OVER (ORDER BY ${order.join(', ')}) AS ord FROM (
      SELECT ${cols.join(', ')} FROM ${from} AND r.type = ? AND ${where.sql}${timeSql}${tail}) sel`;
  await ctx.cache.run(sql, params, ctx.signal);
}
