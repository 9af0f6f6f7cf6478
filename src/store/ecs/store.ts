/**
 * The embedded ECS store: one DuckDB file holding Elastic-like indices of ECS documents.
 *
 * Layout (schema version 1):
 * - `ecs_docs(_index, _id, _irregular, <typed columns…>, _source)` — one row per document; `_source` is the document
 *   text exactly as given (validated JSON object); typed columns (see `columns.ts`) are derived from it.
 * - `ecs_indices(name, created)` — the indices that exist.
 * - `peregrine_store_meta(key, value)` — `schema` = 1.
 *
 * Writing: documents are appended (DuckDB appender) into an in-memory staging table, then merged in batches: rows that
 * are not JSON objects are rejected with their file:line and reason; each document gets its id (given, else the MD5
 * of its text), so re-ingesting replaces rather than duplicates (Elastic's `index` operation); the typed columns are
 * extracted in SQL. Batches are pipelined: while DuckDB merges one batch, the next one is appended.
 *
 * Process sharing: see `lock.ts`. Within one process, all handles on a path share one DuckDB instance; writes through
 * it are serialised.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { StoreError } from '../../errors/index.ts';
import {
  TYPED_COLUMNS,
  convertExpr,
  extractionStructure,
  irregularExpr,
  quoteIdent,
  sqlString,
  sqlType,
  structRef,
} from './columns.ts';
import { assertIndexName, resolveIndexPattern } from './index-names.ts';
import { clearWriterInfo, isLockConflict, lockTimeoutMs, lockedError, writeWriterInfo } from './lock.ts';

export const STORE_SCHEMA_VERSION = '1';

/** One document to store: its JSON text (must be an object), optional id and index, and where it came from. */
export interface StoreRecord {
  readonly source: string;
  readonly id?: string;
  /** Overrides the run's default index (Elastic bulk action lines may name one). */
  readonly index?: string;
  /** Index into `AppendOptions.files`, and the 1-based line, for rejection messages. */
  readonly file?: number;
  readonly line?: number;
}

/** A document the store refused, and why. */
export interface Rejection {
  readonly file?: string;
  readonly line?: number;
  readonly id?: string;
  readonly reason: string;
}

export interface AppendProgress {
  readonly accepted: number;
  readonly rejected: number;
  readonly elapsedMs: number;
}

export interface AppendOptions {
  /** Default index for records that name none. */
  readonly index?: string;
  /** File names referenced by `StoreRecord.file`. */
  readonly files?: readonly string[];
  /** Documents per merge batch (default 100,000). */
  readonly batchSize?: number;
  readonly onProgress?: (p: AppendProgress) => void;
  /** How many rejections to keep with their reason (default 1000); the count is always exact. */
  readonly maxRejections?: number;
}

export interface AppendResult {
  /** Valid documents received (including repeats of an id). */
  readonly accepted: number;
  /** Documents whose id was new in its index. */
  readonly created: number;
  /** Documents that replaced one with the same id (re-ingest) or repeated an id within the run. */
  readonly updated: number;
  readonly rejected: number;
  readonly rejections: readonly Rejection[];
  readonly elapsedMs: number;
  readonly indices: readonly string[];
}

export interface IndexInfo {
  readonly name: string;
  readonly docs: number;
}

export type StoreMode = 'read' | 'write';

export interface OpenStoreOptions {
  readonly mode?: StoreMode;
  /** How long to wait for another process holding the file (default: PEREGRINE_STORE_LOCK_TIMEOUT or 10 s). */
  readonly lockTimeoutMs?: number;
}

interface Shared {
  instance: DuckDBInstance;
  writable: boolean;
  refs: number;
  /** Serialises writers within the process. */
  writeChain: Promise<unknown>;
}

const shared = new Map<string, Shared>();
const opening = new Map<string, Promise<Shared>>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createInstance(path: string, writable: boolean, timeoutMs: number): Promise<DuckDBInstance> {
  if (!writable && !existsSync(path)) {
    throw new StoreError('E_STORE_MISSING', `no store at ${path}`, {
      hint: 'ingest documents first: peregrine ingest FILE --index NAME (or point --store / PEREGRINE_STORE at one)',
    });
  }
  if (writable) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw new StoreError('E_STORE_UNREADABLE', `cannot create the store's directory ${dirname(path)}`, {
        cause: e,
      });
    }
  }
  const started = Date.now();
  let delay = 25;
  for (;;) {
    try {
      return await DuckDBInstance.create(path, writable ? {} : { access_mode: 'READ_ONLY' });
    } catch (e) {
      if (isLockConflict(e)) {
        const waited = Date.now() - started;
        if (waited >= timeoutMs) throw lockedError(path, e, waited);
        await sleep(Math.min(delay, Math.max(1, timeoutMs - waited)));
        delay = Math.min(delay * 2, 500);
        continue;
      }
      const msg = String((e as Error)?.message ?? e);
      throw new StoreError(
        'E_STORE_UNREADABLE',
        `cannot open the store ${path}: ${msg.replace(/^IO Error: /, '')}`,
        {
          hint: /not a valid DuckDB|Invalid Input|magic/i.test(msg)
            ? 'the file is not a Peregrine store (a DuckDB database); choose another --store path'
            : 'check the path and its permissions',
          cause: e,
        },
      );
    }
  }
}

async function acquire(path: string, mode: StoreMode, timeoutMs: number): Promise<Shared> {
  const writable = mode === 'write';
  const started = Date.now();
  for (;;) {
    const pending = opening.get(path);
    if (pending) {
      await pending.catch(() => undefined);
      continue;
    }
    const cur = shared.get(path);
    if (cur && (cur.writable || !writable)) {
      cur.refs++;
      return cur;
    }
    if (cur && cur.refs > 0) {
      // A read-only instance is in use in this process; wait for its readers to finish, then reopen read-write.
      if (Date.now() - started > timeoutMs) {
        throw new StoreError('E_STORE_LOCKED', `store ${path} is open read-only in this process`, {
          hint: 'finish the running queries before writing',
        });
      }
      await sleep(20);
      continue;
    }
    if (cur) {
      cur.instance.closeSync();
      shared.delete(path);
      if (cur.writable) clearWriterInfo(path);
    }
    const p = (async () => {
      const instance = await createInstance(path, writable, timeoutMs);
      const s: Shared = { instance, writable, refs: 0, writeChain: Promise.resolve() };
      try {
        const c = await instance.connect();
        try {
          if (writable) await initSchema(c, path);
          else await checkSchema(c, path);
        } finally {
          c.closeSync();
        }
      } catch (e) {
        instance.closeSync();
        throw e;
      }
      shared.set(path, s);
      if (writable) writeWriterInfo(path);
      return s;
    })();
    opening.set(path, p);
    try {
      const s = await p;
      s.refs++;
      return s;
    } finally {
      opening.delete(path);
    }
  }
}

function release(path: string, s: Shared): void {
  s.refs--;
  if (s.refs === 0 && shared.get(path) === s) {
    shared.delete(path);
    s.instance.closeSync();
    if (s.writable) clearWriterInfo(path);
  }
}

const DOCS_COLUMNS_SQL = [
  '"_index" VARCHAR NOT NULL',
  '"_id" VARCHAR NOT NULL',
  '"_irregular" BOOLEAN NOT NULL',
  ...TYPED_COLUMNS.map((c) => `${quoteIdent(c.field)} ${sqlType(c.kind)}`),
  '"_source" VARCHAR NOT NULL',
].join(', ');

async function initSchema(c: DuckDBConnection, path: string): Promise<void> {
  await c.run(`CREATE TABLE IF NOT EXISTS peregrine_store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
  const r = await c.runAndReadAll(`SELECT value FROM peregrine_store_meta WHERE key = 'schema'`);
  const rows = r.getRowsJson();
  if (rows.length === 0) {
    await c.run(`INSERT INTO peregrine_store_meta VALUES ('schema', $1)`, [STORE_SCHEMA_VERSION]);
  } else if (rows[0][0] !== STORE_SCHEMA_VERSION) {
    throw schemaError(path, String(rows[0][0]));
  }
  await c.run(
    `CREATE TABLE IF NOT EXISTS ecs_indices (name VARCHAR PRIMARY KEY, created TIMESTAMP NOT NULL)`,
  );
  await c.run(`CREATE TABLE IF NOT EXISTS ecs_docs (${DOCS_COLUMNS_SQL})`);
}

async function checkSchema(c: DuckDBConnection, path: string): Promise<void> {
  let version: string | undefined;
  try {
    const r = await c.runAndReadAll(`SELECT value FROM peregrine_store_meta WHERE key = 'schema'`);
    version = r.getRowsJson()[0]?.[0] as string | undefined;
  } catch {
    version = undefined;
  }
  if (version === undefined) {
    throw new StoreError('E_STORE_UNREADABLE', `${path} is a DuckDB database but not a Peregrine store`, {
      hint: 'choose another --store path',
    });
  }
  if (version !== STORE_SCHEMA_VERSION) throw schemaError(path, version);
}

function schemaError(path: string, version: string): StoreError {
  return new StoreError(
    'E_STORE_SCHEMA',
    `store ${path} has schema version ${version}; this Peregrine reads version ${STORE_SCHEMA_VERSION}`,
    { hint: 'ingest into a new store file' },
  );
}

/** SQL of the INSERT that moves one staged, keyed batch into `ecs_docs`. */
function insertSql(stage: string): string {
  const typed = TYPED_COLUMNS.map((c) => convertExpr(c.kind, structRef('v', c.field)));
  const irregular = [
    // a key with a dot anywhere (`"process.pid":`, `{"process":{"parent.name":`): a JSON key is the only string
    // followed by a colon
    `regexp_matches(_source, '"[^"\\\\]*\\.[^"\\\\]*"\\s*:')`,
    ...TYPED_COLUMNS.map((c) => irregularExpr(c.kind, structRef('v', c.field))),
  ]
    .map((e) => `coalesce(${e}, false)`)
    .join(' OR ');
  return (
    `INSERT INTO ecs_docs SELECT _index, _id, ${irregular}, ${typed.join(', ')}, _source FROM ` +
    `(SELECT k._index, k._id, s._source, json_transform(s._source, ${sqlString(extractionStructure())}) AS v ` +
    `FROM ${stage}_keyed k JOIN ${stage} s ON s._seq = k._seq)`
  );
}

/**
 * `ecs_values(src, paths)`: the non-null JSON values at any of `paths` in the document text `src`, arrays flattened one
 * level — Elastic's multi-valued field read (used by the SQL backend for untyped fields and irregular rows).
 */
const ECS_VALUES_MACRO =
  `CREATE OR REPLACE TEMP MACRO ecs_values(src, paths) AS list_filter(flatten(list_transform(json_extract(src, paths), ` +
  `v -> CASE WHEN v IS NULL THEN []::JSON[] WHEN json_type(v) = 'ARRAY' THEN json_extract(v, '$[*]') ELSE [v] END)), ` +
  `e -> e IS NOT NULL AND json_type(e) <> 'NULL')`;

const OK_ROW = `(json_valid(_source) AND starts_with(ltrim(_source), '{'))`;

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
   * Appends documents given as JSON text. Invalid or non-object documents are rejected (counted, and kept with
   * their reason up to `maxRejections`); the others are stored under their id, replacing any with the same id.
   */
  async appendRecords(
    records: Iterable<StoreRecord> | AsyncIterable<StoreRecord>,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (this.mode !== 'write')
      throw new StoreError('E_STORE_READ_ONLY', `store ${this.path} was opened read-only`);
    if (options.index !== undefined) assertIndexName(options.index);
    const s = this.#instance();
    const run = s.writeChain.then(() => this.#appendLocked(records, options));
    s.writeChain = run.catch(() => undefined);
    return run;
  }

  async #appendLocked(
    records: Iterable<StoreRecord> | AsyncIterable<StoreRecord>,
    options: AppendOptions,
  ): Promise<AppendResult> {
    const started = performance.now();
    const batchSize = options.batchSize ?? 100_000;
    const maxRejections = options.maxRejections ?? 1000;
    const files = options.files ?? [];
    const rejections: Rejection[] = [];
    let rejected = 0;
    let accepted = 0;
    let created = 0;
    let updated = 0;
    const touched = new Set<string>();
    const checkedNames = new Set<string>(options.index ? [options.index] : []);

    const reject = (r: Rejection) => {
      rejected++;
      if (rejections.length < maxRejections) rejections.push(r);
    };

    const appendConn = await this.connect();
    const mergeConn = await this.connect();
    const stages = ['peregrine_stage.batch0', 'peregrine_stage.batch1'];
    try {
      await appendConn.run(`ATTACH IF NOT EXISTS ':memory:' AS peregrine_stage`);
      for (const st of stages) {
        await appendConn.run(
          `CREATE OR REPLACE TABLE ${st} (_seq INTEGER, _index VARCHAR, _id VARCHAR, _file INTEGER, _line INTEGER, _source VARCHAR)`,
        );
      }

      const merge = async (stage: string): Promise<void> => {
        const c = mergeConn;
        const bad = await c.runAndReadAll(
          `SELECT _file, _line, _id, _source FROM ${stage} WHERE NOT coalesce(${OK_ROW}, false) ORDER BY _seq`,
        );
        for (const [file, line, id, source] of bad.getRows()) {
          reject({
            ...(file !== null ? { file: files[Number(file)] ?? `#${String(file)}` } : {}),
            ...(line !== null ? { line: Number(line) } : {}),
            ...(id !== null ? { id: String(id) } : {}),
            reason: rejectionReason(String(source)),
          });
        }
        await c.run(
          `CREATE OR REPLACE TABLE ${stage}_keyed AS SELECT _seq, _index, _id FROM ` +
            `(SELECT _seq, _index, coalesce(_id, md5(_source)) AS _id FROM ${stage} WHERE coalesce(${OK_ROW}, false)) ` +
            `QUALIFY row_number() OVER (PARTITION BY _index, _id ORDER BY _seq DESC) = 1`,
        );
        const total = Number((await c.runAndReadAll(`SELECT count(*) FROM ${stage}`)).getRowsJson()[0][0]);
        const kept = Number(
          (await c.runAndReadAll(`SELECT count(*) FROM ${stage}_keyed`)).getRowsJson()[0][0],
        );
        const good = total - bad.currentRowCount;
        await c.run('BEGIN TRANSACTION');
        try {
          const del = await c.run(
            `DELETE FROM ecs_docs USING ${stage}_keyed k WHERE ecs_docs._index = k._index AND ecs_docs._id = k._id`,
          );
          await c.run(insertSql(stage));
          const idx = await c.runAndReadAll(`SELECT DISTINCT _index FROM ${stage}_keyed`);
          for (const [name] of idx.getRowsJson()) touched.add(String(name));
          await c.run(
            `INSERT INTO ecs_indices SELECT DISTINCT _index, now()::TIMESTAMP FROM ${stage}_keyed ON CONFLICT DO NOTHING`,
          );
          await c.run('COMMIT');
          accepted += good;
          created += kept - del.rowsChanged;
          updated += good - (kept - del.rowsChanged);
        } catch (e) {
          await c.run('ROLLBACK').catch(() => undefined);
          throw e;
        }
        await c.run(`DELETE FROM ${stage}`);
        options.onProgress?.({ accepted, rejected, elapsedMs: performance.now() - started });
      };

      let which = 0;
      let appender = await appendConn.createAppender('batch0', 'main', 'peregrine_stage');
      let inBatch = 0;
      let pending: Promise<void> | undefined;
      const flush = async () => {
        appender.closeSync();
        if (pending) await pending;
        pending = merge(stages[which]);
        pending.catch(() => undefined);
        which = 1 - which;
        inBatch = 0;
        appender = await appendConn.createAppender(`batch${which}`, 'main', 'peregrine_stage');
      };
      const defaultIndex = options.index;
      for await (const r of records as AsyncIterable<StoreRecord>) {
        const index = r.index ?? defaultIndex;
        if (index === undefined) {
          reject({ ...origin(r, files), reason: 'no index given (use --index NAME)' });
          continue;
        }
        if (!checkedNames.has(index)) {
          try {
            assertIndexName(index);
          } catch (e) {
            reject({ ...origin(r, files), reason: (e as Error).message });
            continue;
          }
          checkedNames.add(index);
        }
        appender.appendInteger(inBatch);
        appender.appendVarchar(index);
        if (r.id === undefined) appender.appendNull();
        else appender.appendVarchar(r.id);
        if (r.file === undefined) appender.appendNull();
        else appender.appendInteger(r.file);
        if (r.line === undefined) appender.appendNull();
        else appender.appendInteger(r.line);
        appender.appendVarchar(r.source);
        appender.endRow();
        if (++inBatch >= batchSize) await flush();
      }
      appender.closeSync();
      if (pending) await pending;
      pending = undefined;
      if (inBatch > 0) await merge(stages[which]);
    } finally {
      for (const st of stages) {
        await appendConn
          .run(`DROP TABLE IF EXISTS ${st}; DROP TABLE IF EXISTS ${st}_keyed`)
          .catch(() => undefined);
      }
      appendConn.closeSync();
      mergeConn.closeSync();
    }
    return {
      accepted,
      created,
      updated,
      rejected,
      rejections,
      elapsedMs: performance.now() - started,
      indices: [...touched].sort(),
    };
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

function origin(r: StoreRecord, files: readonly string[]): Omit<Rejection, 'reason'> {
  return {
    ...(r.file !== undefined ? { file: files[r.file] ?? `#${r.file}` } : {}),
    ...(r.line !== undefined ? { line: r.line } : {}),
    ...(r.id !== undefined ? { id: r.id } : {}),
  };
}

/** Why a staged document was refused: JSON.parse's message, or the JSON type it has instead of an object. */
export function rejectionReason(source: string): string {
  let v: unknown;
  try {
    v = JSON.parse(source);
  } catch (e) {
    return `malformed JSON: ${(e as Error).message}`;
  }
  const type =
    v === null
      ? 'null'
      : Array.isArray(v)
        ? 'an array'
        : typeof v === 'object'
          ? 'an object'
          : `a ${typeof v}`;
  return `the document is ${type}, not a JSON object`;
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
