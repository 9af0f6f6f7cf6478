/**
 * Compiles a STIX pattern (the WHERE of GET/FIND/filter expressions) into a parameterised SQL predicate over the
 * cache's record table (house rule 4: values are parameters, never spliced). The record under test is the row alias
 * `r` joined with its observation `o`.
 *
 * Two modes:
 * - `centered`: only comparisons on the record's own type count; comparisons on other types are TRUE (the data
 *   source already matched the whole pattern on the observation; this picks which objects of the asked type in
 *   a matched observation are the answer — Kestrel's "centered" entity).
 * - `full`: comparisons on other types hold when some record of that type in the same observation satisfies them
 *   (local evaluation for GET FROM a variable and filter expressions). START/STOP restrict `first_observed`
 *   (STOP exclusive). WITHIN/REPEATS/FOLLOWEDBY span several observations and are evaluated by the source only;
 *   locally FOLLOWEDBY behaves as AND and WITHIN/REPEATS are ignored (EXPLAIN says so).
 */
import { StoreError } from '../../errors/index.ts';
import type { ComparisonExpr, Literal, ObservationExpr, PathStep, Pattern } from '../../stix/ast.ts';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export interface WhereOptions {
  /** The entity type of the records under test. */
  center: string;
  mode: 'centered' | 'full';
}

let aliasSeq = 0;
function nextAlias(): string {
  aliasSeq = (aliasSeq + 1) % 1_000_000;
  return `t${aliasSeq}`;
}

/** JSON path text for Key/Index steps (keys quoted, so `SHA-256` and dots are safe). */
export function jsonPath(steps: readonly PathStep[]): string {
  let p = '$';
  for (const s of steps) {
    if (s.kind === 'Key') p += `."${s.name.replace(/^'|'$/g, '').replace(/"/g, '\\"')}"`;
    else p += s.index === '*' ? '[*]' : `[${s.index}]`;
  }
  return p;
}

function isRefStep(s: PathStep): boolean {
  return s.kind === 'Key' && (s.name.endsWith('_ref') || s.name.endsWith('_refs'));
}

/** IPv4 CIDR → [first, last] as integers; undefined when not IPv4. */
export function ipv4Range(cidr: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(cidr.trim());
  if (!m) return undefined;
  const ip = ((+m[1]! << 24) >>> 0) + (+m[2]! << 16) + (+m[3]! << 8) + +m[4]!;
  const bits = m[5] === undefined ? 32 : +m[5];
  if (bits > 32 || [m[1], m[2], m[3], m[4]].some((o) => +o! > 255)) return undefined;
  const size = 2 ** (32 - bits);
  const first = Math.floor(ip / size) * size;
  return [first, first + size - 1];
}

function literalScalar(l: Literal): unknown {
  switch (l.kind) {
    case 'String':
    case 'Timestamp':
    case 'Hex':
    case 'Binary':
      return l.value;
    case 'Int':
    case 'Float':
      return l.value;
    case 'Bool':
      return l.value;
    case 'List':
      return l.values.map(literalScalar);
    case 'VarRef':
      throw new StoreError(
        'E_UNRESOLVED_REFERENCE',
        `reference ${l.variable}.${l.attribute} was not resolved before evaluation`,
      );
  }
}

/** SQL for the value at `steps` of a record's attributes, typed to compare with `lit`. */
function valueExpr(alias: string, steps: readonly PathStep[], lit: Literal | undefined): string {
  const only = steps.length === 1 && steps[0]?.kind === 'Key' ? steps[0].name : undefined;
  if (only === 'first_observed' || only === 'last_observed') {
    // Record-level times are the observation's (STIX 2.0 objects carry none of their own).
    const t = `(SELECT o_${alias}.${only} FROM obs o_${alias} WHERE o_${alias}.oid = ${alias}.oid)`;
    return lit?.kind === 'Timestamp' || lit?.kind === 'String' ? `${t}` : `epoch_ms(${t})`;
  }
  if (only === 'number_observed')
    return `CAST((SELECT o_${alias}.number_observed FROM obs o_${alias} WHERE o_${alias}.oid = ${alias}.oid) AS DOUBLE)`;
  const path = `'${jsonPath(steps).replace(/'/g, "''")}'`;
  const str = `json_extract_string(${alias}.attrs, ${path})`;
  const kind = lit?.kind === 'List' ? lit.values[0]?.kind : lit?.kind;
  if (kind === 'Int' || kind === 'Float') return `TRY_CAST(${str} AS DOUBLE)`;
  if (kind === 'Timestamp') return `TRY_CAST(${str} AS TIMESTAMPTZ)`;
  if (kind === 'Bool') return `TRY_CAST(${str} AS BOOLEAN)`;
  return str;
}

function compare(x: string, op: string, lit: Literal | undefined, params: unknown[]): string {
  const p = (v: unknown): string => {
    params.push(v);
    return '?';
  };
  const cast =
    lit?.kind === 'Timestamp' || (lit?.kind === 'String' && x.startsWith('(SELECT o_'))
      ? '::TIMESTAMPTZ'
      : '';
  switch (op) {
    case 'EXISTS':
      return `(${x} IS NOT NULL)`;
    case 'IN': {
      if (!lit || lit.kind !== 'List') return `(${x} = ${p(literalScalar(lit!))}${cast})`;
      if (lit.values.length === 0) return 'FALSE';
      return `(${x} IN (${lit.values.map((v) => p(literalScalar(v)) + (v.kind === 'Timestamp' ? '::TIMESTAMPTZ' : '')).join(', ')}))`;
    }
    case 'LIKE':
      return `(${x} LIKE ${p(literalScalar(lit!))})`;
    case 'MATCHES':
      return `regexp_matches(${x}, ${p(literalScalar(lit!))})`;
    case 'ISSUBSET':
    case 'ISSUPERSET': {
      const v = String(literalScalar(lit!));
      const range = ipv4Range(v);
      if (!range) {
        // IPv6 (or anything not dotted-quad): the JS scalar registered by the cache (`cidr.ts`).
        return op === 'ISSUBSET' ? `peregrine_in_cidr(${x}, ${p(v)})` : `peregrine_in_cidr(${p(v)}, ${x})`;
      }
      if (op === 'ISSUBSET') return `(peregrine_ip4(${x}) BETWEEN ${p(range[0])} AND ${p(range[1])})`;
      // value (a CIDR) contains the literal's range
      return `(peregrine_ip4(${x}) <= ${p(range[0])} AND peregrine_ip4(${x}) + pow(2, 32 - TRY_CAST(coalesce(nullif(split_part(${x}, '/', 2), ''), '32') AS INTEGER)) - 1 >= ${p(range[1])})`;
    }
    default: {
      const sqlOp = op === '!=' ? '<>' : op;
      return `(${x} ${sqlOp} ${p(literalScalar(lit!))}${cast})`;
    }
  }
}

/** Predicate: the record at `alias` has `steps` comparing `op` to `lit` (following references through `edge`). */
function pathPredicate(
  alias: string,
  steps: readonly PathStep[],
  op: string,
  lit: Literal | undefined,
  params: unknown[],
): string {
  const refAt = steps.findIndex((s, i) => isRefStep(s) && i < steps.length - 1);
  if (refAt >= 0) {
    const ref = (steps[refAt] as { name: string }).name;
    let rest = steps.slice(refAt + 1);
    if (ref.endsWith('_refs') && rest[0]?.kind === 'Index') rest = rest.slice(1);
    const t = nextAlias();
    params.push(ref);
    const inner = pathPredicate(t, rest, op, lit, params);
    return `EXISTS (SELECT 1 FROM edge e_${t} JOIN rec ${t} ON ${t}.rid = e_${t}.dst WHERE e_${t}.src = ${alias}.rid AND e_${t}.ref = ? AND ${inner})`;
  }
  const star = steps.findIndex((s) => s.kind === 'Index' && s.index === '*');
  if (star >= 0) {
    const listPath = `'${jsonPath(steps.slice(0, star)).replace(/'/g, "''")}'`;
    const u = nextAlias();
    const elemRest = steps.slice(star + 1);
    const elem =
      elemRest.length === 0
        ? `json_extract_string(${u}.v, '$')`
        : `json_extract_string(${u}.v, '${jsonPath(elemRest).replace(/'/g, "''")}')`;
    const kind = lit?.kind === 'List' ? lit.values[0]?.kind : lit?.kind;
    const x = kind === 'Int' || kind === 'Float' ? `TRY_CAST(${elem} AS DOUBLE)` : elem;
    return `EXISTS (SELECT 1 FROM (SELECT unnest(CAST(json_extract(${alias}.attrs, ${listPath}) AS JSON[])) AS v) ${u} WHERE ${compare(x, op, lit, params)})`;
  }
  return compare(valueExpr(alias, steps, lit), op, lit, params);
}

function comparisonSql(e: ComparisonExpr, opts: WhereOptions, params: unknown[]): string {
  if (e.kind === 'ComparisonBinary') {
    const l = comparisonSql(e.left, opts, params);
    const r = comparisonSql(e.right, opts, params);
    return `(${l} ${e.op} ${r})`;
  }
  const own = e.path.objectType === opts.center;
  if (!own && opts.mode === 'centered') return 'TRUE';
  let pred: string;
  if (own) {
    pred = pathPredicate('r', e.path.steps, e.op, e.value, params);
  } else {
    const t = nextAlias();
    params.push(e.path.objectType);
    const sub: unknown[] = [];
    const inner = pathPredicate(t, e.path.steps, e.op, e.value, sub);
    params.push(...sub);
    pred = `EXISTS (SELECT 1 FROM rec ${t} WHERE ${t}.oid = r.oid AND ${t}.type = ? AND ${inner})`;
  }
  if (!e.negated) return `coalesce(${pred}, FALSE)`;
  // STIX: a negated comparison holds when the property exists and does not compare.
  return `coalesce(NOT ${pred}, FALSE)`;
}

function observationSql(e: ObservationExpr, opts: WhereOptions, params: unknown[]): string {
  switch (e.kind) {
    case 'Observation':
      return comparisonSql(e.expr, opts, params);
    case 'ObservationBinary': {
      const l = observationSql(e.left, opts, params);
      const r = observationSql(e.right, opts, params);
      return `(${l} ${e.op === 'OR' ? 'OR' : 'AND'} ${r})`;
    }
    case 'Qualified': {
      const inner = observationSql(e.expr, opts, params);
      if (e.qualifier.kind !== 'StartStop' || opts.mode === 'centered') return inner;
      params.push(e.qualifier.start, e.qualifier.stop);
      return `(${inner} AND o.first_observed >= ?::TIMESTAMPTZ AND o.first_observed < ?::TIMESTAMPTZ)`;
    }
  }
}

/** SQL predicate over `rec r JOIN obs o` for `pattern`; `TRUE` for none. */
export function patternToSql(pattern: Pattern | null | undefined, opts: WhereOptions): SqlFragment {
  if (!pattern) return { sql: 'TRUE', params: [] };
  const params: unknown[] = [];
  const sql = observationSql(pattern.expr, opts, params);
  return { sql, params };
}

/** Does the pattern mention the record's own type (so centered selection narrows the objects)? */
export function mentionsType(pattern: Pattern | null | undefined, type: string): boolean {
  if (!pattern) return false;
  const walkC = (e: ComparisonExpr): boolean =>
    e.kind === 'ComparisonBinary' ? walkC(e.left) || walkC(e.right) : e.path.objectType === type;
  const walkO = (e: ObservationExpr): boolean =>
    e.kind === 'Observation'
      ? walkC(e.expr)
      : e.kind === 'ObservationBinary'
        ? walkO(e.left) || walkO(e.right)
        : walkO(e.expr);
  return walkO(pattern.expr);
}
