/** The hunt cache on embedded DuckDB: observations, records, references, variable membership. */
export { HuntCache, type IngestOptions, type IngestResult, type Row } from './cache.ts';
export { entityKey, IDENTITY_ATTRIBUTE } from './identity.ts';
export type { RecordPredicate } from './schema.ts';
export { attrSql, attrTextSql, jsonPath, parseAttrPath, OBSERVATION_ATTRIBUTES } from './attr-path.ts';
export * from './variables.ts';
