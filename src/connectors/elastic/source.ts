/**
 * An opened `stixshifter://NAME` source on Elasticsearch/OpenSearch: compiles the query (backends/elastic), pulls
 * the hits (pull.ts) and maps each ECS document straight into a STIX observation (mapping/), streamed — no
 * intermediate bundle. What the search cannot express is evaluated here with the STIX matcher, as EXPLAIN says.
 */
import { PeregrineError } from '../../errors/index.ts';
import { compileElastic, type ElasticHooks, type ElasticPlan } from '../../backends/elastic/index.ts';
import { ecsToStix } from '../../mapping/index.ts';
import { evaluateLocally } from '../local-evaluation.ts';
import type { DataSource, QueryContext } from '../types.ts';
import type { Observation } from '../../stix/observation.ts';
import type { SourceQuery } from '../../hunt/plan/index.ts';
import {
  batchSize,
  DEFAULT_MAX_TERMS,
  longestInList,
  mergeStreams,
  MIN_BATCH,
  PARALLEL_BATCHES,
  patternBatches,
} from './batches.ts';
import { ElasticClient } from './client.ts';
import { observationId } from './ids.ts';
import { pullHits, type Hit, type PullStrategy } from './pull.ts';
import type { ElasticSettings } from './settings.ts';

/** Hits ordered by their sort values (time, then the tiebreaker), as one search with a limit would return them. */
function compareSort(a: unknown[] | undefined, b: unknown[] | undefined): number {
  const n = Math.max(a?.length ?? 0, b?.length ?? 0);
  for (let i = 0; i < n; i++) {
    const x = a?.[i];
    const y = b?.[i];
    if (x === y) continue;
    if (x === undefined || x === null) return 1;
    if (y === undefined || y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export class ElasticDataSource implements DataSource {
  readonly connector = 'elastic_ecs';
  readonly uri: string;
  readonly settings: ElasticSettings;
  readonly client: ElasticClient;
  /** Forces a paging strategy (tests and benchmarks). */
  strategy?: PullStrategy;

  constructor(uri: string, settings: ElasticSettings) {
    this.uri = uri;
    this.settings = settings;
    this.client = new ElasticClient(settings);
  }

  /** Field renames learnt from the indices' mappings (text fields → their `.keyword` sub-field). */
  private hooks: ElasticHooks = {};
  private hooksLoaded = false;

  plan(q: SourceQuery): ElasticPlan {
    const hooks = this.maxTerms === undefined ? this.hooks : { ...this.hooks, maxTerms: this.maxTerms };
    return compileElastic(q, { defaultWindowMinutes: this.settings.defaultWindowMinutes, hooks });
  }

  /** The smallest `index.max_terms_count` of the indices (read once, when a query first carries a long IN list). */
  private maxTerms?: number;

  async loadMaxTerms(signal?: AbortSignal): Promise<number> {
    if (this.maxTerms !== undefined) return this.maxTerms;
    const r = await this.client.request(
      {
        method: 'GET',
        path: `/${this.settings.indices.map(encodeURIComponent).join(',').replace(/%2A/g, '*')}/_settings/index.max_terms_count`,
        querystring: { include_defaults: 'true', flat_settings: 'true' },
      },
      { signal, what: `reading index.max_terms_count of ${this.settings.indices.join(',')}` },
    );
    let min = Infinity;
    const body = (r.body ?? {}) as Record<
      string,
      { settings?: Record<string, unknown>; defaults?: Record<string, unknown> }
    >;
    for (const idx of Object.values(body)) {
      const v = Number(idx.settings?.['index.max_terms_count'] ?? idx.defaults?.['index.max_terms_count']);
      if (Number.isFinite(v) && v > 0) min = Math.min(min, v);
    }
    this.maxTerms = Number.isFinite(min) ? min : DEFAULT_MAX_TERMS;
    return this.maxTerms;
  }

  /**
   * Reads the field types of the indices once: a field mapped as analysed `text` (dynamic mapping) cannot be matched
   * exactly by term/wildcard/regexp; when it has a `keyword` sub-field, the comparison goes there instead.
   */
  async loadFieldTypes(signal?: AbortSignal): Promise<Map<string, string[]>> {
    const r = await this.client.request(
      {
        method: 'GET',
        path: `/${this.settings.indices.map(encodeURIComponent).join(',').replace(/%2A/g, '*')}/_field_caps`,
        querystring: { fields: '*' },
      },
      { signal, what: `reading the field mappings of ${this.settings.indices.join(',')}` },
    );
    const fields = ((r.body as { fields?: Record<string, Record<string, unknown>> }).fields ?? {}) as Record<
      string,
      Record<string, unknown>
    >;
    const types = new Map<string, string[]>();
    for (const [name, byType] of Object.entries(fields)) types.set(name, Object.keys(byType));
    if (!this.hooksLoaded) {
      const renames = new Map<string, string>();
      for (const [name, ts] of types) {
        if (ts.includes('text') && types.get(`${name}.keyword`)?.includes('keyword'))
          renames.set(name, `${name}.keyword`);
      }
      // a field mapped with one type in every index: LIKE/MATCHES on non-string types are filtered locally
      const single = new Map<string, string>();
      for (const [name, ts] of types) if (ts.length === 1) single.set(name, ts[0]);
      this.hooks = {
        ...(renames.size ? { fieldName: (f: string) => renames.get(f) ?? f } : {}),
        fieldType: (f: string) => single.get(f),
      };
      this.hooksLoaded = true;
    }
    return types;
  }

  explain(q: SourceQuery): unknown {
    const plan = this.plan(q);
    return {
      connector: this.connector,
      source: this.uri,
      host: this.settings.hostLabel,
      indices: this.settings.indices,
      query: plan.query,
      local: plan.local,
      notes: plan.notes,
      paging:
        'point in time + search_after on _shard_doc; scroll on clusters without _shard_doc (OpenSearch 2.x)',
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
      ...this.batchesOf(q),
    };
  }

  /** EXPLAIN's account of a long IN list cut into batches (`batches.ts`). */
  private batchesOf(q: SourceQuery): { batches?: string } {
    const list = longestInList(q.pattern);
    const max = this.maxTerms ?? DEFAULT_MAX_TERMS;
    if (!list || list.values.length <= batchSize(list.values.length, max)) return {};
    const size = batchSize(list.values.length, max);
    return {
      batches: `the IN list of ${list.values.length} values is searched in ${Math.ceil(list.values.length / size)} batches of at most ${size} (index.max_terms_count ${max}), ${PARALLEL_BATCHES} at a time; the query above shows the whole list`,
    };
  }

  /** Raw hits → observations, for `shifter execute` and benchmarks as well as `query`. */
  async *observations(
    q: SourceQuery,
    ctx: QueryContext = {},
    plan = this.plan(q),
  ): AsyncGenerator<Observation> {
    const mapper = ecsToStix();
    for await (const page of this.pages(q, ctx, plan))
      for (const h of page) yield mapper.observation(h._source ?? {}, observationId(h._index, h._id));
  }

  /** The hits of the query in pages: one search, or one per batch of its longest IN list. */
  private async *pages(q: SourceQuery, ctx: QueryContext, plan: ElasticPlan): AsyncGenerator<Hit[]> {
    const start = Date.now();
    const limit = plan.local === 'none' ? q.limit : undefined;
    const list = longestInList(q.pattern);
    const max =
      list && list.values.length > MIN_BATCH ? await this.loadMaxTerms(ctx.signal) : DEFAULT_MAX_TERMS;
    const batches =
      list && q.pattern ? patternBatches(q.pattern, list, batchSize(list.values.length, max)) : [];
    const pull = (query: ElasticPlan['query'], onPage?: (hits: number, total?: number) => void) =>
      pullHits(this.client, this.settings.indices, {
        query,
        pageSize: this.settings.pageSize,
        limit,
        signal: ctx.signal,
        strategy: this.strategy,
        slices: this.settings.slices,
        ...(onPage ? { onPage } : {}),
      });
    if (batches.length <= 1) {
      yield* pull(plan.query, (hits, total) =>
        ctx.onProgress?.({ source: this.uri, hits, total, elapsedMs: Date.now() - start }),
      );
      return;
    }
    // several searches: their hits merged, each document once (it may match in two batches: a pid and a parent pid)
    const plans = batches.map((pattern) => this.plan({ ...q, pattern }).query);
    const seen = new Set<string>();
    const fresh = (page: Hit[]): Hit[] =>
      page.filter((h) => {
        const k = `${h._index}\u0000${h._id}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    let hits = 0;
    const merged = mergeStreams(
      plans.map((query) => () => pull(query)[Symbol.asyncIterator]()),
      PARALLEL_BATCHES,
    );
    if (limit === undefined) {
      for await (const page of merged) {
        const out = fresh(page);
        hits += out.length;
        ctx.onProgress?.({ source: this.uri, hits, elapsedMs: Date.now() - start });
        if (out.length) yield out;
      }
      return;
    }
    // with a limit, the earliest hits of all batches (each batch returned its earliest `limit`, in time order)
    const all: Hit[] = [];
    for await (const page of merged) all.push(...fresh(page));
    all.sort((a, b) => compareSort(a.sort, b.sort));
    yield all.slice(0, limit);
  }

  async *query(q: SourceQuery, ctx: QueryContext = {}): AsyncGenerator<Observation> {
    if (!this.hooksLoaded) {
      try {
        await this.loadFieldTypes(ctx.signal);
      } catch (e) {
        // without the privilege to read mappings the search still works, only without type-aware field choices
        if (!(e instanceof PeregrineError && e.code === 'E_ELASTIC_FORBIDDEN')) throw e;
        this.hooksLoaded = true;
      }
    }
    const plan = this.plan(q);
    // an unexpressed part of the pattern is evaluated on the fetched stream (plain pass-through when none)
    yield* evaluateLocally(this.observations(q, ctx, plan), q.pattern, plan.local, q.limit ?? Infinity);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
