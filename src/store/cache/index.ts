/**
 * The hunt cache on embedded DuckDB (`cache.ts`: the engine; `schema.ts`: its tables) and the operations the hunt
 * runtime asks of it. The runtime passes values — variable ids, entity types, attribute paths, sort keys, pages,
 * compiled predicates (`src/backends/cache/`) — and gets rows or counts; the SQL against the cache's tables is
 * written here and nowhere else.
 *
 * Invariants the operations keep:
 * - `obs`, `rec` and `edge` only grow (ingest appends; it drops the duplicates of observations cached before within
 *   the same call). Record ids (`rid`) and observation ids (`oid`) are never reused, and every record has its one
 *   observation.
 * - A variable id names either a records variable — rows of `member` (vid, rid, ord), `ord` numbering its records
 *   1…n in its order, each record once — or a derived table `vt_<vid>`. An operation fills a new id completely or
 *   fails; only {@link releaseVariable} and the prefetch merge (on the id a statement is still building) change an
 *   id's rows.
 * - An entity is the set of records with one entity key (`rec.eid`); relations, identity and prefetch work on keys.
 * - Temporary tables are an operation's own: created and dropped within one call, never seen by another.
 * - Operations take record sets as {@link RecordSource} values. Ids a caller holds in bulk (entity keys for a
 *   semi-join, attribute values an analytic computed for entities) belong in a value table filled by an appender and
 *   joined by an operation — a new RecordSource kind or an operation taking rows — not in SQL IN lists.
 */
export { HuntCache, type IngestOptions, type IngestResult, type Row } from './cache.ts';
export { entityKey, IDENTITY_ATTRIBUTE } from './identity.ts';
export type { RecordPredicate } from './schema.ts';
export { jsonPath, OBSERVATION_ATTRIBUTES } from './attr-path.ts';
export {
  releaseVariable,
  recordCounts,
  tableCounts,
  relatedCounts,
  timeSpan,
  attributeValues,
  tableColumnValues,
  tableColumns,
  type CachedVariable,
  type VarCounts,
} from './variables.ts';
export {
  selectNewEntities,
  selectRecords,
  unionRecords,
  type RecordSelection,
  type RecordSource,
} from './records.ts';
export { selectRelated, type ReferenceHop, type RelatedSelection } from './relations.ts';
export { mergeFetched, type FetchedRecords, type FetchedSameness } from './prefetch.ts';
export { groupInto, joinInto, copyTable, type JoinSide, type TablePage } from './tables.ts';
export {
  tableRows,
  recordRows,
  describeAttribute,
  type Table,
  type RecordRowsView,
  type AttributeStatistics,
} from './views.ts';
export { readFileRows, writeParquet, type FileFormat } from './files.ts';
export {
  entityRows,
  writeEntityParquet,
  parquetColumns,
  parquetUpdates,
  setEntityAttributes,
  REFERENCE_COLUMNS,
  ENTITY_KEY_COLUMN,
  type EntityTableView,
  type EntityUpdates,
} from './entities.ts';
