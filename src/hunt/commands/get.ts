/** GET: from data sources (pattern pushed down, centered objects selected in the cache) or from a variable. */
import { ConnectorError, isPeregrineError } from '../../errors/index.ts';
import type { Observation } from '../../stix/observation.ts';
import { timeSpan } from '../../store/cache/index.ts';
import type { ComparisonExpr, ObservationExpr, PathStep, Pattern } from '../../stix/ast.ts';
import { prefetchAttribute, prefetchInto } from './prefetch.ts';
import type { IrGet } from '../ir/types.ts';
import { varSpan } from '../ir/spans.ts';
import { explainLines, planGetFromSource, planLocal } from '../plan/index.ts';
import {
  recordsVariable,
  requireRecords,
  semanticError,
  variable,
  type CommandContext,
  type CommandResult,
} from './context.ts';
import { resolvePattern, timeWindow } from './resolve.ts';
import { recordsOfVariable, selectInto } from './select.ts';

export async function runGet(s: IrGet, ctx: CommandContext): Promise<CommandResult> {
  const pattern = await resolvePattern(ctx, s.pattern);
  const time = await timeWindow(ctx, s.time, s.refs);
  const vid = ctx.cache.newVariableId();

  if (s.source.kind === 'Variable') {
    const input = variable(ctx, s.source.name, varSpan(s, s.source.name));
    requireRecords(ctx, input, 'GET FROM a variable', varSpan(s, s.source.name));
    const plan = planLocal(s.entityType, pattern, time, s.limit);
    await selectInto(ctx, vid, {
      ...recordsOfVariable(input.vid),
      entityType: s.entityType,
      pattern,
      mode: 'full',
      time,
      limit: s.limit,
    });
    return recordsVariable(s, s.entityType, vid, explainLines(plan), { source: input.source });
  }

  let uri: string;
  if (s.source.kind === 'Uris') uri = s.source.uris.join(',');
  else {
    const last = ctx.sources.last();
    if (!last)
      throw semanticError(
        ctx,
        'E_NO_SOURCE',
        'GET without FROM needs an earlier GET from a data source',
        s.span,
        'add FROM file://path/to/bundle.json or FROM stixshifter://name',
      );
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
      onWarning: (w) => ctx.warnings.push(w),
    });
  } catch (e) {
    if (isPeregrineError(e)) throw e;
    throw new ConnectorError('E_SOURCE_QUERY', `data source ${uri} failed: ${(e as Error).message}`, {
      cause: e,
      hint: 'rerun with --debug for the details, and check that the data source answers (peregrine doctor)',
    });
  }
  const batch = await ctx.cache.ingest(stream, {
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onProgress: (n) => ctx.onProgress?.({ source: uri, hits: n, elapsedMs: Date.now() - started }),
  });
  await selectInto(ctx, vid, {
    from: { kind: 'batch', batch: batch.batch },
    entityType: s.entityType,
    pattern,
    mode: 'centered',
    time,
    limit: s.limit,
  });
  const explain = explainLines(plan, source);
  if (s.limit === undefined && shouldPrefetch(s.entityType, pattern)) {
    const own = await timeSpan(ctx.cache, vid);
    const w = ctx.timeWindowMinutes * 60_000;
    const window =
      time ??
      (own
        ? {
            start: new Date(Date.parse(own.start) - w).toISOString(),
            stop: new Date(Date.parse(own.stop) + w + 1).toISOString(),
            origin: `around the results ±${ctx.timeWindowMinutes} min`,
          }
        : undefined);
    explain.push(...(await prefetchInto(ctx, vid, s.entityType, uri, window)));
  }
  return recordsVariable(s, s.entityType, vid, explain, { source: uri });
}

/** Comparisons of a pattern as (object type, path steps). */
function comparisons(p: Pattern): { type: string; steps: readonly PathStep[] }[] {
  const out: { type: string; steps: readonly PathStep[] }[] = [];
  const c = (e: ComparisonExpr): void => {
    if (e.kind === 'ComparisonBinary') {
      c(e.left);
      c(e.right);
    } else out.push({ type: e.path.objectType, steps: e.path.steps });
  };
  const o = (e: ObservationExpr): void => {
    if (e.kind === 'Observation') c(e.expr);
    else if (e.kind === 'ObservationBinary') {
      o(e.left);
      o(e.right);
    } else o(e.expr);
  };
  o(p.expr);
  return out;
}

/**
 * Kestrel prefetches after GET unless the type has no identity attribute, the query was already on that attribute
 * alone (a "direct query"), or the WHERE also constrains other types (their part would have to join the prefetch).
 */
function shouldPrefetch(type: string, pattern: Pattern | null): boolean {
  const attr = prefetchAttribute(type);
  if (!attr || !pattern) return false;
  const cs = comparisons(pattern);
  if (cs.some((x) => x.type !== type)) return false;
  const direct = cs.every(
    (x) => x.steps.length === 1 && x.steps[0]?.kind === 'Key' && x.steps[0].name === attr,
  );
  return !direct;
}
