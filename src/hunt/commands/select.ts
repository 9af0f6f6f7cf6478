/** Filling a records variable from a selection of cached records (GET, FIND, filters, SORT, LOAD, NEW). */
import { compileCacheWhere } from '../../backends/cache/index.ts';
import { selectRecords, type RecordSelection } from '../../store/cache/index.ts';
import type { Pattern } from '../../stix/ast.ts';
import { explainLines, planLocal } from '../plan/index.ts';
import type { CommandContext } from './context.ts';

/** A selection whose WHERE is still a pattern: `centered` or `full`, as the cache backend reads it. */
export interface SelectSpec extends Omit<RecordSelection, 'where'> {
  readonly pattern: Pattern | null;
  readonly mode: 'centered' | 'full';
}

/** The `from` of a {@link SelectSpec} reading the records of variable `vid`, in its order. */
export function recordsOfVariable(vid: number): Pick<SelectSpec, 'from'> {
  return { from: { kind: 'variable', vid } };
}

/** Selects records into the new variable `vid`, its pattern compiled for the cache. */
export async function selectInto(ctx: CommandContext, vid: number, s: SelectSpec): Promise<void> {
  const { pattern, mode, ...selection } = s;
  const where = compileCacheWhere(pattern, { center: s.entityType, mode });
  await selectRecords(ctx.cache, vid, { ...selection, where }, ctx.signal);
}

/**
 * The last step of FIND and its variants: the records of variable `from` that are of `entityType` and match
 * `pattern` (whole observations), at most `limit`, into the new variable `vid`; returns EXPLAIN's lines for it.
 */
export async function filterRecordsInto(
  ctx: CommandContext,
  vid: number,
  from: number,
  entityType: string,
  pattern: Pattern | null,
  limit: number | undefined,
): Promise<string[]> {
  const local = planLocal(entityType, pattern, undefined, limit);
  await selectInto(ctx, vid, {
    ...recordsOfVariable(from),
    entityType,
    pattern,
    mode: 'full',
    ...(limit !== undefined ? { limit } : {}),
  });
  return explainLines(local);
}
