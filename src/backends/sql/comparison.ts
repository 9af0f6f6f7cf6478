/**
 * One STIX comparison → a SQL boolean over the stored documents, through the field map: tried on every ECS field the
 * object path maps to (OR), each field with its value transform — the same fields and transforms as the Elastic
 * DSL compiler and the same rules around the leaves (`../shared/`), so both backends select the same documents. A
 * `Record<Op, fn>` table gives each operator's test.
 */
import { cidrBounds, parseCidr } from '../../common/index.ts';
import { MappingError } from '../../errors/index.ts';
import type { EcsFieldRef, FieldMapData } from '../../mapping/index.ts';
import type { Comparison } from '../../stix/ast.ts';
import {
  leafRules,
  mappedFields,
  operand,
  operands,
  registryPathBody,
  singleAddress,
} from '../shared/index.ts';
import type { LeafCtx, LeafDialect, OpFn, OpTable, Scalar, WalkNotes } from '../shared/index.ts';
import { and, FALSE, not, or, TRUE, type SqlBuilder } from './builder.ts';
import {
  anyValue,
  anyValueInSet,
  asText,
  fieldExists,
  jsonIsNumber,
  type PresentKeys,
  type RowKind,
  type ValuePredicate,
  type ValueType,
} from './fields.ts';
import { likeToRe2, pcreSupported, re2Escape } from './regex.ts';

interface Ctx extends LeafCtx {
  readonly b: SqlBuilder;
  /** IN lists longer than this become a value set (see `ValueSet`); shorter ones an OR of `=`. */
  readonly setFrom: number;
  readonly rows: RowKind;
  readonly keys: PresentKeys;
}

const SQL: LeafDialect<string, Ctx> = {
  and,
  or,
  not,
  all: () => TRUE,
  exists: (field, ctx) => fieldExists(field, ctx.rows, ctx.keys),
};
const { acrossFields, notEqual, overFetch, untransformed } = leafRules(SQL);

/**
 * IN lists of more values than this are tested against a value set (one parameter, one hash semi-join); up to this
 * many, as an OR of `=` (cheaper for a handful of values; the text stays bounded either way).
 */
export const VALUE_SET_FROM = 16;

type CmpOp = '=' | '<' | '<=' | '>' | '>=';

/** `x op v` for a value of type `t`, following the field's type as Elastic does (numbers numerically, …). */
function compare(b: SqlBuilder, x: string, t: ValueType, op: CmpOp, v: Scalar): string {
  // placeholders are made only when used: DuckDB refuses parameters the statement does not mention
  const text = () => b.param(String(v));
  const num = () =>
    typeof v === 'number' ? `CAST(${b.param(v)} AS DOUBLE)` : `TRY_CAST(${text()} AS DOUBLE)`;
  switch (t) {
    case 'long':
    case 'double':
      return `${x} ${op} ${num()}`;
    case 'timestamp':
      return typeof v === 'number'
        ? `${x} ${op} epoch_ms(CAST(${num()} AS BIGINT))::TIMESTAMP`
        : `${x} ${op} CAST(TRY_CAST(${text()} AS TIMESTAMPTZ) AS TIMESTAMP)`;
    case 'boolean':
      return `${x} ${op} TRY_CAST(${text()} AS BOOLEAN)`;
    case 'keyword':
    case 'ip':
      return `${x} ${op} ${text()}`;
    case 'json':
      return `CASE WHEN ${jsonIsNumber(x)} THEN TRY_CAST(${x} ->> '$' AS DOUBLE) ${op} ${num()} ELSE (${x} ->> '$') ${op} ${text()} END`;
  }
}

/** The regexp (RE2, whole value) matching an ECS value whose basename/dirname matches `body` — as the DSL does. */
function wrapTransform(f: EcsFieldRef, body: string): string {
  const sep = '[/\\\\]';
  if (f.transform === 'basename') return `(?s)(?:.*${sep})?(?:${body})`;
  return `(?s)(?:(?:${body})${sep}|(?:${body}))[^/\\\\]*`;
}

function fullMatch(ctx: Ctx, field: string, re: string): string {
  const p = ctx.b.param(re);
  return anyValue(ctx.b, field, (x, t) => `regexp_full_match(${asText(x, t)}, ${p})`, ctx.rows, ctx.keys);
}

/** IPv4 dotted quad → integer, NULL for anything else. */
function ip4Int(s: string): string {
  const part = (i: number) => `CAST(split_part(${s}, '.', ${i}) AS BIGINT)`;
  return (
    `CASE WHEN regexp_full_match(${s}, '(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}') ` +
    `THEN ${part(1)} * 16777216 + ${part(2)} * 65536 + ${part(3)} * 256 + ${part(4)} END`
  );
}

const ordered = (op: Exclude<CmpOp, '='>): OpFn<string, Ctx> =>
  untransformed(op, (field, ctx) => {
    const v = operand(ctx);
    return anyValue(ctx.b, field, (x, t) => compare(ctx.b, x, t, op, v), ctx.rows, ctx.keys);
  });

const equals: OpFn<string, Ctx> = (field, f, ctx) => {
  const v = operand(ctx);
  if (f.transform === 'registryKey') return fullMatch(ctx, field, registryPathBody(String(v), re2Escape));
  if (f.transform) return fullMatch(ctx, field, wrapTransform(f, re2Escape(String(v))));
  return anyValue(ctx.b, field, (x, t) => compare(ctx.b, x, t, '=', v), ctx.rows, ctx.keys);
};

/** A path separator of either platform: a value holding one is not a basename. */
const SEPARATOR = /[/\\]/;

/**
 * IN on the basename of a path field, for long lists: the text after the path's last separator tested against the
 * value set; values holding a separator (they can match across separators) also by the regexp.
 */
function basenameIn(field: string, f: EcsFieldRef, vs: readonly Scalar[], ctx: Ctx): string {
  const set = ctx.b.valueSet(ctx.c.value!, vs);
  const base: ValuePredicate = (x, t) => `regexp_extract(${asText(x, t)}, '[^/\\\\]*$')`;
  const other = vs.filter((v) => SEPARATOR.test(String(v)));
  return or([
    anyValueInSet(field, set, ctx.rows, ctx.keys, base),
    ...(other.length
      ? [fullMatch(ctx, field, wrapTransform(f, other.map((v) => re2Escape(String(v))).join('|')))]
      : []),
  ]);
}

const OPS: OpTable<string, Ctx> = {
  '=': equals,
  '!=': notEqual(equals),
  '<': ordered('<'),
  '<=': ordered('<='),
  '>': ordered('>'),
  '>=': ordered('>='),
  IN: (field, f, ctx) => {
    const vs = operands(ctx);
    if (vs.length === 0) return FALSE;
    if (f.transform === 'registryKey')
      return fullMatch(ctx, field, vs.map((v) => registryPathBody(String(v), re2Escape)).join('|'));
    if (f.transform === 'basename' && vs.length > ctx.setFrom) return basenameIn(field, f, vs, ctx);
    if (f.transform)
      return fullMatch(ctx, field, wrapTransform(f, vs.map((v) => re2Escape(String(v))).join('|')));
    if (vs.length > ctx.setFrom)
      return anyValueInSet(field, ctx.b.valueSet(ctx.c.value!, vs), ctx.rows, ctx.keys);
    return anyValue(
      ctx.b,
      field,
      (x, t) => or(vs.map((v) => compare(ctx.b, x, t, '=', v))),
      ctx.rows,
      ctx.keys,
    );
  },
  LIKE: (field, f, ctx) => {
    const v = String(operand(ctx));
    if (!f.transform) {
      const p = ctx.b.param(v);
      return anyValue(ctx.b, field, (x, t) => `${asText(x, t)} LIKE ${p}`, ctx.rows, ctx.keys);
    }
    if (f.transform === 'registryKey') return fullMatch(ctx, field, registryPathBody(v, likeToRe2));
    return fullMatch(ctx, field, wrapTransform(f, likeToRe2(v)));
  },
  MATCHES: (field, f, ctx) => {
    const v = String(operand(ctx));
    if (!pcreSupported(v)) return overFetch(field, ctx, `MATCHES '${v}' uses PCRE features RE2 lacks`);
    if (f.transform === 'registryKey') return overFetch(field, ctx, 'MATCHES on a registry key');
    if (!f.transform) {
      const p = ctx.b.param(v);
      return anyValue(ctx.b, field, (x, t) => `regexp_matches(${asText(x, t)}, ${p})`, ctx.rows, ctx.keys);
    }
    return fullMatch(ctx, field, wrapTransform(f, `.*(?:${v}).*`));
  },
  ISSUBSET: untransformed('ISSUBSET', (field, ctx) => {
    const v = String(operand(ctx));
    const cidr = parseCidr(v);
    if (!cidr) {
      throw new MappingError('E_SQL_CIDR', `ISSUBSET needs an address or CIDR, not '${v}'`, {
        hint: "e.g. '10.0.0.0/8'",
      });
    }
    if (cidr.v6) return overFetch(field, ctx, `ISSUBSET '${v}' (IPv6)`);
    const [lo, hi] = cidrBounds(cidr);
    const pl = ctx.b.param(Number(lo));
    const ph = ctx.b.param(Number(hi));
    return anyValue(
      ctx.b,
      field,
      (x, t) => `${ip4Int(asText(x, t))} BETWEEN ${pl} AND ${ph}`,
      ctx.rows,
      ctx.keys,
    );
  }),
  ISSUPERSET: (field, f, ctx) => {
    const v = String(operand(ctx));
    const addr = singleAddress(v);
    if (addr === undefined) {
      ctx.notes.notes.push(
        `ISSUPERSET '${v}' on ${field}: an address field holds single addresses, none is a superset of a wider network`,
      );
      return FALSE;
    }
    if (f.transform) return fullMatch(ctx, field, wrapTransform(f, re2Escape(addr)));
    return anyValue(ctx.b, field, (x, t) => compare(ctx.b, x, t, '=', addr), ctx.rows, ctx.keys);
  },
  EXISTS: (field, _f, ctx) => SQL.exists(field, ctx),
};

/** Compiles one comparison against every ECS field its object path maps to (an unmapped path is an error). */
export function compileComparison(
  c: Comparison,
  map: FieldMapData,
  b: SqlBuilder,
  notes: WalkNotes,
  rows: RowKind,
  keys?: PresentKeys,
  setFrom = VALUE_SET_FROM,
): string {
  const fields = mappedFields(map, c, 'local');
  if (fields instanceof MappingError) throw fields;
  const ctx: Ctx = { b, notes, c, rows, keys, setFrom, valueCode: 'E_SQL_VALUE' };
  const fn = OPS[c.op];
  return acrossFields(ctx, fields, (f) => fn(f.field, f, ctx));
}
