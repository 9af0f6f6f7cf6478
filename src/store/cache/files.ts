/**
 * Files through the cache's DuckDB (LOAD and SAVE): reading csv/json/parquet rows, writing parquet. Paths are the
 * caller's; nothing here touches the cache's tables.
 */
import { sqlString } from '../../common/index.ts';
import type { HuntCache, Row } from './cache.ts';

export type FileFormat = 'csv' | 'json' | 'parquet';

const READERS: Record<FileFormat, string> = {
  csv: 'read_csv',
  json: 'read_json_auto',
  parquet: 'read_parquet',
};

/** Every row of a file as plain objects (a failure is the cache's E_CACHE_QUERY, with DuckDB's first line). */
export function readFileRows(
  cache: HuntCache,
  path: string,
  format: FileFormat,
  signal?: AbortSignal,
): Promise<Row[]> {
  return cache.all(`SELECT * FROM ${READERS[format]}(?)`, [path], signal);
}

/** Writes the rows of a JSON-lines file `jsonl` as a Parquet file at `out`. */
export async function writeParquet(
  cache: HuntCache,
  jsonl: string,
  out: string,
  signal?: AbortSignal,
): Promise<void> {
  // COPY takes no parameters: the path is quoted as an SQL string literal.
  await cache.run(
    `COPY (SELECT * FROM read_json_auto(?)) TO ${sqlString(out)} (FORMAT parquet)`,
    [jsonl],
    signal,
  );
}
