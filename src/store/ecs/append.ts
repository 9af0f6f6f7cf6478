/**
 * Appending documents: records (JSON text + origin) go through the DuckDB appender into an in-memory staging table
 * and are merged into `ecs_docs` in batches — rows that are not JSON objects are rejected with their file:line and
 * reason; each document gets its id (given, else the MD5 of its text) so re-ingesting replaces rather than
 * duplicates (Elastic's `index` operation); the typed columns are extracted in SQL. Batches are pipelined: while
 * DuckDB merges one batch on one connection, the next one is appended on another.
 */
import { availableParallelism } from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  TYPED_COLUMNS,
  convertExpr,
  extractionStructure,
  irregularExpr,
  sqlString,
  structRef,
} from './columns.ts';
import { assertIndexName } from './index-names.ts';

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
    `(SELECT _index, _id, _source, json_transform(_source, ${sqlString(extractionStructure())}) AS v ` +
    `FROM ${stage}_keyed)`
  );
}

const OK_ROW = `(json_valid(_source) AND starts_with(ltrim(_source), '{'))`;

/** Appends `records` through connections from `connect` (the caller serialises writers). */
export async function appendRecords(
  connect: () => Promise<DuckDBConnection>,
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

  const appendConn = await connect();
  const mergeConn = await connect();
  const stages = ['peregrine_stage.batch0', 'peregrine_stage.batch1'];
  let restoreThreads: number | undefined;
  try {
    // JavaScript (reading lines, appending) keeps one core busy while DuckDB merges the previous batch: DuckDB gets
    // the others. On two cores this halves DuckDB's CPU per document (no worker contending with the main thread);
    // the instance's setting is restored afterwards.
    const threads = Number(
      (await appendConn.runAndReadAll(`SELECT current_setting('threads')`)).getRowsJson()[0][0],
    );
    if (threads > 1) {
      await appendConn.run(`SET threads = ${Math.max(1, Math.min(threads, availableParallelism() - 1))}`);
      restoreThreads = threads;
    }
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
      // the batch's valid documents with their ids, text included (later steps read this table alone: no join back
      // to the stage); an id repeated within the batch keeps its last document — the rare case, so it is looked for
      // with one aggregate rather than paid for with a window over every row
      await c.run(
        `CREATE OR REPLACE TABLE ${stage}_keyed AS SELECT _seq, _index, coalesce(_id, md5(_source)) AS _id, _source ` +
          `FROM ${stage} WHERE coalesce(${OK_ROW}, false)`,
      );
      const repeated = await c.runAndReadAll(
        `SELECT count(*) FROM (SELECT 1 FROM ${stage}_keyed GROUP BY _index, _id HAVING count(*) > 1)`,
      );
      if (Number(repeated.getRowsJson()[0][0]) > 0) {
        await c.run(
          `DELETE FROM ${stage}_keyed WHERE _seq NOT IN (SELECT max(_seq) FROM ${stage}_keyed GROUP BY _index, _id)`,
        );
      }
      const total = Number((await c.runAndReadAll(`SELECT count(*) FROM ${stage}`)).getRowsJson()[0][0]);
      const kept = Number((await c.runAndReadAll(`SELECT count(*) FROM ${stage}_keyed`)).getRowsJson()[0][0]);
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
        // the top-level keys each index has ever held (first segment, so dotted keys count too): lets the SQL
        // backend skip fields no document of the index has without reading `_source`
        await c.run(
          `INSERT INTO ecs_index_keys SELECT DISTINCT _index, key FROM (SELECT _index, ` +
            `split_part(unnest(json_keys(_source)), '.', 1) AS key FROM ${stage}_keyed) ON CONFLICT DO NOTHING`,
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
    if (restoreThreads !== undefined)
      await appendConn.run(`SET threads = ${restoreThreads}`).catch(() => undefined);
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
