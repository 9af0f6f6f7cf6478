/**
 * The hunt cache's tables (DuckDB). One row per observation (`obs`), one per STIX object occurrence inside an
 * observation (`rec`, a *record*; `eid` is its entity identity, so a variable's entities are its distinct `eid`s),
 * one per reference between two records of the same observation (`edge`), variable membership (`member`), and the
 * observations each fetch delivered (`batch_obs`; an observed-data id already cached is not stored twice).
 * Derived tables of GROUP and JOIN results are `vt_<n>` (see `cache.ts`). Views `entity_<type>` show the records
 * of one STIX type, for people poking at a persistent cache with DuckDB.
 */
import { quoteIdent, sqlString } from '../../common/index.ts';

export const SCHEMA_SQL = [
  `CREATE TABLE IF NOT EXISTS obs (oid BIGINT, id VARCHAR, first_observed TIMESTAMPTZ, last_observed TIMESTAMPTZ, number_observed INTEGER, batch INTEGER)`,
  `CREATE TABLE IF NOT EXISTS rec (rid BIGINT, oid BIGINT, type VARCHAR, lkey VARCHAR, eid VARCHAR, attrs JSON)`,
  `CREATE TABLE IF NOT EXISTS edge (src BIGINT, ref VARCHAR, dst BIGINT)`,
  `CREATE TABLE IF NOT EXISTS member (vid INTEGER, rid BIGINT, ord BIGINT)`,
  // Which observations each ingest call (batch) delivered; an observation fetched again keeps its first copy.
  `CREATE TABLE IF NOT EXISTS batch_obs (batch INTEGER, oid BIGINT)`,
  `CREATE TABLE IF NOT EXISTS meta (k VARCHAR, v VARCHAR)`,
  // IPv4 text → integer, NULL when not dotted-quad; used by ISSUBSET/ISSUPERSET on the cache.
  `CREATE OR REPLACE MACRO peregrine_ip4(s) AS CASE WHEN regexp_full_match(split_part(s, '/', 1), '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}') THEN
     (CAST(split_part(s, '.', 1) AS BIGINT) * 16777216 + CAST(split_part(s, '.', 2) AS BIGINT) * 65536 +
      CAST(split_part(s, '.', 3) AS BIGINT) * 256 + CAST(split_part(split_part(s, '.', 4), '/', 1) AS BIGINT)) ELSE NULL END`,
];

/**
 * A compiled test of one record, the contract between the cache's operations and its WHERE compiler
 * (`src/backends/cache/`): a boolean SQL expression over the record `r` (a row of `rec`) and its observation `o` (of
 * `obs`), with `?` placeholders for `parameters` in text order. Aliases it introduces are its own (`t<n>`, `o_t<n>`,
 * `e_t<n>`); it reads `o` only when `observation` is true, so an operation may leave the observations out of its
 * FROM otherwise.
 */
export interface RecordPredicate {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly observation: boolean;
}

export function entityViewSql(type: string): string {
  const name = `entity_${type.replace(/[^A-Za-z0-9_]/g, '_')}`;
  return `CREATE OR REPLACE VIEW ${quoteIdent(name)} AS SELECT r.rid, r.eid, r.attrs, o.id AS observation_id, o.first_observed, o.last_observed FROM rec r JOIN obs o USING (oid) WHERE r.type = ${sqlString(type)}`;
}
