/**
 * The embedded ECS store: one DuckDB file holding Elastic-like indices of ECS documents.
 *
 * Layout (schema version 1):
 * - `ecs_docs(_index, _id, _irregular, <typed columns…>, _source)` — one row per document; `_source` is the document
 *   text exactly as given (validated JSON object); typed columns (see `columns.ts`) are derived from it.
 * - `ecs_indices(name, created)` — the indices that exist.
 * - `ecs_index_keys(_index, key)` — every top-level key (before the first dot) a document of the index has held.
 * - `peregrine_store_meta(key, value)` — `schema` = 1.
 *
 * Writing: `append.ts`. Process sharing: `instances.ts` and `lock.ts` — within one process all handles on a path
 * share one DuckDB instance and writes through it are serialised; between processes, short holds and waiting.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { StoreError } from '../../errors/index.ts';
import {
  appendRecords,
  type AppendOptions,
  type AppendResult,
  type StoreLines,
  type StoreRecord,
} from './append.ts';
import { assertIndexName, resolveIndexPattern } from './index-names.ts';
import { acquire, release, type Shared, type StoreMode } from './instances.ts';
import { lockTimeoutMs } from './lock.ts';

export interface IndexInfo {
  readonly name: string;
  readonly docs: number;
}

export interface OpenStoreOptions {
  readonly mode?: StoreMode;
  /** How long to wait for another process holding the file (default: PEREGRINE_STORE_LOCK_TIMEOUT or 10 s). */
  readonly lockTimeoutMs?: number;
}

/**
 * `ecs_values(src, paths)`: the non-null JSON values at any of `paths` in the document text `src`, arrays flattened one
 * level — Elastic's multi-valued field read (used by the SQL backend for untyped fields and irregular rows).
 */
const ECS_VALUES_MACRO =
  `CREATE OR REPLACE TEMP MACRO ecs_values(src, paths) AS list_filter(flatten(list_transform(json_extract(src, paths), ` +
  `v -> CASE WHEN v IS NULL THEN []::JSON[] WHEN json_type(v) = 'ARRAY' THEN json_extract(v, '$[*]') ELSE [v] END)), ` +
  `e -> e IS NOT NULL AND json_type(e) <> 'NULL')`;

/** A handle on a store file, opened for reading or writing. Close it when done: the file is shared with others. */
export class EcsStore {
  readonly path: string;
  readonly mode: StoreMode;
  #shared: Shared | undefined;

  private constructor(path: string, mode: StoreMode, s: Shared) {
    this.path = path;
    this.mode = mode;
    this.#shared = s;
  }

  static async open(path: string, options: OpenStoreOptions = {}): Promise<EcsStore> {
    const mode = options.mode ?? 'read';
    const s = await acquire(path, mode, options.lockTimeoutMs ?? lockTimeoutMs());
    return new EcsStore(path, mode, s);
  }

  #instance(): Shared {
    if (!this.#shared) throw new StoreError('E_STORE_CLOSED', `store ${this.path} is closed`);
    return this.#shared;
  }

  /** A fresh connection (UTC, so timestamps convert the same everywhere); the caller closes it. */
  async connect(): Promise<DuckDBConnection> {
    const c = await this.#instance().instance.connect();
    await c.run(`SET TimeZone = 'UTC'`);
    await c.run(ECS_VALUES_MACRO);
    return c;
  }

  /** The indices with their document counts, sorted by name. */
  async indices(): Promise<IndexInfo[]> {
    const rows = await this.all(
      `SELECT i.name, coalesce(d.n, 0) AS docs FROM ecs_indices i ` +
        `LEFT JOIN (SELECT _index, count(*) AS n FROM ecs_docs GROUP BY _index) d ON d._index = i.name ORDER BY i.name`,
    );
    return rows.map((r) => ({ name: String(r.name), docs: Number(r.docs) }));
  }

  /**
   * The top-level keys (first segment of a field) any document of `indices` has ever held, or undefined when the
   * store does not record them (written before the record existed).
   */
  async presentKeys(indices: readonly string[]): Promise<Set<string> | undefined> {
    if (indices.length === 0) return new Set();
    try {
      const rows = await this.all(
        `SELECT DISTINCT key FROM ecs_index_keys WHERE _index IN (${indices.map((_, i) => `$${i + 1}`).join(', ')})`,
        indices,
      );
      return new Set(rows.map((r) => String(r.key)));
    } catch {
      return undefined;
    }
  }

  /** The indices `pattern` names (comma list, `*` wildcards, `-exclusions`); StoreError listing them if none. */
  async resolve(pattern: string): Promise<string[]> {
    const names = (await this.indices()).map((i) => i.name);
    return resolveIndexPattern(pattern, names);
  }

  /** Runs a parameterised query and returns all rows as JSON-compatible objects (BIGINT → string). */
  async all(sql: string, params: readonly DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
    const c = await this.connect();
    try {
      const r = await c.runAndReadAll(sql, params as DuckDBValue[]);
      return r.getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      c.closeSync();
    }
  }

  /** Streams the rows of a parameterised query, chunk by chunk (memory bounded by one DuckDB chunk). */
  async *stream(sql: string, params: readonly DuckDBValue[] = []): AsyncGenerator<Record<string, unknown>> {
    const c = await this.connect();
    try {
      const result = await c.stream(sql, params as DuckDBValue[]);
      for await (const rows of result.yieldRowObjectJson()) {
        for (const row of rows) yield row as Record<string, unknown>;
      }
    } finally {
      c.closeSync();
    }
  }

  /** Appends plain ECS documents (objects) to `index`; `idOf` may give each its id. See {@link appendRecords}. */
  async append(
    index: string,
    docs: Iterable<object> | AsyncIterable<object>,
    options: Omit<AppendOptions, 'index'> & { idOf?: (doc: object) => string | undefined } = {},
  ): Promise<AppendResult> {
    const idOf = options.idOf;
    async function* records(): AsyncGenerator<StoreRecord> {
      for await (const doc of docs as AsyncIterable<object>) {
        const id = idOf?.(doc);
        yield id === undefined ? { source: JSON.stringify(doc) } : { source: JSON.stringify(doc), id };
      }
    }
    return this.appendRecords(records(), { ...options, index });
  }

  /**
   * Appends documents given as JSON text — one per record, or runs of NDJSON lines ({@link StoreLines}, the fast path
   * for files: DuckDB splits them). Invalid or non-object documents are rejected (counted, and kept with their reason
   * up to `maxRejections`); the others are stored under their id, replacing any with the same id.
   */
  async appendRecords(
    records: Iterable<StoreRecord | StoreLines> | AsyncIterable<StoreRecord | StoreLines>,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (this.mode !== 'write')
      throw new StoreError('E_STORE_READ_ONLY', `store ${this.path} was opened read-only`);
    if (options.index !== undefined) assertIndexName(options.index);
    const s = this.#instance();
    const run = s.writeChain.then(() => appendRecords(() => this.connect(), records, options));
    s.writeChain = run.catch(() => undefined);
    return run;
  }

  /** Releases this handle; the file is closed when the last handle of the process is. */
  async close(): Promise<void> {
    const s = this.#shared;
    if (!s) return;
    this.#shared = undefined;
    await s.writeChain;
    release(this.path, s);
  }
}

/** Opens the store at `path` (default location when omitted; see `location.ts`). */
export async function openStore(path: string, options: OpenStoreOptions = {}): Promise<EcsStore> {
  return EcsStore.open(path, options);
}

/** Opens, runs `fn`, and closes — the short hold `lock.ts` asks for. */
export async function withStore<T>(
  path: string,
  mode: StoreMode,
  fn: (s: EcsStore) => Promise<T>,
): Promise<T> {
  const s = await EcsStore.open(path, { mode });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
