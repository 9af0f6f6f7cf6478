/**
 * The local matcher: an {@link Expr} compiled once into a predicate over an {@link EventView}. Everything that does
 * not depend on the event is decided at compile time (lower-cased literals, compiled globs and RE2 patterns, parsed
 * networks); per event, each field's values are read, flattened and lower-cased once and shared by every test and
 * every rule evaluated on that event.
 *
 * Semantics (Sigma's): plain values compare case-insensitively unless `cased`; a field holding an array passes when
 * any element does; an absent field fails every test but `null` and `exists: false`; `re` searches anywhere in the
 * value with RE2; numbers compare numerically (`eq` also by text); keywords pass when any value of the event does.
 */
import { allOf, anyOf, cidrContains, parseCidr } from '../common/index.ts';
import { compileRegex } from '../common/regex.ts';
import { compileGlob, globMatch } from './glob-match.ts';
import { visit, type Expr, type Match, type StringOp } from './ir.ts';

/** How the matcher reads an event: one field by name, and every value (for keywords). */
export interface EventSource {
  field(name: string): unknown;
  values(): Iterable<unknown>;
}

const NONE: readonly never[] = Object.freeze([]);
/** The cache entry of every absent field (shared, frozen: nothing is ever written to it). */
const ABSENT: FieldCache = Object.freeze({ raw: NONE, text: NONE, low: NONE });

/** What the view caches of one field. */
interface FieldCache {
  raw: readonly unknown[];
  text?: readonly string[];
  low?: readonly string[];
}

/** One event with per-field caches; make one per event and evaluate any number of rules on it. */
export class EventView {
  private readonly cache = new Map<string, FieldCache>();
  private every: readonly string[] | undefined;
  private everyLow: readonly string[] | undefined;

  constructor(readonly source: EventSource) {}

  private entry(field: string): FieldCache {
    let c = this.cache.get(field);
    if (c === undefined) {
      const x = this.source.field(field);
      // an absent field (the usual case: most fields a rule set names are not in a given event) allocates nothing
      c =
        x === undefined || x === null
          ? ABSENT
          : { raw: Array.isArray(x) ? x.filter((e) => e !== null && e !== undefined) : [x] };
      this.cache.set(field, c);
    }
    return c;
  }

  /** The field's values: `[]` when absent or null, the elements when an array. */
  values(field: string): readonly unknown[] {
    return this.entry(field).raw;
  }

  /** The field's scalar values as text (objects are not text). */
  strings(field: string): readonly string[] {
    const c = this.entry(field);
    return (c.text ??= c.raw === NONE ? NONE : textOf(c.raw));
  }

  /** {@link strings}, lower-cased. */
  lower(field: string): readonly string[] {
    const c = this.entry(field);
    if (c.low === undefined) {
      const s = c.text ?? (c.text = c.raw === NONE ? NONE : textOf(c.raw));
      c.low = s.length === 0 ? NONE : s.length === 1 ? [s[0].toLowerCase()] : s.map((x) => x.toLowerCase());
    }
    return c.low;
  }

  /** Every scalar value of the event as text (for keywords). */
  all(lower: boolean): readonly string[] {
    this.every ??= textOf(flatten(this.source.values()));
    if (!lower) return this.every;
    this.everyLow ??= this.every.map((s) => s.toLowerCase());
    return this.everyLow;
  }
}

function textOf(values: Iterable<unknown>): string[] {
  const out: string[] = [];
  for (const x of values) {
    if (typeof x === 'string') out.push(x);
    else if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') out.push(String(x));
  }
  return out;
}

function* flatten(values: Iterable<unknown>): Iterable<unknown> {
  for (const v of values) {
    if (Array.isArray(v)) yield* flatten(v);
    else if (v && typeof v === 'object') yield* flatten(Object.values(v));
    else yield v;
  }
}

export type Predicate = (ev: EventView) => boolean;

const STRING_TESTS: Record<StringOp, (v: string, lit: string) => boolean> = {
  eq: (v, lit) => v === lit,
  contains: (v, lit) => v.includes(lit),
  startswith: (v, lit) => v.startsWith(lit),
  endswith: (v, lit) => v.endsWith(lit),
};

function some(values: readonly string[], f: (s: string) => boolean): boolean {
  for (let i = 0; i < values.length; i++) if (f(values[i])) return true;
  return false;
}

function toNumber(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  if (typeof x === 'string' && x.trim() !== '') return Number(x);
  return NaN;
}

type StringTest = (s: string) => boolean;

/** A test of one string value (what both field tests and keywords use). */
function stringTest(m: Match & { kind: 'str' | 'glob' | 're' }): { test: StringTest; lower: boolean } {
  switch (m.kind) {
    case 'str': {
      const lit = m.cased ? m.value : m.value.toLowerCase();
      const f = STRING_TESTS[m.op];
      return { test: m.op === 'eq' ? (s) => s === lit : (s) => f(s, lit), lower: !m.cased };
    }
    case 'glob': {
      const g = compileGlob(m.tokens, !m.cased);
      return { test: (s) => globMatch(g, s), lower: !m.cased };
    }
    case 're': {
      const re = compileRegex(m.pattern, m.flags);
      return { test: (s) => re.test(s), lower: false };
    }
  }
}

type MatchCompiler = {
  readonly [K in Match['kind']]: (field: string, m: Extract<Match, { kind: K }>) => Predicate;
};

const MATCHES: MatchCompiler = {
  str: (field, m) => {
    const { test, lower } = stringTest(m);
    return lower ? (ev) => some(ev.lower(field), test) : (ev) => some(ev.strings(field), test);
  },
  glob: (field, m) => {
    const { test, lower } = stringTest(m);
    return lower ? (ev) => some(ev.lower(field), test) : (ev) => some(ev.strings(field), test);
  },
  re: (field, m) => {
    const { test } = stringTest(m);
    return (ev) => some(ev.strings(field), test);
  },
  cidr: (field, m) => {
    const net = parseCidr(m.network)!;
    return (ev) =>
      some(ev.strings(field), (s) => {
        const a = parseCidr(s);
        return a !== undefined && !s.includes('/') && cidrContains(net, a);
      });
  },
  num: (field, m) => {
    const v = m.value;
    const cmp: (x: number) => boolean =
      m.op === 'eq'
        ? (x) => x === v
        : m.op === 'lt'
          ? (x) => x < v
          : m.op === 'lte'
            ? (x) => x <= v
            : m.op === 'gt'
              ? (x) => x > v
              : (x) => x >= v;
    const text = m.text.toLowerCase();
    return (ev) => {
      for (const x of ev.values(field)) {
        if (cmp(toNumber(x))) return true;
        if (m.op === 'eq' && typeof x === 'string' && x.toLowerCase() === text) return true;
      }
      return false;
    };
  },
  bool: (field, m) => {
    const text = String(m.value);
    return (ev) =>
      ev.values(field).some((x) => x === m.value || (typeof x === 'string' && x.toLowerCase() === text));
  },
  null: (field) => (ev) => ev.values(field).length === 0,
  exists: (field, m) => (ev) => ev.values(field).length > 0 === m.value,
  fieldref: (field, m) => {
    const f = STRING_TESTS[m.op];
    return (ev) => {
      const a = m.cased ? ev.strings(field) : ev.lower(field);
      const b = m.cased ? ev.strings(m.other) : ev.lower(m.other);
      return a.some((x) => b.some((y) => f(x, y)));
    };
  },
};

/** Compiles a detection expression into a predicate. @throws ParseError for a regex RE2 cannot run (checked at lowering). */
export function compileExpr(e: Expr): Predicate {
  return visit<Predicate>(
    {
      and: (x) => allOf(x.args.map(compileExpr)),
      or: (x) => anyOf(x.args.map(compileExpr)),
      not: (x) => {
        const p = compileExpr(x.arg);
        return (ev) => !p(ev);
      },
      const: (x) => (x.value ? () => true : () => false),
      test: (x) => (MATCHES[x.match.kind] as (f: string, m: Match) => Predicate)(x.field, x.match),
      keyword: (x) => {
        const { test, lower } = stringTest(x.match);
        return (ev) => some(ev.all(lower), test);
      },
    },
    e,
  );
}
