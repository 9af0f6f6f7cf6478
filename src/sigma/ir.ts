/**
 * The backend-neutral detection IR: a rule's condition with every search inlined and every modifier applied, as a
 * boolean tree over field tests. Field names are still Sigma's (`Image`, `CommandLine`); a field mapping
 * (`mapping/`) renames them for a target. Everything downstream starts here: the local matcher (`match.ts`), the
 * literal index (`rule-index.ts`), the STIX compiler (`to-stix.ts`) and the SysFlow policy adapter.
 *
 * Frozen plain data with a closed `kind` union (house rule 2). String tests are normalised: a value whose only
 * wildcards are a leading/trailing `*` becomes `contains`/`startswith`/`endswith`/`eq` of a plain literal; other
 * wildcards stay a `glob`. Plain matching is case-insensitive unless `cased`.
 */
import type { Span } from './ast.ts';

/** One token of a glob: literal text, or `*` (any run of characters) / `?` (exactly one character). */
export type GlobToken = string | { readonly wild: '*' | '?' };

export type StringOp = 'eq' | 'contains' | 'startswith' | 'endswith';
export type NumberOp = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

export type Match =
  /** The value equals / contains / starts / ends with `value`. */
  | { readonly kind: 'str'; readonly op: StringOp; readonly value: string; readonly cased: boolean }
  /** The value matches the whole glob. */
  | { readonly kind: 'glob'; readonly tokens: readonly GlobToken[]; readonly cased: boolean }
  /** RE2 regular expression, searched anywhere in the value. */
  | {
      readonly kind: 're';
      readonly pattern: string;
      readonly flags: { readonly ignoreCase: boolean; readonly multiline: boolean; readonly dotAll: boolean };
    }
  /** The value is an IP address inside the network. */
  | { readonly kind: 'cidr'; readonly network: string }
  /** Numeric comparison; `eq` also matches the number's text (`EventID: 1` matches `"1"`). */
  | { readonly kind: 'num'; readonly op: NumberOp; readonly value: number; readonly text: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** The field is absent or null (`Field: null`). */
  | { readonly kind: 'null' }
  /** `Field|exists: true/false`. */
  | { readonly kind: 'exists'; readonly value: boolean }
  /** The value compared with another field's value of the same event (`|fieldref`). */
  | { readonly kind: 'fieldref'; readonly op: StringOp; readonly other: string; readonly cased: boolean };

export type MatchKind = Match['kind'];

/** A test of one field. A field holding several values (an array) passes when any of them does. */
export interface Test {
  readonly kind: 'test';
  readonly field: string;
  readonly match: Match;
  readonly span: Span;
}

/** A field-less value: passes when any string value of the event passes `match` (a `str` or `glob` match). */
export interface Keyword {
  readonly kind: 'keyword';
  readonly match: Match & { readonly kind: 'str' | 'glob' | 're' };
  readonly span: Span;
}

export interface And {
  readonly kind: 'and';
  readonly args: readonly Expr[];
}
export interface Or {
  readonly kind: 'or';
  readonly args: readonly Expr[];
}
export interface Not {
  readonly kind: 'not';
  readonly arg: Expr;
}
/** A constant (an `or` of nothing, a placeholder expanding to no value). */
export interface Const {
  readonly kind: 'const';
  readonly value: boolean;
}

export type Expr = And | Or | Not | Const | Test | Keyword;
export type ExprKind = Expr['kind'];

/** Builders that keep the tree small: nested and/or flatten, constants fold, one argument stands alone. */
export const Expr = {
  and(args: readonly Expr[]): Expr {
    const out: Expr[] = [];
    for (const a of args) {
      if (a.kind === 'const') {
        if (!a.value) return FALSE;
        continue;
      }
      if (a.kind === 'and') out.push(...a.args);
      else out.push(a);
    }
    return out.length === 0 ? TRUE : out.length === 1 ? out[0] : { kind: 'and', args: out };
  },
  or(args: readonly Expr[]): Expr {
    const out: Expr[] = [];
    for (const a of args) {
      if (a.kind === 'const') {
        if (a.value) return TRUE;
        continue;
      }
      if (a.kind === 'or') out.push(...a.args);
      else out.push(a);
    }
    return out.length === 0 ? FALSE : out.length === 1 ? out[0] : { kind: 'or', args: out };
  },
  not(arg: Expr): Expr {
    if (arg.kind === 'const') return arg.value ? FALSE : TRUE;
    if (arg.kind === 'not') return arg.arg;
    return { kind: 'not', arg };
  },
  test(field: string, match: Match, span: Span): Test {
    return { kind: 'test', field, match, span };
  },
};

export const TRUE: Const = Object.freeze({ kind: 'const', value: true });
export const FALSE: Const = Object.freeze({ kind: 'const', value: false });

/** A dispatch table over expression kinds (a new kind breaks `tsc` until every walker handles it). */
export type ExprVisitor<R> = { readonly [K in ExprKind]: (e: Extract<Expr, { kind: K }>) => R };

export function visit<R>(table: ExprVisitor<R>, e: Expr): R {
  return (table[e.kind] as (x: Expr) => R)(e);
}

/** Every field a detection reads (tests and field references), in first-seen order. */
export function fieldsOf(e: Expr, out: Set<string> = new Set()): Set<string> {
  visit<void>(
    {
      and: (x) => x.args.forEach((a) => fieldsOf(a, out)),
      or: (x) => x.args.forEach((a) => fieldsOf(a, out)),
      not: (x) => void fieldsOf(x.arg, out),
      const: () => undefined,
      keyword: () => undefined,
      test: (x) => {
        out.add(x.field);
        if (x.match.kind === 'fieldref') out.add(x.match.other);
      },
    },
    e,
  );
  return out;
}

/** The same tree with every field renamed by `rename` (a field mapping); `undefined` keeps the name. */
export function renameFields(e: Expr, rename: (field: string) => string | undefined): Expr {
  const r = (f: string): string => rename(f) ?? f;
  return visit<Expr>(
    {
      and: (x) => ({ kind: 'and', args: x.args.map((a) => renameFields(a, rename)) }),
      or: (x) => ({ kind: 'or', args: x.args.map((a) => renameFields(a, rename)) }),
      not: (x) => ({ kind: 'not', arg: renameFields(x.arg, rename) }),
      const: (x) => x,
      keyword: (x) => x,
      test: (x) => ({
        ...x,
        field: r(x.field),
        match: x.match.kind === 'fieldref' ? { ...x.match, other: r(x.match.other) } : x.match,
      }),
    },
    e,
  );
}
