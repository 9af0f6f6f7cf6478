/**
 * Hunting with a rule: a rule's detection as a STIX pattern over the STIX paths of the product's mapping — the
 * pattern the search backends already compile (Elasticsearch DSL, the store's SQL, the hunt cache) — plus what the
 * pattern cannot say, which the hunt evaluates locally on the fetched documents with the rule itself.
 *
 * The pattern is a superset of the rule's matches (never a subset): a test without an exact STIX form widens to
 * "no constraint" (an `or` containing one widens entirely, an `and` drops it), and a widened test is never negated.
 * `exact` says whether the pattern alone is the answer. Sigma's case-insensitive values become anchored `MATCHES
 * '(?i)…'` (STIX `=` is case-sensitive); a field mapped to a basename (`Image` ↔ `process:binary_ref.name`) keeps
 * only what its last path component must be, and is then always re-checked locally.
 */
import { escapeRegex, inlineFlags } from '../common/regex.ts';
import { lookupFields, stixEcsMap } from '../mapping/index.ts';
import { parsePattern, quoteString, type Pattern } from '../stix/index.ts';
import type { GlobToken, Match } from './ir.ts';
import { visit, type Expr } from './ir.ts';
import { fieldTarget, type ResolvedLogsource } from './mapping/resolve.ts';
import { printMatch } from './print.ts';
import type { CompiledRule } from './rule.ts';

/** A comparison in text form, with its negation kept apart so a whole tree can be negated (De Morgan). */
type S =
  | {
      readonly kind: 'cmp';
      readonly path: string;
      readonly op: string;
      readonly value?: string;
      readonly negated: boolean;
    }
  | { readonly kind: 'and' | 'or'; readonly args: readonly S[] }
  | { readonly kind: 'true' | 'false' };

const TRUE: S = { kind: 'true' };
const FALSE: S = { kind: 'false' };

interface Part {
  readonly s: S;
  /** The comparison selects exactly the events the Sigma test does. */
  readonly exact: boolean;
}

function and(parts: readonly Part[]): Part {
  const args: S[] = [];
  let exact = true;
  for (const p of parts) {
    exact &&= p.exact;
    if (p.s.kind === 'false') return { s: FALSE, exact: p.exact };
    if (p.s.kind === 'true') continue;
    if (p.s.kind === 'and') args.push(...p.s.args);
    else args.push(p.s);
  }
  return { s: args.length === 0 ? TRUE : args.length === 1 ? args[0] : { kind: 'and', args }, exact };
}

function or(parts: readonly Part[]): Part {
  const args: S[] = [];
  let exact = true;
  for (const p of parts) {
    exact &&= p.exact;
    if (p.s.kind === 'true') return { s: TRUE, exact };
    if (p.s.kind === 'false') continue;
    if (p.s.kind === 'or') args.push(...p.s.args);
    else args.push(p.s);
  }
  return { s: args.length === 0 ? FALSE : args.length === 1 ? args[0] : { kind: 'or', args }, exact };
}

function negate(s: S): S {
  switch (s.kind) {
    case 'true':
      return FALSE;
    case 'false':
      return TRUE;
    case 'cmp':
      return { ...s, negated: !s.negated };
    case 'and':
      return { kind: 'or', args: s.args.map(negate) };
    case 'or':
      return { kind: 'and', args: s.args.map(negate) };
  }
}

function print(s: S, top = true): string {
  switch (s.kind) {
    case 'cmp':
      return s.op === 'EXISTS'
        ? `${s.negated ? 'NOT ' : ''}EXISTS ${s.path}`
        : `${s.path} ${s.negated ? 'NOT ' : ''}${s.op} ${s.value}`;
    case 'and':
    case 'or': {
      const inner = s.args.map((a) => print(a, false)).join(s.kind === 'and' ? ' AND ' : ' OR ');
      return top ? inner : `(${inner})`;
    }
    default:
      return s.kind;
  }
}

function globRegex(tokens: readonly GlobToken[]): string {
  return tokens.map((t) => (typeof t === 'string' ? escapeRegex(t) : t.wild === '*' ? '.*' : '.')).join('');
}

const cmp = (path: string, op: string, value?: string): S => ({
  kind: 'cmp',
  path,
  op,
  ...(value !== undefined ? { value } : {}),
  negated: false,
});

/** A string test as an anchored RE2 pattern (`(?i)` unless cased). */
function stringRegex(m: Match & { kind: 'str' | 'glob' }): string {
  // (?s) only where a `.` is written (globs): Lucene takes a leading (?i) but no other flag
  if (m.kind === 'glob') return `${m.cased ? '(?s)' : '(?is)'}^${globRegex(m.tokens)}$`;
  const flags = m.cased ? '' : '(?i)';
  const v = escapeRegex(m.value);
  const body = m.op === 'eq' ? `^${v}$` : m.op === 'startswith' ? `^${v}` : m.op === 'endswith' ? `${v}$` : v;
  return `${flags}${body}`;
}

/** The last path component a value ending with `\name` or `/name` fixes, or undefined. */
function basenameOf(m: Match): string | undefined {
  if (m.kind !== 'str' || (m.op !== 'endswith' && m.op !== 'eq')) return undefined;
  const cut = Math.max(m.value.lastIndexOf('\\'), m.value.lastIndexOf('/'));
  return cut >= 0 && cut < m.value.length - 1 ? m.value.slice(cut + 1) : undefined;
}

class Compiler {
  readonly notes: string[] = [];
  constructor(readonly ls: ResolvedLogsource) {}

  widen(reason: string): Part {
    if (!this.notes.includes(reason)) this.notes.push(reason);
    return { s: TRUE, exact: false };
  }

  test(field: string, m: Match): Part {
    const p = this.comparison(field, m);
    return p.exact && !this.sameFields(field)
      ? this.inexact(
          p,
          `${printMatch(field, m)}: ${fieldTarget(this.ls, field)!.stix!.path} also searches other ECS fields`,
        )
      : p;
  }

  inexact(p: Part, reason: string): Part {
    if (!this.notes.includes(reason)) this.notes.push(reason);
    return { s: p.s, exact: false };
  }

  /** The STIX path searches exactly the Sigma field's ECS fields (process:pid also searches the parent's pid). */
  sameFields(field: string): boolean {
    const t = fieldTarget(this.ls, field);
    const searched = t?.stix ? (lookupFields(stixEcsMap(), t.stix.path) ?? []) : [];
    const ecs = t?.ecs ?? [];
    return (
      searched.length === ecs.length &&
      searched.every((f) => f.transform === undefined && ecs.includes(f.field))
    );
  }

  comparison(field: string, m: Match): Part {
    const t = fieldTarget(this.ls, field)?.stix;
    const what = printMatch(field, m);
    if (!t) return this.widen(`${what}: ${field} has no STIX path in the ${this.ls.product ?? '?'} mapping`);
    const path = t.path;
    if (t.transform === 'basename') {
      const name = basenameOf(m);
      if (name === undefined) return this.widen(`${what}: ${path} holds only the last path component`);
      // unanchored: a superset anyway, and backends wrap a transformed field's pattern in their own anchors
      const flags = m.kind === 'str' && m.cased ? '' : '(?i)';
      this.widen(`${what}: searched as a ${path} holding '${name}', the full path is checked locally`);
      return { s: cmp(path, 'MATCHES', quoteString(`${flags}${escapeRegex(name)}`)), exact: false };
    }
    switch (m.kind) {
      case 'str':
        if (m.cased && m.op === 'eq') return { s: cmp(path, '=', quoteString(m.value)), exact: true };
        return { s: cmp(path, 'MATCHES', quoteString(stringRegex(m))), exact: true };
      case 'glob':
        return { s: cmp(path, 'MATCHES', quoteString(stringRegex(m))), exact: true };
      case 're':
        return { s: cmp(path, 'MATCHES', quoteString(inlineFlags(m.flags) + m.pattern)), exact: true };
      case 'cidr':
        return { s: cmp(path, 'ISSUBSET', quoteString(m.network)), exact: true };
      case 'num': {
        const op = { eq: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' }[m.op];
        return { s: cmp(path, op, String(m.value)), exact: true };
      }
      case 'bool':
        return { s: cmp(path, '=', String(m.value)), exact: true };
      case 'null':
        return { s: negate(cmp(path, 'EXISTS')), exact: true };
      case 'exists':
        return { s: m.value ? cmp(path, 'EXISTS') : negate(cmp(path, 'EXISTS')), exact: true };
      case 'fieldref':
        return this.widen(`${what}: STIX compares a property with a value, not with another property`);
    }
  }

  expr(e: Expr): Part {
    return visit<Part>(
      {
        and: (x) => and(x.args.map((a) => this.expr(a))),
        or: (x) => or(x.args.map((a) => this.expr(a))),
        not: (x) => {
          const p = this.expr(x.arg);
          // the negation of a superset is a subset: a widened test is left to the local check
          if (!p.exact) return this.widen('a negated test that is checked locally is not searched');
          return { s: negate(p.s), exact: true };
        },
        const: (x) => ({ s: x.value ? TRUE : FALSE, exact: true }),
        test: (x) => this.test(x.field, x.match),
        keyword: (x) =>
          this.widen(`${printMatch('*', x.match)}: keywords search every field, checked locally`),
      },
      e,
    );
  }
}

/** A rule as a search: the STIX pattern a backend compiles, and what is left to the local check. */
export interface StixSearch {
  /** The STIX entity type of the logsource's records (`process`), or undefined when the mapping has none. */
  readonly entity?: string;
  /** `[ … ]`, or undefined when nothing could be searched (every document of the entity is fetched). */
  readonly pattern?: Pattern;
  /** False when the fetched documents must be checked with the rule itself (`local` says why). */
  readonly exact: boolean;
  /** The rule can match nothing (e.g. a condition that is always false). */
  readonly never: boolean;
  /** Why documents are checked locally, one line per widened test (EXPLAIN prints them). */
  readonly local: readonly string[];
}

/** The search for a compiled rule's detection (its Sigma-field detection, mapped through the STIX column). */
export function toStixSearch(rule: CompiledRule): StixSearch {
  const c = new Compiler(rule.logsource);
  const part = c.expr(rule.detection);
  const entity = rule.logsource.entity;
  const base = { ...(entity ? { entity } : {}), local: c.notes };
  if (part.s.kind === 'false') return { ...base, exact: part.exact, never: true };
  if (part.s.kind === 'true') return { ...base, exact: false, never: false };
  const text = `[${print(part.s)}]`;
  return {
    ...base,
    pattern: parsePattern(text, { source: `sigma:${rule.rule.id ?? rule.rule.title}` }),
    exact: part.exact,
    never: false,
  };
}
