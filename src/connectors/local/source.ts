/**
 * An opened `local` source: the embedded ECS store queried with the SQL backend, each stored document mapped to a
 * STIX observation with the same mapping (and the same observation ids) as the Elastic connector — streamed, one
 * DuckDB chunk at a time. What SQL does not express is evaluated with the STIX matcher exactly as the Elastic
 * connector does, so both return the same observations for the same documents.
 */
import { compileSql, selectSql, type SqlPlan } from '../../backends/sql/index.ts';
import { CancelledError, StoreError } from '../../errors/index.ts';
import { ecsToStix } from '../../mapping/index.ts';
import { evaluateLocally } from '../local-evaluation.ts';
import { quoteIdent } from '../../common/index.ts';
import { openStore } from '../../store/ecs/index.ts';
import { observationId } from '../elastic/ids.ts';
import type { DataSource, QueryContext } from '../types.ts';
import type { Observation } from '../../stix/observation.ts';
import type { SourceQuery } from '../../hunt/plan/index.ts';
import type { LocalSettings } from './settings.ts';

/** The statement run for a plan over the given indices (names become parameters after the plan's own). */
export function localSelect(
  plan: SqlPlan,
  indices: readonly string[] | string,
  limit?: number,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [...plan.params];
  const list =
    typeof indices === 'string'
      ? `/* indices matching "${indices.replace(/\*\//g, '* /')}" */`
      : indices.map((i) => `$${params.push(i)}`).join(', ');
  const sql = selectSql(
    plan,
    '_index, _id, _source, "@timestamp"',
    `_index IN (${list})`,
    `${quoteIdent('@timestamp')}, _index, _id`,
    limit,
  );
  return { sql, params };
}

/**
 * A parameter as EXPLAIN shows it: the value list of a long IN list (one NUL-separated parameter, see
 * `valueListParam`) as its count and first values, anything else as it is.
 */
function shownParam(p: unknown): unknown {
  if (typeof p !== 'string' || !p.includes('\u0000')) return p;
  const vs = p.split('\u0000');
  return `(${vs.length} values: ${vs.slice(0, 5).join(', ')}${vs.length > 5 ? ', …' : ''})`;
}

export class LocalDataSource implements DataSource {
  readonly connector = 'local';
  readonly uri: string;
  readonly settings: LocalSettings;

  constructor(uri: string, settings: LocalSettings) {
    this.uri = uri;
    this.settings = settings;
  }

  /** The plan; with `presentKeys` (read from the store at run time) fields no document holds compile to FALSE. */
  plan(q: SourceQuery, presentKeys?: ReadonlySet<string>): SqlPlan {
    return compileSql(q, {
      defaultWindowMinutes: this.settings.defaultWindowMinutes,
      ...(presentKeys ? { presentKeys } : {}),
    });
  }

  #limit(q: SourceQuery): number | undefined {
    const a = q.limit;
    const b = this.settings.resultLimit;
    return a === undefined ? b : b === undefined ? a : Math.min(a, b);
  }

  explain(q: SourceQuery): unknown {
    const plan = this.plan(q);
    const limit = this.#limit(q);
    const { sql, params } = localSelect(
      plan,
      this.settings.indices,
      plan.local === 'none' ? limit : undefined,
    );
    return {
      connector: this.connector,
      source: this.uri,
      store: this.settings.path,
      indices: this.settings.indices,
      sql,
      params: params.map(shownParam),
      local: plan.local,
      notes: [
        ...plan.notes,
        'at run time, tests of fields no document of the indices holds are dropped (FALSE)',
      ],
      ...(limit !== undefined ? { limit } : {}),
    };
  }

  /** A missing or foreign store file named by a profile: the hint says where the path comes from. */
  #profileHint(e: unknown): unknown {
    if (!(e instanceof StoreError) || (e.code !== 'E_STORE_MISSING' && e.code !== 'E_STORE_UNREADABLE'))
      return e;
    const name = this.uri.replace(/^stixshifter:\/\//, '');
    const variable = `STIXSHIFTER_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CONNECTION`;
    const hint =
      e.code === 'E_STORE_MISSING'
        ? `the profile ${name} names this store ("path" of ${variable} or its YAML entry): ingest into it first (peregrine ingest FILE --index NAME --store ${this.settings.path}) or fix the path`
        : `the profile ${name} names this file ("path" of ${variable} or its YAML entry): point it at a Peregrine store`;
    return new StoreError(e.code, e.message, { hint, cause: e });
  }

  /** The stored documents the plan selects, as observations (no local filtering). */
  async *observations(
    q: SourceQuery,
    ctx: QueryContext = {},
    plan = this.plan(q),
  ): AsyncGenerator<Observation> {
    const mapper = ecsToStix();
    const started = Date.now();
    const store = await openStore(this.settings.path, { mode: 'read' }).catch((e: unknown) => {
      throw this.#profileHint(e);
    });
    try {
      const indices = await store.resolve(this.settings.indices);
      const keys = await store.presentKeys(indices);
      const run = keys ? this.plan(q, keys) : plan;
      const { sql, params } = localSelect(run, indices, plan.local === 'none' ? this.#limit(q) : undefined);
      let hits = 0;
      for await (const row of store.stream(sql, params as never)) {
        if (ctx.signal?.aborted) throw new CancelledError();
        hits++;
        if (hits % 10_000 === 0)
          ctx.onProgress?.({ source: this.uri, hits, elapsedMs: Date.now() - started });
        const doc = JSON.parse(String(row._source)) as Record<string, unknown>;
        yield mapper.observation(doc, observationId(String(row._index), String(row._id)));
      }
      ctx.onProgress?.({ source: this.uri, hits, total: hits, elapsedMs: Date.now() - started });
    } finally {
      await store.close();
    }
  }

  async *query(q: SourceQuery, ctx: QueryContext = {}): AsyncGenerator<Observation> {
    const plan = this.plan(q);
    // an unexpressed part of the pattern is evaluated on the fetched stream (plain pass-through when none)
    yield* evaluateLocally(
      this.observations(q, ctx, plan),
      q.pattern,
      plan.local,
      this.#limit(q) ?? Infinity,
    );
  }
}
