/**
 * One STIX comparison → DSL, through the field map: the comparison is tried on every ECS field the object path maps
 * to (OR), each field with its value transform. A `Record<Op, fn>` table gives each operator's leaf query; the rules
 * around the leaves (operands, over-fetching, `!=` and NOT) are the ones the SQL backend uses, in `../shared/`.
 */
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
import type { LeafCtx, LeafDialect, OpFn, OpTable, WalkNotes } from '../shared/index.ts';
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
  /** The most values one `terms` clause may carry: the indices' `index.max_terms_count` (default {@link TERMS_CHUNK}). */
  readonly maxTerms?: number;
}

const STRING_TYPES = new Set(['keyword', 'text', 'wildcard', 'constant_keyword', 'match_only_text']);

/** What the compiler could not push down exactly: the walker's notes, and the comparisons on unmapped paths. */
export interface CompileNotes {
  readonly walk: WalkNotes;
  /** Comparisons on paths the map does not know: they match nothing (an error if the whole query then can't match). */
  readonly unmapped: MappingError[];
}

interface Ctx extends LeafCtx {
  readonly hooks: ElasticHooks;
}

const DSL: LeafDialect<DslQuery, Ctx> = {
  and,
  or,
  not,
  all: matchAll,
  exists: (field) => exists(field),
};
const { acrossFields, notEqual, overFetch, untransformed } = leafRules(DSL);

/** The regexp body matching a whole ECS value whose basename/dirname matches `body`. */
function wrapTransform(f: EcsFieldRef, body: string, rootDir = false): string {
  const sep = '[/\\\\]';
  if (f.transform === 'basename') return `(.*${sep})?(${body})`;
  // dirname: the directory, a separator, one last component; a root directory (`/`, `C:\`) ends with its separator
  return rootDir ? `(${body})[^/\\\\]+` : `(${body})${sep}[^/\\\\]+`;
}

const endsWithSep = (v: unknown): boolean => typeof v === 'string' && /[/\\]$/.test(v);

/** Values per `terms` clause (FIND's batched relation queries can carry tens of thousands of identifiers). */
export const TERMS_CHUNK = 10_000;

/** The longest regexp sent in one query (OpenSearch's `index.max_regex_length` is 1,000 by default). */
const MAX_REGEXP = 900;

/** Regexp bodies joined by `|` into as few queries as keep each under {@link MAX_REGEXP} characters. */
function regexpChunks(field: string, bodies: readonly string[], wrap: (joined: string) => string): DslQuery {
  const out: DslQuery[] = [];
  let cur: string[] = [];
  let len = 0;
  for (const b of bodies) {
    if (cur.length && len + b.length + 1 > MAX_REGEXP) {
      out.push(regexp(field, wrap(cur.join('|'))));
      cur = [];
      len = 0;
    }
    cur.push(b);
    len += b.length + 1;
  }
  if (cur.length) out.push(regexp(field, wrap(cur.join('|'))));
  return out.length === 1 ? out[0] : or(out);
}

const equals: OpFn<DslQuery, Ctx> = (field, f, ctx) => {
  const v = operand(ctx);
  if (!f.transform) return term(field, v);
  if (f.transform === 'registryKey') return regexp(field, registryPathBody(String(v), escapeRegexp));
  return regexp(field, wrapTransform(f, escapeRegexp(String(v)), endsWithSep(v)));
};

const OPS: OpTable<DslQuery, Ctx> = {
  '=': equals,
  '!=': notEqual(equals),
  '<': untransformed('<', (field, ctx) => range(field, { lt: operand(ctx) })),
  '<=': untransformed('<=', (field, ctx) => range(field, { lte: operand(ctx) })),
  '>': untransformed('>', (field, ctx) => range(field, { gt: operand(ctx) })),
  '>=': untransformed('>=', (field, ctx) => range(field, { gte: operand(ctx) })),
  IN: (field, f, ctx) => {
    const vs = operands(ctx);
    if (vs.length === 0) return matchNone();
    if (!f.transform) {
      if (vs.length === 1) return term(field, vs[0]);
      const chunk = Math.max(1, Math.min(TERMS_CHUNK, ctx.hooks.maxTerms ?? TERMS_CHUNK));
      if (vs.length <= chunk) return terms(field, vs);
      // a `terms` query takes at most index.max_terms_count (65,536 by default) values: OR of chunks
      const chunks: DslQuery[] = [];
      for (let i = 0; i < vs.length; i += chunk) chunks.push(terms(field, vs.slice(i, i + chunk)));
      return or(chunks);
    }
    if (f.transform === 'registryKey')
      return regexpChunks(
        field,
        vs.map((v) => registryPathBody(String(v), escapeRegexp)),
        (j) => j,
      );
    if (f.transform === 'dirname' && vs.some(endsWithSep)) {
      return or(vs.map((v) => regexp(field, wrapTransform(f, escapeRegexp(String(v)), endsWithSep(v)))));
    }
    return regexpChunks(
      field,
      vs.map((v) => escapeRegexp(String(v))),
      (j) => wrapTransform(f, j),
    );
  },
  LIKE: (field, f, ctx) => {
    const v = String(operand(ctx));
    const type = ctx.hooks.fieldType?.(field);
    if (type !== undefined && !STRING_TYPES.has(type))
      return overFetch(field, ctx, `LIKE on ${field} (mapped as ${type})`);
    if (!f.transform) return wildcard(field, likeToWildcard(v));
    if (f.transform === 'registryKey') return regexp(field, registryPathBody(v, likeToRegexp));
    return regexp(field, wrapTransform(f, likeToRegexp(v)));
  },
  MATCHES: (field, f, ctx) => {
    const v = String(operand(ctx));
    const type = ctx.hooks.fieldType?.(field);
    if (type !== undefined && !STRING_TYPES.has(type))
      return overFetch(field, ctx, `MATCHES on ${field} (mapped as ${type})`);
    if (f.transform === 'registryKey') return overFetch(field, ctx, `MATCHES on a registry key`);
    const re = pcreToLucene(v);
    if (re === undefined)
      return overFetch(field, ctx, `MATCHES '${v}' uses PCRE features Lucene regexps lack`);
    return regexp(field, f.transform ? wrapTransform(f, re.body) : re.body, re.caseInsensitive);
  },
  // an address field is a subset of a CIDR: `term` on an ip field takes CIDR notation
  ISSUBSET: untransformed('ISSUBSET', (field, ctx) => term(field, operand(ctx))),
  // a single address is a superset of a CIDR only when the CIDR is that one address
  ISSUPERSET: (field, _f, ctx) => {
    const v = String(operand(ctx));
    const addr = singleAddress(v);
    if (addr === undefined) {
      ctx.notes.notes.push(
        `ISSUPERSET '${v}': address fields hold single addresses, none is a superset of a wider network`,
      );
      return matchNone();
    }
    return term(field, addr);
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
  const fields = mappedFields(map, c, 'elastic_ecs', text);
  if (fields instanceof MappingError) {
    notes.unmapped.push(fields);
    notes.walk.notes.push(`${fields.message}: that comparison matches nothing`);
    return c.negated ? matchAll() : matchNone();
  }
  const ctx: Ctx = { c, notes: notes.walk, valueCode: 'E_ELASTIC_VALUE', hooks };
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
  return acrossFields(ctx, fields, leaf, (f) => rename(f.field));
}
