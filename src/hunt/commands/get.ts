/** GET: from data sources (pattern pushed down, centered objects selected in the cache) or from a variable. */
import { ConnectorError, isPeregrineError } from '../../errors/index.ts';
import type { Observation } from '../../connectors/types.ts';
import { VAR_FROM } from '../../store/cache/index.ts';
import { HuntCache } from '../../store/cache/index.ts';
import type { IrGet } from '../ir/types.ts';
import { explainLines, planGetFromSource, planLocal } from '../plan/index.ts';
import { requireRecords, semanticError, variable, type CommandContext, type CommandResult } from './context.ts';
import { resolvePattern, timeWindow } from './resolve.ts';
import { selectInto } from './select.ts';

export async function runGet(s: IrGet, ctx: CommandContext): Promise<CommandResult> {
  const pattern = await resolvePattern(ctx, s.pattern);
  const time = await timeWindow(ctx, s.time, s.refs);
  const vid = ctx.cache.newVariableId();

  if (s.source.kind === 'Variable') {
    const input = variable(ctx, s.source.name, s.span);
    requireRecords(ctx, input, 'GET FROM a variable', s.span);
    const plan = planLocal(s.entityType, pattern, time, s.limit);
    await selectInto(ctx, vid, { from: VAR_FROM, fromParams: [input.vid], hasMember: true, entityType: s.entityType, pattern, mode: 'full', time, limit: s.limit });
    return { variable: { name: s.output, type: s.entityType, vid, storage: 'records', source: input.source, birth: s, explain: explainLines(plan) } };
  }

  let uri: string;
  if (s.source.kind === 'Uris') uri = s.source.uris.join(',');
  else {
    const last = ctx.sources.last();
    if (!last) throw semanticError(ctx, 'E_NO_SOURCE', 'GET without FROM needs an earlier GET from a data source', s.span, 'add FROM file://path/to/bundle.json or FROM stixshifter://name');
    uri = last;
  }
  const source = await ctx.sources.open(uri);
  ctx.sources.setLast(uri);
  const plan = planGetFromSource(uri, s.entityType, pattern, time, s.limit);
  const started = Date.now();
  let stream: AsyncIterable<Observation>;
  try {
    stream = source.query(plan.query, {
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    });
  } catch (e) {
    if (isPeregrineError(e)) throw e;
    throw new ConnectorError('E_SOURCE_QUERY', `data source ${uri} failed: ${(e as Error).message}`, { cause: e });
  }
  const batch = await ctx.cache.ingest(stream, {
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onProgress: (n) => ctx.onProgress?.({ source: uri, hits: n, elapsedMs: Date.now() - started }),
  });
  await selectInto(ctx, vid, {
    from: HuntCache.batchFrom(),
    fromParams: [batch.batch],
    hasMember: false,
    entityType: s.entityType,
    pattern,
    mode: 'centered',
    time,
    limit: s.limit,
  });
  return {
    variable: { name: s.output, type: s.entityType, vid, storage: 'records', source: uri, birth: s, explain: explainLines(plan, source) },
  };
}
