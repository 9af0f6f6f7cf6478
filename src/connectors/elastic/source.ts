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
import { ElasticClient } from './client.ts';
import { observationId } from './ids.ts';
import { pullHits, type PullStrategy } from './pull.ts';
import type { ElasticSettings } from './settings.ts';

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
    return compileElastic(q, { defaultWindowMinutes: this.settings.defaultWindowMinutes, hooks: this.hooks });
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
    };
  }

  /** Raw hits → observations, for `shifter execute` and benchmarks as well as `query`. */
  async *observations(
    q: SourceQuery,
    ctx: QueryContext = {},
    plan = this.plan(q),
  ): AsyncGenerator<Observation> {
    const mapper = ecsToStix();
    const start = Date.now();
    const pages = pullHits(this.client, this.settings.indices, {
      query: plan.query,
      pageSize: this.settings.pageSize,
      limit: plan.local === 'none' ? q.limit : undefined,
      signal: ctx.signal,
      strategy: this.strategy,
      slices: this.settings.slices,
      onPage: (hits, total) =>
        ctx.onProgress?.({ source: this.uri, hits, total, elapsedMs: Date.now() - start }),
    });
    for await (const page of pages) {
      for (const h of page) yield mapper.observation(h._source ?? {}, observationId(h._index, h._id));
    }
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
