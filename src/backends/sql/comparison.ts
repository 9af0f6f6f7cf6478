/**
 * One STIX comparison → a SQL boolean over the stored documents, through the field map: tried on every ECS field the
 * object path maps to (OR), each field with its value transform — the same fields and transforms as the Elastic
 * DSL compiler, so both backends select the same documents. A `Record<Op, fn>` table gives each operator's test.
 */
import { MappingError } from '../../errors/index.ts';
import { requireFields, type EcsFieldRef, type FieldMapData } from '../../mapping/index.ts';
import type { Comparison, ComparisonOp, Literal } from '../../stix/ast.ts';
import { parseCidr } from '../../stix/index.ts';
import { and, FALSE, not, or, TRUE, type SqlBuilder } from './builder.ts';
import {
  anyValue,
  asText,
  fieldExists,
  jsonIsNumber,
  type PresentKeys,
  type RowKind,
  type ValueType,
} from './fields.ts';
import { likeToRe2, pcreSupported, re2Escape } from './regex.ts';
import type { WalkNotes } from './walk.ts';

type Scalar = string | number | boolean;

interface Ctx {
  readonly b: SqlBuilder;
  readonly notes: WalkNotes;
  readonly c: Comparison;
  readonly rows: RowKind;
  readonly keys: PresentKeys;
}

function scalar(lit: Literal, c: Comparison): Scalar {
  switch (lit.kind) {
    case 'String':
    case 'Timestamp':
    case 'Hex':
    case 'Binary':
      return lit.value;
    case 'Int':
    case 'Float':
    case 'Bool':
      return lit.value;
    case 'List':
    case 'VarRef':
      throw new MappingError(
        'E_SQL_VALUE',
        `${c.op} does not take a ${lit.kind === 'List' ? 'list' : 'variable reference'} here`,
        {
          hint:
            lit.kind === 'VarRef'
              ? 'variable references are resolved by the hunt runtime before a query reaches a data source'
              : undefined,
        },
      );
  }
}

function value(ctx: Ctx): Scalar {
  if (!ctx.c.value) throw new MappingError('E_SQL_VALUE', `${ctx.c.op} needs a value`);
  return scalar(ctx.c.value, ctx.c);
}

function listValues(ctx: Ctx): Scalar[] {
  const v = ctx.c.value;
  if (!v) return [];
  if (v.kind === 'List') return v.values.map((x) => scalar(x, ctx.c));
  return [scalar(v, ctx.c)];
}

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

function overFetch(field: string, ctx: Ctx, why: string): string {
  ctx.notes.localFilter = true;
  ctx.notes.overFetches++;
  ctx.notes.notes.push(`${why}: searched as "${field} exists" and filtered locally`);
  return fieldExists(field, ctx.rows, ctx.keys);
}

/** IPv4 dotted quad → integer, NULL for anything else. */
function ip4Int(s: string): string {
  const part = (i: number) => `CAST(split_part(${s}, '.', ${i}) AS BIGINT)`;
  return (
    `CASE WHEN regexp_full_match(${s}, '(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}') ` +
    `THEN ${part(1)} * 16777216 + ${part(2)} * 65536 + ${part(3)} * 256 + ${part(4)} END`
  );
}

type OpFn = (field: string, f: EcsFieldRef, ctx: Ctx) => string;

const ordered =
  (op: Exclude<CmpOp, '='>): OpFn =>
  (field, f, ctx) => {
    if (f.transform) return overFetch(field, ctx, `${op} on ${f.transform}(${field})`);
    const v = value(ctx);
    return anyValue(ctx.b, field, (x, t) => compare(ctx.b, x, t, op, v), ctx.rows, ctx.keys);
  };

const OPS: Record<ComparisonOp, OpFn> = {
  '=': (field, f, ctx) => {
    const v = value(ctx);
    if (f.transform) return fullMatch(ctx, field, wrapTransform(f, re2Escape(String(v))));
    return anyValue(ctx.b, field, (x, t) => compare(ctx.b, x, t, '=', v), ctx.rows, ctx.keys);
  },
  '!=': (field, f, ctx) => and([fieldExists(field, ctx.rows, ctx.keys), not(OPS['='](field, f, ctx))]),
  '<': ordered('<'),
  '<=': ordered('<='),
  '>': ordered('>'),
  '>=': ordered('>='),
  IN: (field, f, ctx) => {
    const vs = listValues(ctx);
    if (vs.length === 0) return FALSE;
    if (f.transform)
      return fullMatch(ctx, field, wrapTransform(f, vs.map((v) => re2Escape(String(v))).join('|')));
    return anyValue(
      ctx.b,
      field,
      (x, t) => or(vs.map((v) => compare(ctx.b, x, t, '=', v))),
      ctx.rows,
      ctx.keys,
    );
  },
  LIKE: (field, f, ctx) => {
    const v = String(value(ctx));
    if (!f.transform) {
      const p = ctx.b.param(v);
      return anyValue(ctx.b, field, (x, t) => `${asText(x, t)} LIKE ${p}`, ctx.rows, ctx.keys);
    }
    return fullMatch(ctx, field, wrapTransform(f, likeToRe2(v)));
  },
  MATCHES: (field, f, ctx) => {
    const v = String(value(ctx));
    if (!pcreSupported(v)) return overFetch(field, ctx, `MATCHES '${v}' uses PCRE features RE2 lacks`);
    if (!f.transform) {
      const p = ctx.b.param(v);
      return anyValue(ctx.b, field, (x, t) => `regexp_matches(${asText(x, t)}, ${p})`, ctx.rows, ctx.keys);
    }
    return fullMatch(ctx, field, wrapTransform(f, `.*(?:${v}).*`));
  },
  ISSUBSET: (field, f, ctx) => {
    if (f.transform) return overFetch(field, ctx, `ISSUBSET on ${f.transform}(${field})`);
    const v = String(value(ctx));
    const cidr = parseCidr(v);
    if (!cidr) {
      throw new MappingError('E_SQL_CIDR', `ISSUBSET needs an address or CIDR, not '${v}'`, {
        hint: "e.g. '10.0.0.0/8'",
      });
    }
    if (cidr.v6) return overFetch(field, ctx, `ISSUBSET '${v}' (IPv6)`);
    const size = 2n ** BigInt(32 - cidr.bits);
    const lo = (cidr.addr / size) * size;
    const pl = ctx.b.param(Number(lo));
    const ph = ctx.b.param(Number(lo + size - 1n));
    return anyValue(
      ctx.b,
      field,
      (x, t) => `${ip4Int(asText(x, t))} BETWEEN ${pl} AND ${ph}`,
      ctx.rows,
      ctx.keys,
    );
  },
  ISSUPERSET: (field, f, ctx) => {
    const v = String(value(ctx));
    const m = /^(.*)\/(\d+)$/.exec(v);
    const single = !m || (m[1].includes(':') ? m[2] === '128' : m[2] === '32');
    if (!single) {
      ctx.notes.notes.push(
        `ISSUPERSET '${v}' on ${field}: an address field holds single addresses, none is a superset of a wider network`,
      );
      return FALSE;
    }
    const addr = m ? m[1] : v;
    if (f.transform) return fullMatch(ctx, field, wrapTransform(f, re2Escape(addr)));
    return anyValue(ctx.b, field, (x, t) => compare(ctx.b, x, t, '=', addr), ctx.rows, ctx.keys);
  },
  EXISTS: (field, _f, ctx) => fieldExists(field, ctx.rows, ctx.keys),
};

/** Compiles one comparison against every ECS field its object path maps to. */
export function compileComparison(
  c: Comparison,
  map: FieldMapData,
  b: SqlBuilder,
  notes: WalkNotes,
  rows: RowKind,
  keys?: PresentKeys,
): string {
  const fields = requireFields(map, c.path, 'local');
  const ctx: Ctx = { b, notes, c, rows, keys };
  const fn = OPS[c.op];
  const before = notes.overFetches;
  const q = or(fields.map((f) => fn(f.field, f, ctx)));
  if (notes.overFetches > before && (c.negated || c.op === '!=')) {
    // NOT / != of a superset is no superset: widen to every row that has the field (or to all, under NOT)
    return c.negated ? TRUE : or(fields.map((f) => fieldExists(f.field, rows, keys)));
  }
  return c.negated ? not(q) : q;
}
