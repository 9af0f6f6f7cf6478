/**
 * How the SQL backend reads an ECS field of a stored document, with Elastic's semantics: a field holds one value or
 * many (arrays), spelled nested or dotted. Regular rows use the typed column when the store has one; rows flagged
 * `_irregular` and fields without a typed column are read from `_source` (JSON).
 */
import { jsonPathKey, quoteIdent, sqlString } from '../../common/index.ts';
import { isListKind, jsonPath, typedColumn, type ColumnKind } from '../../store/ecs/index.ts';
import { FALSE, type SqlBuilder, type ValueSet } from './builder.ts';

/** The type of a value expression handed to a predicate: a typed column's kind, or a JSON value. */
export type ValueType = Exclude<ColumnKind, 'keyword[]' | 'ip[]'> | 'json';

export type ValuePredicate = (x: string, t: ValueType) => string;

function elementKind(kind: ColumnKind): ValueType {
  return kind === 'ip[]' ? 'ip' : kind === 'keyword[]' ? 'keyword' : (kind as ValueType);
}

/** Every way Elastic lets `a.b.c` be spelled: nested, dotted, and mixed (`a."b.c"`, …). */
export function pathVariants(field: string): string[] {
  const parts = field.split('.');
  const out: string[] = [];
  const n = parts.length;
  for (let mask = 0; mask < 1 << (n - 1); mask++) {
    const keys: string[] = [parts[0]];
    for (let i = 1; i < n; i++) {
      if (mask & (1 << (i - 1))) keys[keys.length - 1] += '.' + parts[i];
      else keys.push(parts[i]);
    }
    out.push('$' + keys.map(jsonPathKey).join(''));
  }
  return out;
}

/** The non-null JSON values at `paths` of `_source` (arrays flattened one level): the store's `ecs_values` macro. */
function jsonValues(paths: readonly string[]): string {
  return `ecs_values(_source, [${paths.map(sqlString).join(', ')}])`;
}

/**
 * ECS fields that hold arrays of objects: a field below one (`dns.answers.data`) has a value in every element, which
 * Elastic flattens into one multi-valued field. DuckDB takes no wildcard in a multi-path extraction, so these get
 * one extra single-path read with `[*]`.
 */
const OBJECT_ARRAYS = [
  'dns.answers',
  'email.attachments',
  'threat.enrichments',
  'email.to',
  'email.from',
  'email.cc',
];

/** The values of `field` in `_source` (nested spellings, or every spelling for irregular rows). */
function fieldValues(field: string, rows: RowKind): string {
  const base = jsonValues(rows === 'irregular' ? pathVariants(field) : [jsonPath(field)]);
  const arr = OBJECT_ARRAYS.find((a) => field.startsWith(a + '.'));
  if (!arr) return base;
  const wild = jsonPath(arr) + '[*]' + jsonPath(field.slice(arr.length + 1)).slice(1);
  const v = 'w';
  return (
    `list_concat(${base}, list_filter(coalesce(json_extract(_source, ${sqlString(wild)}), []::JSON[]), ` +
    `${v} -> ${v} IS NOT NULL AND json_type(${v}) <> 'NULL'))`
  );
}

/**
 * A necessary condition for `_source` to hold `field` in any spelling, tested on the raw text before any JSON is
 * parsed: each key of the path appears as a whole token — `"first"` or `"first.`, `.middle.` `"middle"` `"middle.`
 * `.middle"`, `"last"` or `.last"` (nested, dotted and mixed spellings alike). Keys with characters JSON escapes are
 * not pre-filtered.
 */
function mayHold(field: string): string {
  const parts = field.split('.');
  if (parts.some((p) => /["\\/]/.test(p) || !/^[ -~]*$/.test(p))) return 'TRUE';
  const anyOf = (needles: string[]) =>
    '(' + needles.map((n) => `contains(_source, ${sqlString(n)})`).join(' OR ') + ')';
  const n = parts.length;
  if (n === 1) return `contains(_source, ${sqlString(`"${parts[0]}"`)})`;
  const tests = parts.map((p, i) =>
    i === 0
      ? anyOf([`"${p}"`, `"${p}.`])
      : i === n - 1
        ? anyOf([`"${p}"`, `.${p}"`])
        : anyOf([`"${p}"`, `"${p}.`, `.${p}"`, `.${p}.`]),
  );
  return '(' + tests.join(' AND ') + ')';
}

function anyOf(b: SqlBuilder, list: string, pred: ValuePredicate, t: ValueType): string {
  const e = b.lambdaVar();
  return `coalesce(list_bool_or(list_transform(${list}, ${e} -> coalesce(${pred(e, t)}, false))), false)`;
}

/**
 * Which rows a predicate is compiled for. The compiler emits one WHERE clause per kind and the connector runs them
 * as two halves of a UNION ALL, so a query over regular rows reads typed columns only (and `_source` solely for
 * fields without one) — `_source` of every row is never decoded just to learn a row is regular.
 */
export type RowKind = 'regular' | 'irregular';

/**
 * Top-level keys the queried indices hold (see the store's `ecs_index_keys`); a field without a typed column whose
 * first segment is not among them is absent from every document, so its tests are FALSE without reading `_source`.
 */
export type PresentKeys = ReadonlySet<string> | undefined;

function absent(field: string, keys: PresentKeys): boolean {
  return keys !== undefined && !typedColumn(field) && !keys.has(field.split('.')[0]);
}

/** SQL boolean: some value of `field` satisfies `pred`. */
export function anyValue(
  b: SqlBuilder,
  field: string,
  pred: ValuePredicate,
  rows: RowKind,
  keys?: PresentKeys,
): string {
  if (absent(field, keys)) return FALSE;
  const col = typedColumn(field);
  if (rows === 'irregular')
    return `(${mayHold(field)} AND ${anyOf(b, fieldValues(field, rows), pred, 'json')})`;
  if (!col) return `(${mayHold(field)} AND ${anyOf(b, fieldValues(field, rows), pred, 'json')})`;
  const c = quoteIdent(col.field);
  return isListKind(col.kind)
    ? anyOf(b, c, pred, elementKind(col.kind))
    : `coalesce(${pred(c, col.kind as ValueType)}, false)`;
}

/**
 * The members of a value set typed like a value of type `t`, as `compare` types one operand: numbers numerically,
 * times as instants (a number as epoch milliseconds), booleans as booleans, anything else as text.
 */
function setMembers(set: ValueSet, t: Exclude<ValueType, 'json'>): string {
  const from = ` FROM ${set.name}`;
  switch (t) {
    case 'long':
    case 'double':
      return `SELECT TRY_CAST(v AS DOUBLE)${from}`;
    case 'timestamp':
      return `SELECT CASE WHEN num THEN epoch_ms(CAST(TRY_CAST(v AS DOUBLE) AS BIGINT))::TIMESTAMP ELSE CAST(TRY_CAST(v AS TIMESTAMPTZ) AS TIMESTAMP) END${from}`;
    case 'boolean':
      return `SELECT TRY_CAST(v AS BOOLEAN)${from}`;
    case 'keyword':
    case 'ip':
      return `SELECT v${from}`;
  }
}

/**
 * SQL boolean: value `x` of type `t` equals a member of `set` (a JSON value: a number numerically, else as text);
 * with `key`, the text `key` derives from the value does.
 */
function inSet(x: string, t: ValueType, set: ValueSet, key?: ValuePredicate): string {
  if (key) return `${key(x, t)} IN (${setMembers(set, 'keyword')})`;
  if (t !== 'json') return `${x} IN (${setMembers(set, t)})`;
  return `CASE WHEN ${jsonIsNumber(x)} THEN TRY_CAST(${x} ->> '$' AS DOUBLE) IN (${setMembers(set, 'double')}) ELSE (${x} ->> '$') IN (${setMembers(set, 'keyword')}) END`;
}

/**
 * SQL boolean: some value of `field` is a member of `set` — `anyValue` with `=` against each member, as one hash
 * semi-join (`key`: a text derived from each value is, e.g. a path's basename). A scalar column is tested directly; a list column or JSON values are unnested in a subquery over
 * `ecs_docs` (the statement's own table, read by `rowid`) instead of a per-row lambda, where DuckDB allows no
 * subquery.
 */
export function anyValueInSet(
  field: string,
  set: ValueSet,
  rows: RowKind,
  keys?: PresentKeys,
  key?: ValuePredicate,
): string {
  if (absent(field, keys)) return FALSE;
  const col = typedColumn(field);
  const flag = rows === 'irregular' ? '_irregular' : 'NOT _irregular';
  const unnested = (list: string, t: ValueType, filter: string): string =>
    `coalesce(rowid IN (SELECT r FROM (SELECT rowid AS r, unnest(${list}) AS e FROM ecs_docs WHERE ${flag} AND ${filter}) WHERE ${inSet('e', t, set, key)}), false)`;
  if (rows === 'irregular' || !col) return unnested(fieldValues(field, rows), 'json', mayHold(field));
  const c = quoteIdent(col.field);
  return isListKind(col.kind)
    ? unnested(c, elementKind(col.kind), 'TRUE')
    : `coalesce(${inSet(c, col.kind as ValueType, set, key)}, false)`;
}

/** SQL boolean: `field` has at least one non-null value (Elastic's `exists`). */
export function fieldExists(field: string, rows: RowKind, keys?: PresentKeys): string {
  if (absent(field, keys)) return FALSE;
  const col = typedColumn(field);
  if (rows === 'irregular') return `(${mayHold(field)} AND len(${fieldValues(field, rows)}) > 0)`;
  if (!col) return `(${mayHold(field)} AND len(${fieldValues(field, rows)}) > 0)`;
  const c = quoteIdent(col.field);
  return isListKind(col.kind) ? `coalesce(len(${c}) > 0, false)` : `(${c} IS NOT NULL)`;
}

/** The value as text (for LIKE, regexps, CIDR tests). */
export function asText(x: string, t: ValueType): string {
  if (t === 'json') return `(${x} ->> '$')`;
  if (t === 'keyword' || t === 'ip') return x;
  return `CAST(${x} AS VARCHAR)`;
}

/** True when the JSON value is a number. */
export function jsonIsNumber(x: string): string {
  return `json_type(${x}) IN ('BIGINT', 'UBIGINT', 'DOUBLE')`;
}
