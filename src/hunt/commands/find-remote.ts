/**
 * FIND against a remote source (a `stixshifter://` profile: Elastic/OpenSearch or the embedded store): before the
 * references are followed in the cache, the source is asked once per relation edge for the entities that hold a
 * reference to one of the input's entities — e.g. `FIND process CREATED BY procs` asks for
 * `[process:parent_ref.x_unique_id IN (…ids of procs…)]` — within the input's time window ± the session window.
 * Without this, a child process the first GET never touched could not be found: its records live only at the source.
 *
 * Identifiers: the input type's remote identity — `x_unique_id` for processes when the input's records have it,
 * else `pid` (narrowed by the time window); the cache's identity attribute for other types. Values are sent in
 * batches (one query per edge per 5,000 values). Edges whose reference is held by the input entity need no query:
 * the referenced objects came with the input's own records.
 */
import { isProfileUri } from '../../connectors/registry.ts';
import { IDENTITY_ATTRIBUTE, attributeValues } from '../../store/cache/index.ts';
import type { IrFind } from '../ir/types.ts';
import { explainLines, planGetFromSource, type TimeWindow } from '../plan/index.ts';
import type { CommandContext } from './context.ts';
import { identityPattern } from './prefetch.ts';

const BATCH = 5000;

/** The attribute of `type` a source can be asked for to name these entities, and the values the input holds. */
async function remoteIdentity(
  ctx: CommandContext,
  vid: number,
  type: string,
): Promise<{ attr: string; values: unknown[] } | undefined> {
  const candidates =
    type === 'process' ? ['x_unique_id', 'pid'] : [IDENTITY_ATTRIBUTE[type]].filter((a): a is string => !!a);
  for (const attr of candidates) {
    const values = await attributeValues(ctx.cache, vid, attr);
    if (values.length) return { attr, values };
  }
  return undefined;
}

/** True for sources FIND queries for relations (profiles), as opposed to bundles read whole by GET. */
export function isRemoteSource(uri: string): boolean {
  return uri.split(',').some((u) => isProfileUri(u.trim()));
}

/**
 * Asks the input's source for entities of `s.entityType` that reference the input's entities; ingests what comes back
 * into the cache. Returns EXPLAIN lines.
 */
export async function fetchRelated(
  ctx: CommandContext,
  s: IrFind,
  input: { vid: number; type: string; source?: string; name: string },
  window: TimeWindow | undefined,
): Promise<string[]> {
  if (!input.source || !isRemoteSource(input.source)) return [];
  const id = await remoteIdentity(ctx, input.vid, input.type);
  if (!id) return [];
  const explain: string[] = [];
  const source = await ctx.sources.open(input.source);
  for (const e of s.edges) {
    const refs = e.returnIsSubject ? e.subjectRefs : e.objectRefs;
    for (const ref of refs) {
      const path = `${ref.replace(/_refs$/, '_refs[*]')}.${id.attr}`;
      for (let i = 0; i < id.values.length; i += BATCH) {
        const plan = planGetFromSource(
          input.source,
          s.entityType,
          identityPattern(s.entityType, path, id.values.slice(i, i + BATCH)),
          window,
          undefined,
        );
        explain.push(
          `relation query (${s.entityType}.${ref} → ${input.name}):`,
          ...explainLines(plan, source).map((l) => '  ' + l),
        );
        await ctx.cache.ingest(
          source.query(plan.query, ctx.signal ? { signal: ctx.signal } : {}),
          ctx.signal ? { signal: ctx.signal } : {},
        );
      }
    }
  }
  return explain;
}
