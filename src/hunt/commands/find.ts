/**
 * FIND: entities related to the input variable's entities through STIX references (Kestrel 1.x's relation table,
 * see `vocabulary.ts`); LINKED, as in Kestrel 1.x, takes every entity seen in the same observation as an input
 * entity (Kestrel 1.8's generic query; older releases ignored which input variable they were given).
 * When the input came from a remote source (a profile), that source is first asked for the entities referencing the
 * input's (`find-remote.ts`). Related records are then found in the cache at entity level (a reference from any
 * record of an input entity counts); then, as Kestrel's prefetch does, the input's data source is asked for every
 * record of the found entities (`prefetch.ts`: by identity attribute, in the found records' span ± the session
 * window); then WHERE applies. LIMIT goes to that prefetch query, as in Kestrel 1.x; without a prefetch it counts
 * records.
 */
import { releaseVariable, selectRelated, type ReferenceHop } from '../../store/cache/index.ts';
import type { Pattern } from '../../stix/ast.ts';
import type { IrFind } from '../ir/types.ts';
import { varSpan } from '../ir/spans.ts';
import type { TimeWindow } from '../plan/index.ts';
import { runFindClosure } from './find-closure.ts';
import { fetchRelated } from './find-remote.ts';
import { prefetchInto } from './prefetch.ts';
import {
  recordsVariable,
  requireRecords,
  variable,
  type CommandContext,
  type CommandResult,
} from './context.ts';
import { resolvePattern, timeWindow } from './resolve.ts';
import { filterRecordsInto } from './select.ts';

export async function runFind(s: IrFind, ctx: CommandContext): Promise<CommandResult> {
  const input = variable(ctx, s.input, varSpan(s, s.input));
  requireRecords(ctx, input, 'FIND', varSpan(s, s.input));
  if (s.depth !== undefined) return runFindClosure(s, ctx, input);
  const pattern = await resolvePattern(ctx, s.pattern);
  const vid = ctx.cache.newVariableId();
  const window = input.source ? await timeWindow(ctx, s.time, [s.input]) : undefined;
  const explain = await findHop(ctx, s, { ...input, name: s.input }, window, vid, pattern, s.limit);
  return recordsVariable(s, s.entityType, vid, explain, input.source ? { source: input.source } : {});
}

/** The entities one hop of FIND starts from: a variable's, or (in a closure) those the previous hop found. */
export interface HopInput {
  readonly vid: number;
  readonly type: string;
  readonly source?: string;
  /** The variable's name, or how EXPLAIN names a closure's hop. */
  readonly name: string;
}

/**
 * One hop of `s`'s relation from `input`'s entities into the new variable `vid`: the remote source's relation query
 * (in `window`), references in the cache, the prefetch of the found entities, then `pattern` and `limit`. Returns
 * the EXPLAIN lines.
 */
export async function findHop(
  ctx: CommandContext,
  s: IrFind,
  input: HopInput,
  window: TimeWindow | undefined,
  vid: number,
  pattern: Pattern | null,
  limit: number | undefined,
): Promise<string[]> {
  const tmp = ctx.cache.newVariableId();
  const explain: string[] = [];

  // 0. A remote source is asked for the entities that reference the input's (bundles are already whole in GET).
  explain.push(...(await fetchRelated(ctx, s, input, window)));

  // 1. References in the cache, at entity level.
  const hops: ReferenceHop[] = [];
  const refsUsed: string[] = [];
  for (const e of s.edges) {
    const onResult = e.returnIsSubject ? e.subjectRefs : e.objectRefs;
    const onInput = e.returnIsSubject ? e.objectRefs : e.subjectRefs;
    hops.push({ refs: onResult, holder: 'result' }, { refs: onInput, holder: 'input' });
    refsUsed.push(...onResult.map((r) => `${s.entityType}.${r}`));
    refsUsed.push(...onInput.map((r) => `${input.type}.${r}`));
  }
  // Kestrel 1.x's generic relation LINKED: entities seen in the same observation as an input entity.
  const sameObservation = s.relation === 'LINKED';
  if (sameObservation) refsUsed.push(`same observation as ${input.name}`);
  await selectRelated(
    ctx.cache,
    tmp,
    { input: input.vid, entityType: s.entityType, hops, sameObservation },
    ctx.signal,
  );

  // 2. Prefetch every record of the found entities from the input's source, in the found records' time span ± the
  //    window. As in Kestrel 1.x, a LIMIT goes to that query (observations), and then limits nothing else.
  let prefetched = false;
  if (input.source) {
    const stated = s.time ? await timeWindow(ctx, s.time, []) : undefined;
    const lines = await prefetchInto(ctx, tmp, s.entityType, input.source, stated, {
      ...(limit !== undefined ? { limit } : {}),
      where: pattern,
    });
    prefetched = lines.length > 0;
    explain.push(...lines);
  }
  const localLimit = prefetched ? undefined : limit;

  // 3. WHERE, and LIMIT (records) when there was no prefetch, on the cache.
  const local = await filterRecordsInto(ctx, vid, tmp, s.entityType, pattern, localLimit);
  await releaseVariable(ctx.cache, { vid: tmp, storage: 'records' });
  return [
    `on the cache: follow ${refsUsed.join(', ') || '(no reference)'} from the entities of ${input.name}`,
    ...explain,
    ...local,
  ];
}
