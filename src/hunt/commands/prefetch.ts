/**
 * Kestrel's prefetch: after GET or FIND found some entities, ask the data source for every record of those entities
 * (by the type's identity attribute, e.g. `value` of addresses, `name` of files, `user_id` of user accounts) within a
 * time window, so a variable holds all the records of its entities, not only those the first query touched.
 * Processes are fetched by `x_unique_id` when the found ones have one, else by `pid`, and then filtered the way
 * Kestrel 1.x identifies the same process across records (`prefetchProcesses`). Network-traffic has no
 * identity attribute and is not prefetched.
 */
import type { Pattern } from '../../stix/ast.ts';
import { compileCacheWhere } from '../../backends/cache/index.ts';
import { IDENTITY_ATTRIBUTE, attributeValues, mergeFetched } from '../../store/cache/index.ts';
import type { DataSource } from '../../connectors/types.ts';
import { explainLines, planGetFromSource, type TimeWindow } from '../plan/index.ts';
import type { CommandContext } from './context.ts';
import { prefetchWindow } from './resolve.ts';

/** `[type:path IN (values)]`, `path` dotted (`parent_ref.x_unique_id`). */
export function identityPattern(type: string, attr: string, values: unknown[]): Pattern {
  const span = { start: 0, end: 0, line: 1, col: 1 };
  const lits = values.map((v) =>
    typeof v === 'number'
      ? ({ kind: Number.isInteger(v) ? 'Int' : 'Float', value: v, span } as const)
      : ({ kind: 'String', value: String(v), span } as const),
  );
  return {
    kind: 'Pattern',
    expr: {
      kind: 'Observation',
      expr: {
        kind: 'Comparison',
        path: {
          kind: 'ObjectPath',
          objectType: type,
          steps: attr
            .split('.')
            .flatMap((part) =>
              part.endsWith('[*]')
                ? [{ kind: 'Key', name: part.slice(0, -3) } as const, { kind: 'Index', index: '*' } as const]
                : [{ kind: 'Key', name: part } as const],
            ),
          span,
        },
        op: 'IN',
        negated: false,
        value: { kind: 'List', values: lits, span },
        span,
      },
      span,
    },
    source: '',
    span,
  };
}

/**
 * The identity query with a FIND's WHERE ANDed inside its brackets, as Kestrel 1.x extends its prefetch pattern (so a
 * LIMIT counts observations that satisfy both). A WHERE of several observations is left to the cache.
 */
function withWhere(p: Pattern, where: Pattern | null | undefined): Pattern {
  if (!where || where.expr.kind !== 'Observation' || p.expr.kind !== 'Observation') return p;
  const span = p.span;
  return {
    ...p,
    expr: {
      ...p.expr,
      expr: { kind: 'ComparisonBinary', op: 'AND', left: p.expr.expr, right: where.expr.expr, span },
    },
  };
}

/** The identity attribute prefetch would use for `type`, if any (processes: `pid`, or `x_unique_id` when known). */
export function prefetchAttribute(type: string): string | undefined {
  return type === 'process' ? 'pid' : IDENTITY_ATTRIBUTE[type];
}

/** How a prefetch is asked. */
export interface PrefetchOptions {
  /**
   * Kestrel 1.x hands a FIND's LIMIT to the prefetch query: the source returns at most this many observations, and
   * the variable becomes the found entities' records in them (replacing the records found in the cache).
   */
  readonly limit?: number;
  /** A FIND's WHERE (variable references resolved): ANDed into the query, as Kestrel does. */
  readonly where?: Pattern | null;
}

/**
 * Adds to variable `vid` (ordered after its current records) every record of its entities that `sourceUri` returns
 * for `[type:attr IN (values)]` — with `limit`, the variable becomes those records instead. The query's window is
 * Kestrel's: the found records' span joined with `window` when the statement wrote one (START/STOP, LAST), ± the
 * session window, in whole seconds. Returns EXPLAIN lines (empty when nothing was asked).
 */
export async function prefetchInto(
  ctx: CommandContext,
  vid: number,
  type: string,
  sourceUri: string,
  window: TimeWindow | undefined,
  opts: PrefetchOptions = {},
): Promise<string[]> {
  const asked = await prefetchWindow(ctx, window, vid);
  if (type === 'process') return prefetchProcesses(ctx, vid, sourceUri, asked, opts);
  const attr = IDENTITY_ATTRIBUTE[type];
  if (!attr) return [];
  const values = await attributeValues(ctx.cache, vid, attr);
  if (values.length === 0) return [];
  const { batch, plan, source } = await ask(ctx, sourceUri, type, attr, values, asked, opts);
  // Without LIMIT: the records of the found entities (same identity key, not merely the same attribute value: a
  // file is its hash, else its name in its directory). With LIMIT, Kestrel's variable becomes what the limited query
  // returned for the pattern: the records with one of the values.
  await mergeFetched(
    ctx.cache,
    vid,
    {
      batch,
      entityType: type,
      same: opts.limit === undefined ? { kind: 'entity' } : { kind: 'value', attr },
      replace: opts.limit !== undefined,
    },
    ctx.signal,
  );
  return explainOf(plan, source);
}

async function ask(
  ctx: CommandContext,
  sourceUri: string,
  type: string,
  attr: string,
  values: unknown[],
  window: TimeWindow | undefined,
  opts: PrefetchOptions,
): Promise<{ batch: number; plan: ReturnType<typeof planGetFromSource>; source: DataSource }> {
  const source = await ctx.sources.open(sourceUri);
  const pattern = withWhere(identityPattern(type, attr, values), opts.where);
  const plan = planGetFromSource(sourceUri, type, pattern, window, opts.limit);
  const b = await ctx.cache.ingest(
    source.query(plan.query, ctx.signal ? { signal: ctx.signal } : {}),
    ctx.signal ? { signal: ctx.signal } : {},
  );
  return { batch: b.batch, plan, source };
}

function explainOf(plan: ReturnType<typeof planGetFromSource>, source: DataSource): string[] {
  return [
    'prefetch (all records of the found entities):',
    ...explainLines(plan, source).map((l) => '  ' + l),
  ];
}

/**
 * Process prefetch as Kestrel 1.x does it: ask the source for every process with the found ones' `x_unique_id`
 * (kept as is) or, without unique ids, their `pid`; of those, the cache keeps the records that pass Kestrel's
 * same-process test against a found record ("anchors"), then every record that passes it against an anchor; when none
 * passes, all of them (`src/store/cache/prefetch.ts`).
 */
async function prefetchProcesses(
  ctx: CommandContext,
  vid: number,
  sourceUri: string,
  window: TimeWindow | undefined,
  opts: PrefetchOptions,
): Promise<string[]> {
  let attr: 'x_unique_id' | 'pid' = 'x_unique_id';
  let values = await attributeValues(ctx.cache, vid, attr);
  if (values.length === 0) {
    attr = 'pid';
    values = await attributeValues(ctx.cache, vid, attr);
  }
  if (values.length === 0) return [];
  const { batch, plan, source } = await ask(ctx, sourceUri, 'process', attr, values, window, opts);
  // The returned processes with one of the values that satisfy the WHERE's comparisons on processes (Kestrel
  // extracts them with the query's pattern; comparisons on other types held at the source, per observation);
  // Kestrel's variable becomes the prefetched records: found records the identification drops go too.
  const where = compileCacheWhere(opts.where, { center: 'process', mode: 'centered' });
  await mergeFetched(
    ctx.cache,
    vid,
    { batch, entityType: 'process', same: { kind: 'process', attr, where }, replace: true },
    ctx.signal,
  );
  return [
    `prefetch (all records of the found processes, by ${attr}${attr === 'pid' ? ', filtered by name, parent pid and time as Kestrel identifies processes' : ''}):`,
    ...explainOf(plan, source).slice(1),
  ];
}
