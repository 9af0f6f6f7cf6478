/**
 * One STIX comparison → DSL, through the field map: the comparison is tried on every ECS field the object path maps
 * to (OR), each field with its value transform. A `Record<Op, fn>` table gives each operator's leaf query.
 */
import { MappingError, spanAt } from '../../errors/index.ts';
import { requireFields, type EcsFieldRef, type FieldMapData } from '../../mapping/index.ts';
import type { Comparison, ComparisonOp, Literal } from '../../stix/ast.ts';
import {
  and,
  exists,
  matchAll,
  matchNone,
  not,
  or,
  range,
  regexp,
  term,
  terms,
  wildcard,
  type DslQuery,
  type Scalar,
} from './dsl.ts';
import { escapeRegexp, likeToRegexp, likeToWildcard, pcreToLucene } from './lucene-text.ts';

/** Hooks a dialect or a profile may override (Kysely-style: the walk is shared, the leaves are not). */
export interface ElasticHooks {
  /** Rename an ECS field for a given index layout (default: identity). */
  readonly fieldName?: (field: string) => string;
  /**
   * The mapped type of a field (from the indices' mappings), when known. LIKE and MATCHES on a field that is not a
   * string type (an `ip`, a number, a date) cannot be a wildcard/regexp query — the cluster rejects it — so such a
   * comparison is searched as "field exists" and filtered locally.
   */
  readonly fieldType?: (field: string) => string | undefined;
}

const STRING_TYPES = new Set(['keyword', 'text', 'wildcard', 'constant_keyword', 'match_only_text']);

/** What the compiler could not push down exactly; EXPLAIN lists it and the connector evaluates it locally. */
export interface CompileNotes {
  readonly notes: string[];
  /** True when the DSL is a superset of the answer and results must be filtered with the STIX matcher. */
  localFilter: boolean;
  /** How many leaves were over-fetched (a negation of an over-fetch is not a superset: it is widened). */
  overFetches: number;
  /** Comparisons on paths the map does not know: they match nothing (an error if the whole query then can't match). */
  readonly unmapped: MappingError[];
}

interface Ctx {
  readonly map: FieldMapData;
  readonly hooks: ElasticHooks;
  readonly notes: CompileNotes;
  readonly c: Comparison;
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
      return lit.value;
    case 'Bool':
      return lit.value;
    case 'List':
    case 'VarRef':
      throw new MappingError(
        'E_ELASTIC_VALUE',
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

function listValues(c: Comparison): Scalar[] {
  const v = c.value;
  if (!v) return [];
  if (v.kind === 'List') return v.values.map((x) => scalar(x, c));
  return [scalar(v, c)];
}

/** The regexp body matching a whole ECS value whose basename/dirname matches `body`. */
function wrapTransform(f: EcsFieldRef, body: string, rootDir = false): string {
  const sep = '[/\\\\]';
  if (f.transform === 'basename') return `(.*${sep})?(${body})`;
  // dirname: the directory, a separator, one last component; a root directory (`/`, `C:\`) ends with its separator
  return rootDir ? `(${body})[^/\\\\]+` : `(${body})${sep}[^/\\\\]+`;
}

const endsWithSep = (v: unknown): boolean => typeof v === 'string' && /[/\\]$/.test(v);

type OpFn = (field: string, f: EcsFieldRef, ctx: Ctx) => DslQuery;

/** Values per `terms` clause (FIND's batched relation queries can carry tens of thousands of identifiers). */
export const TERMS_CHUNK = 10_000;

function value(ctx: Ctx): Scalar {
  if (!ctx.c.value) throw new MappingError('E_ELASTIC_VALUE', `${ctx.c.op} needs a value`);
  return scalar(ctx.c.value, ctx.c);
}

function overFetch(field: string, ctx: Ctx, why: string): DslQuery {
  ctx.notes.localFilter = true;
  ctx.notes.overFetches++;
  ctx.notes.notes.push(`${why}: searched as "${field} exists" and filtered locally`);
  return exists(field);
}

const OPS: Record<ComparisonOp, OpFn> = {
  '=': (field, f, ctx) => {
    const v = value(ctx);
    if (!f.transform) return term(field, v);
    return regexp(field, wrapTransform(f, escapeRegexp(String(v)), endsWithSep(v)));
  },
  '!=': (field, f, ctx) => and([exists(field), not(OPS['='](field, f, ctx))]),
  '<': (field, f, ctx) =>
    f.transform ? overFetch(field, ctx, `< on ${f.transform}(${field})`) : range(field, { lt: value(ctx) }),
  '<=': (field, f, ctx) =>
    f.transform ? overFetch(field, ctx, `<= on ${f.transform}(${field})`) : range(field, { lte: value(ctx) }),
  '>': (field, f, ctx) =>
    f.transform ? overFetch(field, ctx, `> on ${f.transform}(${field})`) : range(field, { gt: value(ctx) }),
  '>=': (field, f, ctx) =>
    f.transform ? overFetch(field, ctx, `>= on ${f.transform}(${field})`) : range(field, { gte: value(ctx) }),
  IN: (field, f, ctx) => {
    const vs = listValues(ctx.c);
    if (vs.length === 0) return matchNone();
    if (!f.transform) {
      if (vs.length === 1) return term(field, vs[0]);
      if (vs.length <= TERMS_CHUNK) return terms(field, vs);
      // a `terms` query takes at most index.max_terms_count (65,536 by default) values: OR of chunks
      const chunks: DslQuery[] = [];
      for (let i = 0; i < vs.length; i += TERMS_CHUNK)
        chunks.push(terms(field, vs.slice(i, i + TERMS_CHUNK)));
      return or(chunks);
    }
    if (f.transform === 'dirname' && vs.some(endsWithSep)) {
      return or(vs.map((v) => regexp(field, wrapTransform(f, escapeRegexp(String(v)), endsWithSep(v)))));
    }
    const out: DslQuery[] = [];
    for (let i = 0; i < vs.length; i += 1000) {
      out.push(
        regexp(
          field,
          wrapTransform(
            f,
            vs
              .slice(i, i + 1000)
              .map((v) => escapeRegexp(String(v)))
              .join('|'),
          ),
        ),
      );
    }
    return or(out);
  },
  LIKE: (field, f, ctx) => {
    const v = String(value(ctx));
    const type = ctx.hooks.fieldType?.(field);
    if (type !== undefined && !STRING_TYPES.has(type))
      return overFetch(field, ctx, `LIKE on ${field} (mapped as ${type})`);
    if (!f.transform) return wildcard(field, likeToWildcard(v));
    return regexp(field, wrapTransform(f, likeToRegexp(v)));
  },
  MATCHES: (field, f, ctx) => {
    const v = String(value(ctx));
    const type = ctx.hooks.fieldType?.(field);
    if (type !== undefined && !STRING_TYPES.has(type))
      return overFetch(field, ctx, `MATCHES on ${field} (mapped as ${type})`);
    const re = pcreToLucene(v);
    if (re === undefined)
      return overFetch(field, ctx, `MATCHES '${v}' uses PCRE features Lucene regexps lack`);
    return regexp(field, f.transform ? wrapTransform(f, re.body) : re.body, re.caseInsensitive);
  },
  // an address field is a subset of a CIDR: `term` on an ip field takes CIDR notation
  ISSUBSET: (field, f, ctx) =>
    f.transform ? overFetch(field, ctx, `ISSUBSET on ${f.transform}(${field})`) : term(field, value(ctx)),
  // a single address is a superset of a CIDR only when the CIDR is that one address
  ISSUPERSET: (field, f, ctx) => {
    const v = String(value(ctx));
    const m = /^(.*)\/(\d+)$/.exec(v);
    const single = !m || (m[1].includes(':') ? m[2] === '128' : m[2] === '32');
    if (!single) {
      ctx.notes.notes.push(
        `ISSUPERSET '${v}': address fields hold single addresses, none is a superset of a wider network`,
      );
      return matchNone();
    }
    return term(field, m ? m[1] : v);
  },
  EXISTS: (field) => exists(field),
};

const IP_FIELD = /(^|\.)(ip|resolved_ip|forwarded_ip)$/;
const IP_OR_CIDR = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(\/\d{1,3})?$/;

function validIp(v: unknown): boolean {
  if (typeof v !== 'string' || !IP_OR_CIDR.test(v)) return false;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(v);
  return !v4 || v4.slice(1, 5).every((o) => Number(o) <= 255);
}

/**
 * An address field holds IP addresses: a value that is not one can match no document, and would make the cluster
 * reject the whole search ("is not an IP string literal") — so it becomes match_none, with a note.
 */
function ipGuard(field: string, ctx: Ctx): DslQuery | undefined {
  if (!IP_FIELD.test(field) || !['=', '!=', 'IN', 'ISSUBSET', 'ISSUPERSET'].includes(ctx.c.op))
    return undefined;
  const vs =
    ctx.c.value?.kind === 'List'
      ? ctx.c.value.values.map((x) => ('value' in x ? x.value : undefined))
      : [ctx.c.value && 'value' in ctx.c.value ? ctx.c.value.value : undefined];
  if (vs.every(validIp)) return undefined;
  if (ctx.c.op === 'IN' && vs.some(validIp)) return undefined;
  ctx.notes.notes.push(
    `${vs
      .filter((v) => !validIp(v))
      .map((v) => `'${String(v)}'`)
      .join(', ')} is not an IP address: no address field can hold it`,
  );
  return ctx.c.op === '!=' ? exists(field) : matchNone();
}

/** Compiles one comparison against every ECS field its object path maps to. */
export function compileComparison(
  c: Comparison,
  map: FieldMapData,
  hooks: ElasticHooks,
  notes: CompileNotes,
  text?: string,
): DslQuery {
  let fields;
  try {
    fields = requireFields(map, c.path);
  } catch (e) {
    if (!(e instanceof MappingError) || e.code !== 'E_UNMAPPED_PATH') throw e;
    const err =
      text !== undefined && !e.span
        ? e.withSpan(spanAt('<pattern>', text, c.path.span.start, c.path.span.end - c.path.span.start))
        : e;
    notes.unmapped.push(err);
    notes.notes.push(`${err.message}: that comparison matches nothing`);
    return c.negated ? matchAll() : matchNone();
  }
  const ctx: Ctx = { map, hooks, notes, c };
  const rename = hooks.fieldName ?? ((f: string) => f);
  const fn = OPS[c.op];
  const leaf = (f: EcsFieldRef): DslQuery => {
    const guarded = ipGuard(f.field, ctx);
    if (guarded) return guarded;
    const field = rename(f.field);
    // an analysed text field without a keyword sub-field holds tokens, not values: exact matching happens locally
    if (c.op !== 'EXISTS' && hooks.fieldType?.(field) === 'text')
      return overFetch(field, ctx, `${c.op} on ${field} (analysed text)`);
    return fn(field, f, ctx);
  };
  const before = notes.overFetches;
  const q = or(fields.map(leaf));
  if (notes.overFetches > before && (c.negated || c.op === '!=')) {
    // NOT / != of a superset is no superset: widen to every document that has the field (or to all, under NOT)
    return c.negated ? matchAll() : or(fields.map((f) => exists(rename(f.field))));
  }
  return c.negated ? not(q) : q;
}
