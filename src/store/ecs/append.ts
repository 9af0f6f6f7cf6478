/**
 * Appending documents: records (JSON text + origin), or runs of NDJSON lines that DuckDB splits itself, go through
 * the DuckDB appender into an in-memory staging table and are merged into `ecs_docs` in batches — rows that are not
 * JSON objects are rejected with their file:line and reason; each document gets its id (given, else the MD5 of its
 * text) so re-ingesting replaces rather than duplicates (Elastic's `index` operation); the typed columns are
 * extracted in SQL. Batches are pipelined: while DuckDB merges one batch on one connection, the next one is appended
 * on another.
 *
 * Cost per batch of 100,000 SysFlow-like documents on one DuckDB thread (docs/performance.md): writing the 45 columns
 * (compression included) ≈ 0.7 s, typed-column extraction ≈ 0.6 s, splitting + validation + ids ≈ 0.25 s (MD5 alone
 * 0.12 s), the top-level keys ≈ 0.08 s; the replace-by-id delete scans `(_index, _id)` of the whole table, ≈ 50–90 ms
 * per batch at a million stored documents.
 */
import { availableParallelism } from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../common/index.ts';
import { TYPED_COLUMNS, convertExpr, extractionStructure, irregularExpr, structRef } from './columns.ts';
import { assertIndexName } from './index-names.ts';
import { AppendTally, documentProblem, type RecordPlace } from './tally.ts';

/**
 * Many documents as NDJSON text, split by DuckDB rather than line by line in JavaScript: one document per line, a
 * trailing `\r` dropped, blank lines (JavaScript's `\s*`) skipped — the same documents, ids and line numbers
 * `readLines` would give. Documents of a run of lines never carry their own id.
 */
export interface StoreLines {
  /** Whole lines joined by `\n` (a final `\n` is allowed). */
  readonly lines: string;
  /** How many lines `lines` holds (for batch sizing; blank ones included). */
  readonly count: number;
  readonly index?: string;
  readonly file?: number;
  /** 1-based number of the first line. */
  readonly line: number;
}

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
  /** Documents that replaced one stored before this run with the same id (re-ingest). */
  readonly updated: number;
  /**
   * Documents whose id an earlier document of the same batch (up to the batch size, 10k lines by default) already
   * had: the last one is kept, and they are neither new nor replacements of stored ones.
   */
  readonly repeated: number;
  readonly rejected: number;
  readonly rejections: readonly Rejection[];
  readonly elapsedMs: number;
  readonly indices: readonly string[];
}

/** SQL of the INSERT that moves one staged, keyed batch into `ecs_docs`. */
function insertSql(stage: string): string {
  const typed = TYPED_COLUMNS.map((c) => convertExpr(c.kind, structRef('v', c.field)));
  const irregular = [
    // a key with a dot anywhere (`"process.pid":`, `{"process":{"parent.name":`): a dot, then no quote or backslash
    // up to an (unescaped) quote followed by a colon. A JSON string followed by a colon is a key, so the dot is inside
    // that key — or, harmlessly, in a number before a string that starts with `:` (`1.5," :"`), which only sends the
    // row to `_source`. Starting at the dot (a literal the regexp engine skips to) rather than at every quote makes
    // this ≈2× cheaper than `"[^"\\]*\.[^"\\]*"\s*:`, and it also sees a dotted key with an escape before the dot.
    `regexp_matches(_source, '\\.[^"\\\\]*"\\s*:')`,
    ...TYPED_COLUMNS.map((c) => irregularExpr(c.kind, structRef('v', c.field))),
  ].join(' OR ');
  return (
    // (an OR of NULLs and FALSEs is NULL, of anything and TRUE is TRUE: one coalesce makes it a flag)
    `INSERT INTO ecs_docs SELECT _index, _id, coalesce(${irregular}, false), ${typed.join(', ')}, _source FROM ` +
    `(SELECT _index, _id, _source, json_transform(_source, ${sqlString(extractionStructure())}) AS v ` +
    `FROM ${stage}_keyed)`
  );
}

/** What DuckDB's JSON reader accepts and JSON does not: a comma before a closing bracket, NaN/Infinity, a control character. */
const LENIENT_JSON = ',\\s*[\\]}]|NaN|Infinity|[\\x00-\\x1f]';

// (`ltrim` copies the text: only a document that does not start with `{` pays for it)
const OK_ROW = `(json_valid(_source) AND CASE WHEN starts_with(_source, '{') THEN true ELSE starts_with(ltrim(_source), '{') END)`;

/** JavaScript's `\s` (what `readLines`' callers treat as a blank line), as an RE2 class. */
const JS_SPACE = `[\\s\\x{0B}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]`;

/**
 * The staged documents of a batch: single records as they were appended, and runs of NDJSON lines ({@link StoreLines},
 * `_lines` set) split into one row per non-blank line, each with its line number and a sequence number that keeps
 * the input order.
 */
function stagedRows(stage: string): string {
  const text = `CASE WHEN ends_with(t, chr(13)) THEN left(t, -1) ELSE t END`;
  return (
    `(SELECT _seq, _index, _id, _file, _line, _source FROM ${stage} WHERE _lines IS NULL UNION ALL ` +
    `SELECT _seq + i - 1, _index, NULL, _file, _line + i - 1, ${text} FROM (SELECT _seq, _index, _file, _line, ` +
    `unnest(l) AS t, generate_subscripts(l, 1) AS i FROM (SELECT *, string_split(_source, chr(10)) AS l ` +
    `FROM ${stage} WHERE _lines IS NOT NULL)) ` +
    `WHERE CASE WHEN starts_with(t, '{') THEN true ELSE NOT regexp_full_match(t, '${JS_SPACE}*') END)`
  );
}

/**
 * At most this much document text per batch (≈ 256 MB of ASCII), whatever `batchSize` says: memory stays bounded
 * when documents are large (100,000 SysFlow-like documents are ≈ 60 MB).
 */
const MAX_BATCH_CHARS = 256 << 20;

/** Appends `records` through connections from `connect` (the caller serialises writers). */
export async function appendRecords(
  connect: () => Promise<DuckDBConnection>,
  records: Iterable<StoreRecord | StoreLines> | AsyncIterable<StoreRecord | StoreLines>,
  options: AppendOptions,
): Promise<AppendResult> {
  const batchSize = options.batchSize ?? 100_000;
  const tally = new AppendTally(options.files ?? [], options.maxRejections ?? 1000);
  const checkedNames = new Set<string>(options.index ? [options.index] : []);

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
        `CREATE OR REPLACE TABLE ${st} (_seq INTEGER, _index VARCHAR, _id VARCHAR, _file INTEGER, _line INTEGER, ` +
          `_lines INTEGER, _source VARCHAR)`,
      );
    }

    const merge = async (stage: string): Promise<void> => {
      const c = mergeConn;
      // the batch's documents with their ids, text included (later steps read this table alone: no join back to the
      // stage); one validation pass flags what is not a JSON object
      await c.run(
        `CREATE OR REPLACE TABLE ${stage}_keyed AS SELECT _seq, _index, ` +
          `CASE WHEN _ok THEN coalesce(_id, md5(_source)) ELSE _id END AS _id, _file, _line, _source, _ok FROM ` +
          `(SELECT *, coalesce(${OK_ROW}, false) AS _ok FROM ${stagedRows(stage)})`,
      );
      const bad = await c.runAndReadAll(
        `SELECT _file, _line, _id, _source FROM ${stage}_keyed WHERE NOT _ok ORDER BY _seq`,
      );
      if (bad.currentRowCount > 0) {
        for (const [file, line, id, source] of bad.getRows()) {
          tally.reject(rowPlace(file, line, id), rejectionReason(String(source)));
        }
        await c.run(`DELETE FROM ${stage}_keyed WHERE NOT _ok`);
      }
      // DuckDB's JSON parser also takes what JSON does not allow (trailing commas, NaN and Infinity, raw control
      // characters in strings): the documents that could hold one are checked again with JSON.parse.
      const suspects = await c.runAndReadAll(
        `SELECT _seq, _file, _line, _source FROM ${stage}_keyed WHERE regexp_matches(_source, ${sqlString(LENIENT_JSON)}) ORDER BY _seq`,
      );
      const invalid: string[] = [];
      for (const [seq, file, line, source] of suspects.getRows()) {
        const reason = rejectionReason(String(source));
        if (!reason.startsWith('malformed JSON')) continue;
        invalid.push(String(seq));
        tally.reject(rowPlace(file, line, null), reason);
      }
      if (invalid.length) await c.run(`DELETE FROM ${stage}_keyed WHERE _seq IN (${invalid.join(', ')})`);
      const good = Number((await c.runAndReadAll(`SELECT count(*) FROM ${stage}_keyed`)).getRowsJson()[0][0]);
      // an id repeated within the batch keeps its last document — the rare case, so it is looked for with one
      // aggregate rather than paid for with a window over every row
      const repeated = await c.runAndReadAll(
        `SELECT count(*) FROM (SELECT 1 FROM ${stage}_keyed GROUP BY _index, _id HAVING count(*) > 1)`,
      );
      let kept = good;
      if (Number(repeated.getRowsJson()[0][0]) > 0) {
        const dropped = await c.run(
          `DELETE FROM ${stage}_keyed WHERE _seq NOT IN (SELECT max(_seq) FROM ${stage}_keyed GROUP BY _index, _id)`,
        );
        kept -= dropped.rowsChanged;
      }
      await c.run('BEGIN TRANSACTION');
      try {
        const del = await c.run(
          `DELETE FROM ecs_docs USING ${stage}_keyed k WHERE ecs_docs._index = k._index AND ecs_docs._id = k._id`,
        );
        await c.run(insertSql(stage));
        const idx = await c.runAndReadAll(`SELECT DISTINCT _index FROM ${stage}_keyed`);
        for (const [name] of idx.getRowsJson()) tally.indexed(String(name));
        await c.run(
          `INSERT INTO ecs_indices SELECT DISTINCT _index, now()::TIMESTAMP FROM ${stage}_keyed ON CONFLICT DO NOTHING`,
        );
        // the top-level keys each index has ever held (first segment, so dotted keys count too): lets the SQL
        // backend skip fields no document of the index has without reading `_source`
        // (documents share few shapes: their key lists are made distinct before they are split)
        await c.run(
          `INSERT INTO ecs_index_keys SELECT DISTINCT _index, split_part(unnest(keys), '.', 1) FROM ` +
            `(SELECT DISTINCT _index, json_keys(_source) AS keys FROM ${stage}_keyed) ON CONFLICT DO NOTHING`,
        );
        await c.run('COMMIT');
        tally.accepted += good;
        tally.created += kept - del.rowsChanged;
        tally.updated += del.rowsChanged;
        tally.repeated += good - kept;
      } catch (e) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
      await c.run(`DELETE FROM ${stage}`);
      options.onProgress?.(tally.progress());
    };

    let which = 0;
    let appender = await appendConn.createAppender('batch0', 'main', 'peregrine_stage');
    /** Documents (lines, for runs of lines) in the batch being appended; also the next sequence number. */
    let inBatch = 0;
    /** Text staged in the batch (UTF-16 units): large documents end a batch before `batchSize` does. */
    let batchChars = 0;
    let pending: Promise<void> | undefined;
    const flush = async () => {
      appender.closeSync();
      if (pending) await pending;
      pending = merge(stages[which]);
      pending.catch(() => undefined);
      which = 1 - which;
      inBatch = 0;
      batchChars = 0;
      appender = await appendConn.createAppender(`batch${which}`, 'main', 'peregrine_stage');
    };
    const defaultIndex = options.index;
    for await (const r of records as AsyncIterable<StoreRecord | StoreLines>) {
      const index = r.index ?? defaultIndex;
      const many = 'lines' in r;
      if (index === undefined || !checkedNames.has(index)) {
        let problem = 'no index given (use --index NAME)';
        if (index !== undefined) {
          try {
            assertIndexName(index);
            checkedNames.add(index);
            problem = '';
          } catch (e) {
            problem = (e as Error).message;
          }
        }
        if (problem) {
          // every document of a run of lines shares the run's index
          if (many) for (const line of nonBlankLines(r)) tally.reject({ file: r.file, line }, problem);
          else tally.reject(r, problem);
          continue;
        }
      }
      appender.appendInteger(inBatch);
      appender.appendVarchar(index!);
      if (many || r.id === undefined) appender.appendNull();
      else appender.appendVarchar(r.id);
      if (r.file === undefined) appender.appendNull();
      else appender.appendInteger(r.file);
      if (r.line === undefined) appender.appendNull();
      else appender.appendInteger(r.line);
      if (many) {
        appender.appendInteger(r.count);
        appender.appendVarchar(r.lines);
        inBatch += r.count;
        batchChars += r.lines.length;
      } else {
        appender.appendNull();
        appender.appendVarchar(r.source);
        inBatch++;
        batchChars += r.source.length;
      }
      appender.endRow();
      if (inBatch >= batchSize || batchChars >= MAX_BATCH_CHARS) await flush();
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
  return tally.result();
}

/** Line numbers of the non-blank lines of a run (only for the rare rejection of a whole run). */
function* nonBlankLines(r: StoreLines): Generator<number> {
  const lines = r.lines.split('\n');
  for (let i = 0; i < lines.length; i++) if (!/^\s*$/.test(lines[i])) yield r.line + i;
}

/** The place of a staged row (DuckDB gives its integers as numbers or BigInts, an absent value as null). */
function rowPlace(file: unknown, line: unknown, id: unknown): RecordPlace {
  return {
    file: file === null ? null : Number(file),
    line: line === null ? null : Number(line),
    id: id === null ? null : String(id),
  };
}

/** Why a staged document was refused: JSON.parse's message, or the JSON type it has instead of an object. */
export function rejectionReason(source: string): string {
  return documentProblem(source) ?? 'the document is an object, not a JSON object';
}
