/**
 * The embedded ECS store — public face.
 *
 * Writer API (for `peregrine ingest` and telemetry exporters):
 *
 *     const store = await openStore(resolveStorePath(flag), { mode: 'write' });
 *     try {
 *       const r = await store.append('container1-sysflow-events', docs); // Iterable or AsyncIterable of ECS objects
 *       // r.accepted / r.created / r.updated / r.rejected / r.rejections
 *     } finally {
 *       await store.close(); // hold the file briefly: readers wait while a writer has it open
 *     }
 *
 * `append(index, docs, { idOf })` gives documents stable ids (default: MD5 of the JSON text), so re-appending the same
 * documents replaces rather than duplicates. `appendRecords` takes JSON text with file:line origins, one document per
 * record or many per `StoreLines` (a run of NDJSON lines that DuckDB splits itself — the fast path for files).
 */
export { EcsStore, openStore, withStore, type IndexInfo, type OpenStoreOptions } from './store.ts';
export {
  rejectionReason,
  type AppendOptions,
  type AppendProgress,
  type AppendResult,
  type Rejection,
  type StoreLines,
  type StoreRecord,
} from './append.ts';
export { AppendTally, documentProblem, type RecordPlace } from './tally.ts';
export { STORE_SCHEMA_VERSION, type StoreMode } from './instances.ts';
export { defaultStorePath, resolveStorePath } from './location.ts';
export { resolveIndexPattern, indexNameProblem, assertIndexName } from './index-names.ts';
export {
  TYPED_COLUMNS,
  typedColumn,
  isListKind,
  jsonPath,
  type ColumnKind,
  type TypedColumn,
} from './columns.ts';
export { lockTimeoutMs, readWriterInfo, type WriterInfo } from './lock.ts';
