/**
 * What the comparison compilers of the search backends share. Each backend keeps its own `Record<ComparisonOp, fn>`
 * table of leaves (house rule 3: a DSL query, a SQL test); the rules around the leaves are written here once, so the
 * Elastic DSL and the DuckDB SQL select the same documents:
 * - the operand: a literal as one value, a list (or one value) for IN; lists and variable references elsewhere are
 *   typed errors;
 * - the field map: a comparison is tried on every ECS field its object path maps to (OR);
 * - over-fetching: a leaf a backend cannot express exactly becomes "the field exists" plus a local filter;
 * - `!=` and NOT: a comparison on a missing field is false either way, and the negation of an over-fetch (a
 *   superset) is no superset, so it is widened.
 */
import { MappingError, spanAt } from '../../errors/index.ts';
import { requireFields, type EcsFieldRef, type FieldMapData } from '../../mapping/index.ts';
import type { Comparison, ComparisonOp, Literal } from '../../stix/ast.ts';
import type { WalkNotes } from './walk.ts';

export type Scalar = string | number | boolean;

/** What every leaf sees; a backend's context extends it with its own handles (a parameter builder, hooks). */
export interface LeafCtx {
  readonly c: Comparison;
  readonly notes: WalkNotes;
  /** The error code of a bad operand in this backend (e.g. `E_SQL_VALUE`). */
  readonly valueCode: string;
}

/** A backend's boolean algebra over its query values, and its "field has a value" (Elastic's `exists`). */
export interface LeafDialect<Q, C extends LeafCtx> {
  readonly and: (qs: readonly Q[]) => Q;
  readonly or: (qs: readonly Q[]) => Q;
  readonly not: (q: Q) => Q;
  readonly all: () => Q;
  readonly exists: (field: string, ctx: C) => Q;
}

/** One operator's leaf on one mapped field (`field` is the name the backend queries, `f` the map's entry). */
export type OpFn<Q, C extends LeafCtx> = (field: string, f: EcsFieldRef, ctx: C) => Q;

/** A backend's leaf table: every operator, checked by `tsc`. */
export type OpTable<Q, C extends LeafCtx> = Record<ComparisonOp, OpFn<Q, C>>;

function scalar(lit: Literal, ctx: LeafCtx): Scalar {
  switch (lit.kind) {
    case 'String':
    case 'Timestamp':
    case 'Hex':
    case 'Binary':
    case 'Int':
    case 'Float':
    case 'Bool':
      return lit.value;
    case 'List':
    case 'VarRef':
      throw new MappingError(
        ctx.valueCode,
        `${ctx.c.op} does not take a ${lit.kind === 'List' ? 'list' : 'variable reference'} here`,
        {
          hint:
            lit.kind === 'VarRef'
              ? 'variable references are resolved by the hunt runtime before a query reaches a data source'
              : undefined,
        },
      );
  }
}

/** The comparison's one value. */
export function operand(ctx: LeafCtx): Scalar {
  if (!ctx.c.value) throw new MappingError(ctx.valueCode, `${ctx.c.op} needs a value`);
  return scalar(ctx.c.value, ctx);
}

/** The values of an IN list (one value stands for a list of one). */
export function operands(ctx: LeafCtx): Scalar[] {
  const v = ctx.c.value;
  if (!v) return [];
  if (v.kind === 'List') return v.values.map((x) => scalar(x, ctx));
  return [scalar(v, ctx)];
}

/**
 * STIX LIKE (`%` any run, `_` one character) in a backend's pattern language: `any` and `one` for the two wildcards,
 * every other character through the language's `escape`.
 */
export function likePattern(like: string, any: string, one: string, escape: (ch: string) => string): string {
  let out = '';
  for (const ch of like) {
    if (ch === '%') out += any;
    else if (ch === '_') out += one;
    else out += escape(ch);
  }
  return out;
}

/**
 * The address of an ISSUPERSET operand when it names a single address (`a`, `a/32`, `a/128`), else undefined: an
 * address field holds single addresses, and none is a superset of a wider network.
 */
export function singleAddress(v: string): string | undefined {
  const m = /^(.*)\/(\d+)$/.exec(v);
  if (!m) return v;
  return (m[1].includes(':') ? m[2] === '128' : m[2] === '32') ? m[1] : undefined;
}

/** Registry hives a STIX key spells out, and the abbreviation Sysmon (so ECS `registry.path`) writes. */
const HIVE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  HKEY_LOCAL_MACHINE: 'HKLM',
  HKEY_USERS: 'HKU',
  HKEY_CURRENT_USER: 'HKCU',
  HKEY_CLASSES_ROOT: 'HKCR',
  HKEY_CURRENT_CONFIG: 'HKCC',
};

/**
 * The regexp body (whole value; Lucene and RE2 alike) of the ECS `registry.path` values whose registry key is `key`
 * (STIX form: the hive spelled out, no value name): the hive in either spelling, the rest of the key through `body`
 * (an escape, or a LIKE translation), then at most one more component (a value name). A superset — `HKLM\A\B`
 * under key `HKEY_LOCAL_MACHINE\A` is a subkey, not a value — so results are filtered locally.
 */
export function registryPathBody(key: string, body: (s: string) => string): string {
  const m = /^(HKEY_[A-Za-z_]+)(?=\\|$)/.exec(key);
  const full = m?.[1].toUpperCase();
  const abbr = full ? HIVE_ABBREVIATIONS[full] : undefined;
  if (!m || !abbr) return `(${body(key)})(\\\\[^\\\\]*)?`;
  return `(${full}|${abbr})(${body(key.slice(m[1].length))})(\\\\[^\\\\]*)?`;
}

/** The rules around a backend's leaves, bound to its dialect. */
export interface LeafRules<Q, C extends LeafCtx> {
  /** A leaf the backend cannot express exactly: "the field exists" (a superset), noted, and filtered locally. */
  readonly overFetch: (field: string, ctx: C, why: string) => Q;
  /** `!=`: the field has a value and `=` does not hold. */
  readonly notEqual: (eq: OpFn<Q, C>) => OpFn<Q, C>;
  /** An operator with no meaning on a transformed value (an order, a CIDR on a basename): over-fetched there. */
  readonly untransformed: (op: ComparisonOp, leaf: (field: string, ctx: C) => Q) => OpFn<Q, C>;
  /**
   * The comparison over every mapped field: the leaves OR-ed, then NOT. NOT / `!=` of an over-fetched leaf is no
   * superset: it is widened to every document that has one of the fields (`!=`, each named by `name`) or to all
   * documents (NOT).
   */
  readonly acrossFields: (
    ctx: C,
    fields: readonly EcsFieldRef[],
    leaf: (f: EcsFieldRef) => Q,
    name?: (f: EcsFieldRef) => string,
  ) => Q;
}

/** The shared rules for a backend's dialect (each backend calls it once, beside its leaf table). */
export function leafRules<Q, C extends LeafCtx>(d: LeafDialect<Q, C>): LeafRules<Q, C> {
  const overFetch = (field: string, ctx: C, why: string): Q => {
    ctx.notes.localFilter = true;
    ctx.notes.overFetches++;
    ctx.notes.notes.push(`${why}: searched as "${field} exists" and filtered locally`);
    return d.exists(field, ctx);
  };
  return {
    overFetch,
    notEqual: (eq) => (field, f, ctx) => d.and([d.exists(field, ctx), d.not(eq(field, f, ctx))]),
    untransformed: (op, leaf) => (field, f, ctx) =>
      f.transform ? overFetch(field, ctx, `${op} on ${f.transform}(${field})`) : leaf(field, ctx),
    acrossFields: (ctx, fields, leaf, name = (f) => f.field) => {
      const { c, notes } = ctx;
      const before = notes.overFetches;
      for (const f of fields) {
        if (f.exact !== false && f.transform !== 'registryKey') continue;
        // a superset of the matching documents: the results are checked against the pattern locally
        notes.localFilter = true;
        notes.overFetches++;
        notes.notes.push(
          `${f.transform === 'registryKey' ? `a registry key (searched in ${f.field})` : `${f.field} (one of several fields the attribute may come from)`}: candidates filtered locally`,
        );
      }
      const q = d.or(fields.map(leaf));
      if (notes.overFetches > before && (c.negated || c.op === '!=')) {
        return c.negated ? d.all() : d.or(fields.map((f) => d.exists(name(f), ctx)));
      }
      return c.negated ? d.not(q) : q;
    },
  };
}

/**
 * The ECS fields an object path maps to, or the E_UNMAPPED_PATH error (positioned in `text`, the pattern, when
 * given) for the backend to raise or tolerate.
 */
export function mappedFields(
  map: FieldMapData,
  c: Comparison,
  backend: string,
  text?: string,
): readonly EcsFieldRef[] | MappingError {
  try {
    return requireFields(map, c.path, backend);
  } catch (e) {
    if (!(e instanceof MappingError) || e.code !== 'E_UNMAPPED_PATH') throw e;
    return text !== undefined && !e.span
      ? e.withSpan(spanAt('<pattern>', text, c.path.span.start, c.path.span.end - c.path.span.start))
      : e;
  }
}
