/** The hunt cache on embedded DuckDB: observations, records, references, variable membership. */
export { HuntCache, type IngestOptions, type IngestResult, type Row } from './cache.ts';
export { entityKey, IDENTITY_ATTRIBUTE } from './identity.ts';
export {
  patternToSql,
  mentionsType,
  jsonPath,
  ipv4Range,
  type SqlFragment,
  type WhereOptions,
} from './where-sql.ts';
export { attrSql, attrTextSql, parseAttrPath, OBSERVATION_ATTRIBUTES } from './attr-path.ts';
export * from './variables.ts';
