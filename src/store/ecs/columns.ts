/**
 * The typed columns of the embedded ECS store: the ECS fields hunts filter, group and sort on most, each stored in
 * its own DuckDB column beside the whole document (`_source`, kept verbatim — nothing is dropped). Fields not listed
 * here are still queryable: the SQL backend reads them from `_source` (see `src/backends/sql/`).
 *
 * Elastic semantics kept: every field may hold one value or an array of values, and a document may spell a field
 * nested (`{"process":{"pid":1}}`) or dotted (`{"process.pid":1}`). Columns of kind `*[]` always hold a list. A
 * document whose value for a scalar column is an array or an object, or which uses dotted keys, is flagged
 * `_irregular`; queries then evaluate that row from `_source` instead of the typed columns, so answers match Elastic.
 */
import { jsonPathKey, quoteIdent } from '../../common/index.ts';

/** How a field is stored. `ip` is text (IPv4 dotted quad or IPv6) — CIDR tests are compiled by the SQL backend. */
export type ColumnKind =
  'timestamp' | 'keyword' | 'long' | 'double' | 'boolean' | 'ip' | 'keyword[]' | 'ip[]';

export interface TypedColumn {
  /** The ECS field name; also the column name (quoted). */
  readonly field: string;
  readonly kind: ColumnKind;
}

const k = (field: string): TypedColumn => ({ field, kind: 'keyword' });
const l = (field: string): TypedColumn => ({ field, kind: 'long' });
const t = (field: string): TypedColumn => ({ field, kind: 'timestamp' });
const ip = (field: string): TypedColumn => ({ field, kind: 'ip' });
const kl = (field: string): TypedColumn => ({ field, kind: 'keyword[]' });

/** Order matters only for the table layout; changing it needs a store schema version bump. */
export const TYPED_COLUMNS: readonly TypedColumn[] = Object.freeze([
  t('@timestamp'),
  k('event.action'),
  k('event.kind'),
  k('event.dataset'),
  k('event.outcome'),
  kl('event.category'),
  kl('event.type'),
  l('event.severity'),
  t('event.start'),
  t('event.end'),
  k('host.name'),
  k('host.id'),
  { field: 'host.ip', kind: 'ip[]' },
  k('container.id'),
  k('container.name'),
  k('container.image.name'),
  l('process.pid'),
  k('process.name'),
  k('process.executable'),
  k('process.command_line'),
  kl('process.args'),
  k('process.entity_id'),
  t('process.start'),
  l('process.parent.pid'),
  k('process.parent.name'),
  k('process.parent.executable'),
  k('file.path'),
  k('file.name'),
  l('file.size'),
  k('file.hash.md5'),
  k('file.hash.sha1'),
  k('file.hash.sha256'),
  ip('source.ip'),
  l('source.port'),
  ip('destination.ip'),
  l('destination.port'),
  k('network.transport'),
  k('network.direction'),
  k('user.id'),
  k('user.name'),
  k('url.original'),
  kl('tags'),
]);

const byField = new Map(TYPED_COLUMNS.map((c) => [c.field, c]));

/** The typed column of `field`, if the store has one. */
export function typedColumn(field: string): TypedColumn | undefined {
  return byField.get(field);
}

export function isListKind(kind: ColumnKind): boolean {
  return kind.endsWith('[]');
}

/** DuckDB type of a column kind. */
export function sqlType(kind: ColumnKind): string {
  switch (kind) {
    case 'timestamp':
      return 'TIMESTAMP';
    case 'long':
      return 'BIGINT';
    case 'double':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'keyword':
    case 'ip':
      return 'VARCHAR';
    case 'keyword[]':
    case 'ip[]':
      return 'VARCHAR[]';
  }
}

/** JSONPath of a nested field: `$."process"."pid"`. */
export function jsonPath(field: string): string {
  return '$' + field.split('.').map(jsonPathKey).join('');
}

/**
 * The `json_transform` structure that extracts every typed column in one parse of the document: nested objects
 * whose leaves are VARCHAR (scalars as text; arrays and objects as their JSON text).
 */
export function extractionStructure(): string {
  const root: Record<string, unknown> = {};
  for (const c of TYPED_COLUMNS) {
    const parts = c.field.split('.');
    let o = root;
    for (const p of parts.slice(0, -1)) {
      if (typeof o[p] !== 'object') o[p] = {};
      o = o[p] as Record<string, unknown>;
    }
    const leaf = parts[parts.length - 1];
    if (o[leaf] === undefined) o[leaf] = 'VARCHAR';
  }
  return JSON.stringify(root);
}

/** `v."process"."pid"` — the extracted text of a typed column inside the struct `v`. */
export function structRef(v: string, field: string): string {
  return (
    v +
    field
      .split('.')
      .map((p) => '.' + quoteIdent(p))
      .join('')
  );
}

/**
 * The expression converting the extracted text `x` of a field to the column's type. Values that do not convert become
 * NULL in the typed column (the document keeps them); Elastic's coercions are followed: numbers given as strings are
 * accepted, dates may be epoch milliseconds.
 */
export function convertExpr(kind: ColumnKind, x: string): string {
  switch (kind) {
    case 'timestamp':
      // UTC text (`…Z`, most ECS timestamps) parses as a plain TIMESTAMP — the same instant, without the time-zone
      // machinery of TIMESTAMPTZ (≈ 0.05 s per 100,000 documents); anything else, or what that does not parse, takes
      // the general path
      return (
        `coalesce(CASE WHEN ends_with(${x}, 'Z') THEN TRY_CAST(${x} AS TIMESTAMP) END, ` +
        `TRY_CAST(TRY_CAST(${x} AS TIMESTAMPTZ) AS TIMESTAMP), TRY_CAST(epoch_ms(TRY_CAST(${x} AS BIGINT)) AS TIMESTAMP))`
      );
    case 'long':
      return `TRY_CAST(TRY_CAST(${x} AS DOUBLE) AS BIGINT)`;
    case 'double':
      return `TRY_CAST(${x} AS DOUBLE)`;
    case 'boolean':
      return `TRY_CAST(${x} AS BOOLEAN)`;
    case 'keyword':
    case 'ip':
      return x;
    case 'keyword[]':
    case 'ip[]':
      return `CASE WHEN starts_with(${x}, '[') THEN list_filter(TRY_CAST(${x} AS VARCHAR[]), e -> e IS NOT NULL) WHEN ${x} IS NULL THEN NULL ELSE [${x}] END`;
  }
}

/**
 * True when the extracted text may not be represented faithfully by its typed column (an array in a scalar column,
 * an object anywhere); such rows are answered from `_source`. A string value that merely starts with `[` or `{` is
 * flagged too — harmless: that row is then evaluated from `_source`, which is always right, only slower.
 */
export function irregularExpr(kind: ColumnKind, x: string): string {
  // `ascii` is the first character's code point (`[` 91, `{` 123): one call instead of two `starts_with`
  if (isListKind(kind)) return `ascii(${x}) = 123`;
  return `ascii(${x}) IN (91, 123)`;
}
