/**
 * Pulling every hit of one search, page by page, from a consistent snapshot:
 *
 * - **point in time + `search_after`** with the `_shard_doc` tiebreaker (a total order, so no hit is skipped or
 *   repeated at page boundaries) — Elasticsearch (`POST /idx/_pit`) and OpenSearch (`POST /idx/_search/point_in_time`)
 *   name the API differently; both are handled.
 * - **scroll** sorted by `_doc` when the cluster has no `_shard_doc` (OpenSearch 2.x rejects it; `search_after`
 *   without a shard-aware tiebreaker can skip hits with equal sort values on different shards).
 *
 * No 10,000-hit cap. Shard failures and timed-out pages are errors: a partial answer is never presented as complete.
 * The snapshot (PIT or scroll) is released when the consumer stops early, fails or finishes.
 */
import { ConnectorError, PeregrineError } from '../../errors/index.ts';
import type { DslQuery } from '../../backends/elastic/index.ts';
import { errorReason, type ElasticClient } from './client.ts';

export interface Hit {
  readonly _index: string;
  readonly _id: string;
  readonly _source?: Record<string, unknown>;
  readonly sort?: unknown[];
}

export interface PullOptions {
  readonly query: DslQuery;
  readonly pageSize: number;
  /** Stop after this many hits (sorted by time then, so the first ones are the earliest). */
  readonly limit?: number;
  readonly signal?: AbortSignal;
  /** Called after each page with the hits so far and the total the cluster reported. */
  readonly onPage?: (hits: number, total: number | undefined) => void;
  /** Force a strategy (tests, benchmarks). */
  readonly strategy?: PullStrategy;
  /** Pull in this many slices in parallel (sliced PIT / sliced scroll); ignored with a limit (time order). */
  readonly slices?: number;
  /** This pull's slice (set by the parallel pull). */
  readonly slice?: { readonly id: number; readonly max: number };
}

export type PullStrategy = 'pit-es' | 'pit-os' | 'scroll';

const KEEP_ALIVE = '2m';
const strategies = new WeakMap<ElasticClient, PullStrategy>();

function indexPath(indices: readonly string[]): string {
  return indices.map((i) => encodeURIComponent(i).replace(/%2A/g, '*')).join(',');
}

interface Page {
  hits: Hit[];
  total?: number;
  pitId?: string;
  scrollId?: string;
}

function readPage(c: ElasticClient, body: unknown, what: string): Page {
  const b = body as {
    hits?: { hits?: unknown; total?: { value?: number } | number };
    _shards?: { failed?: number; failures?: Array<{ reason?: unknown }> };
    timed_out?: boolean;
    pit_id?: string;
    _scroll_id?: string;
  } | null;
  const label = `data source "${c.settings.profile}" (${c.settings.hostLabel})`;
  if (!b || typeof b !== 'object' || !b.hits || !Array.isArray(b.hits.hits)) {
    throw new ConnectorError('E_ELASTIC_MALFORMED', `${label}: the answer to ${what} has no hits array`, {
      hint: 'is the host/port an Elasticsearch or OpenSearch HTTP endpoint?',
    });
  }
  if (b._shards?.failed) {
    const r = errorReason({ error: b._shards.failures?.[0]?.reason }) ?? 'unknown reason';
    throw new ConnectorError(
      'E_ELASTIC_PARTIAL',
      `${label}: ${b._shards.failed} shard(s) failed while ${what} (${r}); the results would be incomplete`,
      {
        hint: 'check the cluster health (GET _cluster/health) and retry',
      },
    );
  }
  if (b.timed_out) {
    throw new ConnectorError(
      'E_ELASTIC_TIMEOUT',
      `${label}: the search timed out on the cluster while ${what}; the results would be incomplete`,
      {
        hint: 'narrow the query (START/STOP) or raise options.timeout',
      },
    );
  }
  const t = b.hits.total;
  return {
    hits: b.hits.hits as Hit[],
    total: typeof t === 'number' ? t : t?.value,
    pitId: b.pit_id,
    scrollId: b._scroll_id,
  };
}

async function detect(c: ElasticClient, signal?: AbortSignal): Promise<PullStrategy> {
  const known = strategies.get(c);
  if (known) return known;
  const r = await c.request(
    { method: 'GET', path: '/' },
    { signal, ignore: [400, 401, 403, 404, 405], what: 'reading the cluster version' },
  );
  const v = (r.body as { version?: { distribution?: string; number?: string } } | null)?.version;
  return v?.distribution === 'opensearch' ? 'pit-os' : 'pit-es';
}

/** Every hit of `query` over `indices`, in pages. */
export async function* pullHits(
  c: ElasticClient,
  indices: readonly string[],
  o: PullOptions,
): AsyncGenerator<Hit[]> {
  const n = o.slices ?? 1;
  if (n <= 1 || o.limit !== undefined || o.slice) {
    yield* pullOne(c, indices, o);
    return;
  }
  // sliced parallel pull: one snapshot per slice, pages merged as they arrive; progress summed over slices
  const strategy = o.strategy ?? (await detect(c, o.signal));
  const hits = new Array<number>(n).fill(0);
  const totals = new Array<number | undefined>(n).fill(undefined);
  const gens = Array.from({ length: n }, (_, id) =>
    pullOne(c, indices, {
      ...o,
      strategy,
      slice: { id, max: n },
      onPage: (h, t) => {
        hits[id] = h;
        totals[id] = t;
        const total = totals.every((x) => x !== undefined) ? totals.reduce((a, b) => a! + b!, 0) : undefined;
        o.onPage?.(
          hits.reduce((a, b) => a + b, 0),
          total,
        );
      },
    }),
  );
  let got = 0;
  try {
    for await (const page of merge(gens)) {
      got += page.length;
      yield page;
    }
  } catch (e) {
    throw interrupted(e, got);
  }
}

/** A failure after some hits were delivered: the answer is incomplete and must say so. */
function interrupted(e: unknown, got: number): unknown {
  if (
    got > 0 &&
    e instanceof PeregrineError &&
    e.code !== 'E_CANCELLED' &&
    e.code !== 'E_ELASTIC_INTERRUPTED'
  ) {
    return new ConnectorError(
      'E_ELASTIC_INTERRUPTED',
      `${e.message} — the pull stopped after ${got} hits; the results are incomplete and must not be used`,
      { hint: e.hint ? `${e.hint}; then run the query again` : 'run the query again', cause: e },
    );
  }
  return e;
}

/** Pages of several generators, in arrival order; all are closed when the consumer stops or one fails. */
async function* merge<T>(gens: AsyncGenerator<T>[]): AsyncGenerator<T> {
  const step = (i: number): Promise<{ r: IteratorResult<T>; i: number }> =>
    gens[i].next().then((r) => ({ r, i }));
  const pending = new Map<number, Promise<{ r: IteratorResult<T>; i: number }>>();
  gens.forEach((_, i) => pending.set(i, step(i)));
  try {
    while (pending.size > 0) {
      const { r, i } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      pending.set(i, step(i));
      yield r.value;
    }
  } finally {
    for (const p of pending.values()) p.catch(() => undefined);
    await Promise.allSettled(gens.map((g) => g.return(undefined)));
  }
}

async function* pullOne(c: ElasticClient, indices: readonly string[], o: PullOptions): AsyncGenerator<Hit[]> {
  const strategy = o.strategy ?? (await detect(c, o.signal));
  let got = 0;
  try {
    if (strategy === 'scroll') {
      for await (const page of scroll(c, indices, o)) {
        got += page.length;
        yield page;
      }
      return;
    }
    const it = pit(c, indices, o, strategy);
    for await (const page of it) {
      if (page === 'no-shard-doc') {
        strategies.set(c, 'scroll');
        for await (const p of scroll(c, indices, o)) {
          got += p.length;
          yield p;
        }
        return;
      }
      got += page.length;
      yield page;
    }
    strategies.set(c, strategy);
  } catch (e) {
    throw interrupted(e, got);
  }
}

/** The index's max_result_window when the cluster refused a page as too large (then the page shrinks to it). */
function maxWindow(r: { statusCode: number; body: unknown }): number | undefined {
  const WINDOW = /(?:must be less than or equal to|Result window is too large)[^[]*\[(\d+)\]/;
  if (r.statusCode === 400) {
    const m = WINDOW.exec(errorReason(r.body) ?? '');
    return m ? Number(m[1]) : undefined;
  }
  // some shards may refuse the page size while others answer: a "partial" answer that is really a size problem
  const failures = (r.body as { _shards?: { failures?: Array<{ reason?: unknown }> } } | null)?._shards
    ?.failures;
  let min: number | undefined;
  for (const f of failures ?? []) {
    const m = WINDOW.exec(errorReason({ error: f.reason }) ?? '');
    if (m) min = Math.min(min ?? Infinity, Number(m[1]));
  }
  return min;
}

function rejected(c: ElasticClient, body: unknown): ConnectorError {
  return new ConnectorError(
    'E_ELASTIC_REQUEST',
    `data source "${c.settings.profile}" (${c.settings.hostLabel}): the cluster rejected the search (HTTP 400): ${errorReason(body) ?? 'no reason given'}`,
    {
      hint: 'a field in the pattern may have a type the comparison does not fit (e.g. LIKE on a number); run EXPLAIN to see the query',
    },
  );
}

function sortFor(o: PullOptions, tiebreak: string): unknown[] {
  return o.limit !== undefined
    ? [{ '@timestamp': { order: 'asc', unmapped_type: 'date' } }, { [tiebreak]: 'asc' }]
    : [{ [tiebreak]: 'asc' }];
}

async function* pit(
  c: ElasticClient,
  indices: readonly string[],
  o: PullOptions,
  strategy: 'pit-es' | 'pit-os',
): AsyncGenerator<Hit[] | 'no-shard-doc'> {
  const what = `opening a point in time on ${indices.join(',')}`;
  const open =
    strategy === 'pit-es'
      ? await c.request(
          { method: 'POST', path: `/${indexPath(indices)}/_pit`, querystring: { keep_alive: KEEP_ALIVE } },
          { signal: o.signal, what },
        )
      : await c.request(
          {
            method: 'POST',
            path: `/${indexPath(indices)}/_search/point_in_time`,
            querystring: { keep_alive: KEEP_ALIVE },
          },
          { signal: o.signal, what },
        );
  const ob = open.body as { id?: string; pit_id?: string };
  let id = ob.id ?? ob.pit_id;
  if (!id)
    throw new ConnectorError(
      'E_ELASTIC_MALFORMED',
      `data source "${c.settings.profile}" (${c.settings.hostLabel}): no point-in-time id in the answer to ${what}`,
    );
  let after: unknown[] | undefined;
  let got = 0;
  let total: number | undefined;
  let pageSize = o.pageSize;
  try {
    for (let first = true; ; first = false) {
      const size = o.limit === undefined ? pageSize : Math.min(pageSize, o.limit - got);
      if (size <= 0) return;
      const body = {
        size,
        query: o.query,
        pit: { id, keep_alive: KEEP_ALIVE },
        sort: sortFor(o, '_shard_doc'),
        track_total_hits: first,
        ...(o.slice ? { slice: o.slice } : {}),
        ...(after ? { search_after: after } : {}),
      };
      const what2 = `searching ${indices.join(',')}`;
      let r = await c.request(
        { method: 'POST', path: '/_search', body },
        { signal: o.signal, what: what2, ignore: [400] },
      );
      const window = maxWindow(r);
      if (window !== undefined && window < size) {
        pageSize = window;
        r = await c.request(
          { method: 'POST', path: '/_search', body: { ...body, size: window } },
          { signal: o.signal, what: what2, ignore: [400] },
        );
      }
      if (r.statusCode === 400) {
        if (first && /_shard_doc/.test(errorReason(r.body) ?? '')) {
          yield 'no-shard-doc';
          return;
        }
        throw rejected(c, r.body);
      }
      const page = readPage(c, r.body, what2);
      if (first) total = page.total;
      if (page.pitId) id = page.pitId;
      if (page.hits.length === 0) return;
      got += page.hits.length;
      o.onPage?.(got, total);
      yield page.hits;
      after = page.hits[page.hits.length - 1].sort;
      if (page.hits.length < Math.min(size, pageSize) || !after) return;
    }
  } finally {
    const close =
      strategy === 'pit-es'
        ? { method: 'DELETE' as const, path: '/_pit', body: { id } }
        : { method: 'DELETE' as const, path: '/_search/point_in_time', body: { pit_id: [id] } };
    await c.request(close, { retries: 0, ignore: [400, 404] }).catch(() => undefined);
  }
}

async function* scroll(c: ElasticClient, indices: readonly string[], o: PullOptions): AsyncGenerator<Hit[]> {
  const what = `searching ${indices.join(',')}`;
  let size = o.limit === undefined ? o.pageSize : Math.min(o.pageSize, o.limit);
  const first = (): Promise<{ statusCode: number; body: unknown }> =>
    c.request(
      {
        method: 'POST',
        path: `/${indexPath(indices)}/_search`,
        querystring: { scroll: KEEP_ALIVE },
        body: {
          size,
          query: o.query,
          sort: sortFor(o, '_doc'),
          track_total_hits: true,
          ...(o.slice ? { slice: o.slice } : {}),
        },
      },
      { signal: o.signal, what, ignore: [400] },
    );
  let r = await first();
  const window = maxWindow(r);
  if (window !== undefined && window < size) {
    const stale = (r.body as { _scroll_id?: string } | null)?._scroll_id;
    if (stale) {
      await c
        .request(
          { method: 'DELETE', path: '/_search/scroll', body: { scroll_id: [stale] } },
          { retries: 0, ignore: [400, 404] },
        )
        .catch(() => undefined);
    }
    size = window;
    r = await first();
  }
  if (r.statusCode === 400) throw rejected(c, r.body);
  let page = readPage(c, r.body, what);
  const total = page.total;
  let scrollId = page.scrollId;
  let got = 0;
  try {
    while (page.hits.length > 0) {
      let hits = page.hits;
      if (o.limit !== undefined && got + hits.length > o.limit) hits = hits.slice(0, o.limit - got);
      got += hits.length;
      o.onPage?.(got, total);
      yield hits;
      if (o.limit !== undefined && got >= o.limit) return;
      if (!scrollId) return;
      const n = await c.request(
        { method: 'POST', path: '/_search/scroll', body: { scroll: KEEP_ALIVE, scroll_id: scrollId } },
        { signal: o.signal, what: `${what} (scroll)` },
      );
      page = readPage(c, n.body, `${what} (scroll)`);
      if (page.scrollId) scrollId = page.scrollId;
    }
  } finally {
    if (scrollId)
      await c
        .request(
          { method: 'DELETE', path: '/_search/scroll', body: { scroll_id: [scrollId] } },
          { retries: 0, ignore: [400, 404] },
        )
        .catch(() => undefined);
  }
}
