/**
 * FIND … DEPTH n|*: provenance in one statement. The relation is followed hop after hop — each hop is FIND's own
 * (`findHop`: one relation query per edge at a remote source, the references in the cache, the prefetch) — from the
 * entities the previous hop found that no hop found before, until n hops were made or (`DEPTH *`) a hop finds
 * nothing new. Entities are told apart by the cache's entity identity (`rec.eid`: a process's `x_unique_id`, not its
 * pid), so a cycle ends and a reused pid is another entity. The result is every hop's entities — what the chain
 * `a1 = FIND … x`, `a2 = FIND … a1`, … holds together — then WHERE and LIMIT apply to it; EXPLAIN lists the hops.
 */
import { releaseVariable, selectNewEntities, unionRecords } from '../../store/cache/index.ts';
import type { IrFind } from '../ir/types.ts';
import { recordsVariable, type CommandContext, type CommandResult } from './context.ts';
import { findHop } from './find.ts';
import { resolvePattern, timeWindow } from './resolve.ts';
import { filterRecordsInto } from './select.ts';
import type { VariableEntry } from './symbols.ts';

export async function runFindClosure(
  s: IrFind,
  ctx: CommandContext,
  input: VariableEntry,
): Promise<CommandResult> {
  const pattern = await resolvePattern(ctx, s.pattern);
  const maxHops = s.depth === 'all' || s.depth === undefined ? Infinity : s.depth;
  const relation = `${s.relation}${s.reversed ? ' BY' : ''}`;
  const explain: string[] = [
    `closure: ${s.entityType} ${relation} from ${s.input}, ${maxHops === Infinity ? 'until a hop finds no new entity' : `up to ${maxHops} hops`}; ` +
      `each hop starts from the entities no earlier hop found (entity identity)`,
  ];
  const cache = ctx.cache;
  const hopVids: number[] = [];
  const seen: number[] = [input.vid];
  let frontier = { vid: input.vid, name: s.input };
  let hop = 0;
  try {
    while (hop < maxHops) {
      hop++;
      const window = input.source ? await timeWindow(ctx, s.time, [frontier]) : undefined;
      const hv = cache.newVariableId();
      hopVids.push(hv);
      const lines = await findHop(
        ctx,
        s,
        { ...input, vid: frontier.vid, name: frontier.name },
        window,
        hv,
        null,
        undefined,
      );
      const next = cache.newVariableId();
      const fresh = await selectNewEntities(cache, next, hv, seen, ctx.signal);
      seen.push(hv);
      explain.push(
        `hop ${hop} from ${frontier.name}: ${fresh.entities} new ${s.entityType} entit${fresh.entities === 1 ? 'y' : 'ies'}`,
        ...lines.map((l) => '  ' + l),
      );
      if (frontier.vid !== input.vid) await releaseVariable(cache, { vid: frontier.vid, storage: 'records' });
      frontier = { vid: next, name: `hop ${hop}` };
      if (fresh.entities === 0) break;
    }
  } finally {
    if (frontier.vid !== input.vid) await releaseVariable(cache, { vid: frontier.vid, storage: 'records' });
  }
  if (maxHops !== Infinity && hop === maxHops) explain.push(`stopped after DEPTH ${maxHops} hops`);

  const all = cache.newVariableId();
  await unionRecords(cache, all, hopVids, ctx.signal);
  for (const v of hopVids) await releaseVariable(cache, { vid: v, storage: 'records' });
  const vid = cache.newVariableId();
  const local = await filterRecordsInto(ctx, vid, all, s.entityType, pattern, s.limit);
  await releaseVariable(cache, { vid: all, storage: 'records' });
  explain.push(`every hop's entities together`, ...local);
  return recordsVariable(s, s.entityType, vid, explain, input.source ? { source: input.source } : {});
}
