/**
 * One STIX comparison → a parameterised SQL predicate over a record of the hunt cache: the attribute read from the
 * record's JSON (references followed through `edge`, `[*]` unnested), typed after the literal, and tested by the
 * operator's entry of a `Record<ComparisonOp, fn>` table. Record times (`first_observed`, `last_observed`,
 * `number_observed`) are the record's observation's; STIX 2.0 objects carry none of their own.
 *
 * Attribute paths are identifiers of the pattern, not values: they are written into the text as quoted JSON paths;
 * every literal is a parameter.
 */
import { cidrBounds, parseCidr, sqlString, valueListParam } from '../../common/index.ts';
import { StoreError } from '../../errors/index.ts';
import type { Comparison, ComparisonOp, Literal, PathStep } from '../../stix/ast.ts';
import { jsonPath } from '../../store/cache/index.ts';
import { FALSE, TRUE, type Fragment } from './fragment.ts';

/** What one compilation shares: the alias counter (aliases are unique within one compiled predicate). */
export interface CompileState {
  aliases: number;
  /** Whether the predicate reads the observation alias `o`. */
  observation: boolean;
}

/** A fresh table alias of this compilation. */
function nextAlias(s: CompileState): string {
  return `t${++s.aliases}`;
}

function isRefStep(s: PathStep): boolean {
  return s.kind === 'Key' && (s.name.endsWith('_ref') || s.name.endsWith('_refs'));
}

/** IPv4 CIDR → [first, last] as integers; undefined when not IPv4. */
function ipv4Range(text: string): [number, number] | undefined {
  const c = parseCidr(text.trim());
  if (!c || c.v6) return undefined;
  const [first, last] = cidrBounds(c);
  return [Number(first), Number(last)];
}

function literalScalar(l: Literal): unknown {
  if (l.kind === 'List') return l.values.map(literalScalar);
  if (l.kind === 'VarRef')
    throw new StoreError(
      'E_UNRESOLVED_REFERENCE',
      `reference ${l.variable}.${l.attribute} was not resolved before evaluation`,
    );
  return l.value;
}

/** The kind of value a comparison compares with (a list's first element's). */
function valueKind(lit: Literal | undefined): Literal['kind'] | undefined {
  return lit?.kind === 'List' ? lit.values[0]?.kind : lit?.kind;
}

/** SQL for the value at `steps` of a record's attributes, typed to compare with `lit`. */
function valueExpr(alias: string, steps: readonly PathStep[], lit: Literal | undefined): string {
  const only = steps.length === 1 && steps[0]?.kind === 'Key' ? steps[0].name : undefined;
  if (only === 'first_observed' || only === 'last_observed') {
    const t = `(SELECT o_${alias}.${only} FROM obs o_${alias} WHERE o_${alias}.oid = ${alias}.oid)`;
    return lit?.kind === 'Timestamp' || lit?.kind === 'String' ? t : `epoch_ms(${t})`;
  }
  if (only === 'number_observed')
    return `CAST((SELECT o_${alias}.number_observed FROM obs o_${alias} WHERE o_${alias}.oid = ${alias}.oid) AS DOUBLE)`;
  const str = `json_extract_string(${alias}.attrs, ${sqlString(jsonPath(steps))})`;
  const kind = valueKind(lit);
  if (kind === 'Int' || kind === 'Float') return `TRY_CAST(${str} AS DOUBLE)`;
  if (kind === 'Timestamp') return `TRY_CAST(${str} AS TIMESTAMPTZ)`;
  if (kind === 'Bool') return `TRY_CAST(${str} AS BOOLEAN)`;
  return str;
}

/** One operator's test of value expression `x` (no parameters of its own) against `lit`; `cast` types a parameter. */
type OpFn = (x: string, lit: Literal | undefined, cast: string) => Fragment;

function binary(op: string): OpFn {
  return (x, lit, cast) => ({ sql: `(${x} ${op} ?${cast})`, parameters: [literalScalar(lit!)] });
}

/** ISSUBSET / ISSUPERSET: IPv4 by integer ranges in SQL, anything else by the `peregrine_in_cidr` scalar (`cidr.ts`). */
function cidr(subset: boolean): OpFn {
  return (x, lit) => {
    const v = String(literalScalar(lit!));
    const range = ipv4Range(v);
    if (!range)
      return {
        sql: subset ? `peregrine_in_cidr(${x}, ?)` : `peregrine_in_cidr(?, ${x})`,
        parameters: [v],
      };
    if (subset) return { sql: `(peregrine_ip4(${x}) BETWEEN ? AND ?)`, parameters: range };
    // the value (a CIDR) contains the literal's range
    return {
      sql: `(peregrine_ip4(${x}) <= ? AND peregrine_ip4(${x}) + pow(2, 32 - TRY_CAST(coalesce(nullif(split_part(${x}, '/', 2), ''), '32') AS INTEGER)) - 1 >= ?)`,
      parameters: range,
    };
  };
}

/** IN lists longer than this are one parameter read as a table (`inValueList`); shorter ones one `?` per value. */
export const VALUE_SET_FROM = 16;

/**
 * `x IN (list)` for a long list: the values as one parameter (`valueListParam`), unnested and typed as `valueExpr`
 * typed `x` (after the first value's kind) — a hash semi-join whose text and parameters do not grow with the list.
 */
function inValueList(x: string, lit: Extract<Literal, { kind: 'List' }>): Fragment {
  const list = valueListParam(lit.values.map((v) => String(literalScalar(v))));
  const kind = valueKind(lit);
  const type =
    kind === 'Int' || kind === 'Float'
      ? 'DOUBLE'
      : kind === 'Timestamp'
        ? 'TIMESTAMPTZ'
        : kind === 'Bool'
          ? 'BOOLEAN'
          : undefined;
  const v = 'unnest(' + list.read('?') + ')';
  return {
    sql: `(${x} IN (SELECT ${type ? `TRY_CAST(${v} AS ${type})` : v}))`,
    parameters: [list.value],
  };
}

const OPS: Record<ComparisonOp, OpFn> = {
  '=': binary('='),
  '!=': binary('<>'),
  '<': binary('<'),
  '<=': binary('<='),
  '>': binary('>'),
  '>=': binary('>='),
  IN: (x, lit, cast) => {
    if (!lit || lit.kind !== 'List') return binary('=')(x, lit, cast);
    if (lit.values.length === 0) return FALSE;
    if (lit.values.length > VALUE_SET_FROM) return inValueList(x, lit);
    return {
      sql: `(${x} IN (${lit.values.map((v) => (v.kind === 'Timestamp' ? '?::TIMESTAMPTZ' : '?')).join(', ')}))`,
      parameters: lit.values.map(literalScalar),
    };
  },
  LIKE: (x, lit) => ({ sql: `(${x} LIKE ?)`, parameters: [literalScalar(lit!)] }),
  MATCHES: (x, lit) => ({ sql: `regexp_matches(${x}, ?)`, parameters: [literalScalar(lit!)] }),
  ISSUBSET: cidr(true),
  ISSUPERSET: cidr(false),
  EXISTS: (x) => ({ sql: `(${x} IS NOT NULL)`, parameters: [] }),
};

function compare(x: string, op: ComparisonOp, lit: Literal | undefined): Fragment {
  const cast =
    lit?.kind === 'Timestamp' || (lit?.kind === 'String' && x.startsWith('(SELECT o_'))
      ? '::TIMESTAMPTZ'
      : '';
  return OPS[op](x, lit, cast);
}

/** The record at `alias` has `steps` comparing `op` to `lit` (following references through `edge`). */
function pathPredicate(
  s: CompileState,
  alias: string,
  steps: readonly PathStep[],
  op: ComparisonOp,
  lit: Literal | undefined,
): Fragment {
  const refAt = steps.findIndex((x, i) => isRefStep(x) && i < steps.length - 1);
  if (refAt >= 0) {
    const ref = (steps[refAt] as { name: string }).name;
    let rest = steps.slice(refAt + 1);
    if (ref.endsWith('_refs') && rest[0]?.kind === 'Index') rest = rest.slice(1);
    const t = nextAlias(s);
    const inner = pathPredicate(s, t, rest, op, lit);
    return {
      sql: `EXISTS (SELECT 1 FROM edge e_${t} JOIN rec ${t} ON ${t}.rid = e_${t}.dst WHERE e_${t}.src = ${alias}.rid AND e_${t}.ref = ? AND ${inner.sql})`,
      parameters: [ref, ...inner.parameters],
    };
  }
  const star = steps.findIndex((x) => x.kind === 'Index' && x.index === '*');
  if (star >= 0) {
    const listPath = sqlString(jsonPath(steps.slice(0, star)));
    const u = nextAlias(s);
    const elemRest = steps.slice(star + 1);
    const elem = `json_extract_string(${u}.v, ${sqlString(elemRest.length === 0 ? '$' : jsonPath(elemRest))})`;
    const kind = valueKind(lit);
    const x = kind === 'Int' || kind === 'Float' ? `TRY_CAST(${elem} AS DOUBLE)` : elem;
    const test = compare(x, op, lit);
    return {
      // [*] on a value that is no list selects nothing (as the bundle matcher does), never a conversion error
      sql: `EXISTS (SELECT 1 FROM (SELECT unnest(CASE WHEN json_type(${alias}.attrs, ${listPath}) = 'ARRAY' THEN CAST(json_extract(${alias}.attrs, ${listPath}) AS JSON[]) END) AS v) ${u} WHERE ${test.sql})`,
      parameters: test.parameters,
    };
  }
  return compare(valueExpr(alias, steps, lit), op, lit);
}

/**
 * A comparison on the record `r` under test: on its own type, the record's attribute; on another type, some record
 * of that type in the same observation (or TRUE when `centered`: the source matched those already). A NULL test is
 * false; a negated comparison holds when the property exists and does not compare (STIX).
 */
export function comparisonPredicate(
  s: CompileState,
  c: Comparison,
  center: string,
  mode: 'centered' | 'full',
): Fragment {
  const own = c.path.objectType === center;
  if (!own && mode === 'centered') return TRUE;
  let pred: Fragment;
  if (own) pred = pathPredicate(s, 'r', c.path.steps, c.op, c.value);
  else {
    const t = nextAlias(s);
    const inner = pathPredicate(s, t, c.path.steps, c.op, c.value);
    pred = {
      sql: `EXISTS (SELECT 1 FROM rec ${t} WHERE ${t}.oid = r.oid AND ${t}.type = ? AND ${inner.sql})`,
      parameters: [c.path.objectType, ...inner.parameters],
    };
  }
  return { sql: `coalesce(${c.negated ? 'NOT ' : ''}${pred.sql}, FALSE)`, parameters: pred.parameters };
}
