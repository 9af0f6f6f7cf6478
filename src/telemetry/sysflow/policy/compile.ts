/**
 * Compiler: condition AST → a predicate closure over a {@link ResolvedEvent}.
 *
 * Everything that does not depend on the event is decided here, once: attribute names become getter functions,
 * list references become `Set`s, literals become numbers/bigints/booleans of the attribute's type, `sf.opflags`
 * tests become bit masks, macros are compiled once and shared, constant sub-conditions fold away. One handler per
 * node kind (`Record<CondKind, …>`), so a new kind breaks `tsc` until it is compiled.
 *
 * Semantics follow sf-processor: a multi-valued attribute matches when any of its values does; `!=` is the negation
 * of `=`; `in` is exact match against the expanded list, `pmatch` is substring match against it; an undefined macro
 * is false; a list item naming no list is a literal. An unknown attribute on the left of a comparison reads as
 * absent (the term is false). A Falco field SysFlow cannot supply is collected so the engine can report the rule as
 * unmappable instead of loading it.
 *
 * `compat: 'sf-processor'` swaps the leaves for sf-processor 0.7.0's reading (`sf-processor/terms.ts`): its field
 * mapper, an unknown attribute read as its own name, comma-split text comparisons, 64-bit integer ordering; and
 * the engine hands each rule the list and macro definitions sf-processor would let it see (`sf-processor/scopes.ts`).
 */
import { allOf, anyOf } from '../../../common/index.ts';
import type { ResolvedEvent } from '../records/index.ts';
import { OpFlag } from '../records/index.ts';
import type { Atom, Compare, Cond, CondKind, Exists, InList, Span } from './ast.ts';
import type { AttrType, AttrValue, AttributeDef } from './attributes.ts';
import { expandItems, type Catalog } from './catalog.ts';
import { compileRegex } from '../../../common/regex.ts';
import { PeregrineError } from '../../../errors/index.ts';
import { globToRegExp, order, ORDER_OPS, policyRegex, STR_OPS, type StrOp } from './operators.ts';
import { lookupAttribute, looksLikeSfAttribute, suggestAttributes } from './lookup.ts';
import { sfProcessorFields, SfpState } from './sf-processor/fields.ts';
import { sfProcessorItems } from './sf-processor/scopes.ts';
import { SfpTerms } from './sf-processor/terms.ts';

/** How deep macros may refer to macros (each level is a frame of the compiler's recursion). */
const MAX_MACRO_DEPTH = 256;

export type Pred = (ev: ResolvedEvent) => boolean;
export const TRUE: Pred = () => true;
export const FALSE: Pred = () => false;

export interface PolicyNote {
  readonly severity: 'error' | 'warning' | 'info';
  readonly code: string;
  readonly message: string;
  readonly source: string;
  readonly span: Span;
  readonly hint?: string;
}

/** A reading of the policy language other than Peregrine's own: `sf-processor` reproduces sf-processor 0.7.0. */
export type PolicyCompat = 'sf-processor';
export const POLICY_COMPATS: readonly PolicyCompat[] = ['sf-processor'];

export interface CompileOptions {
  /** Evaluate as another engine does (default: Peregrine's reading). */
  readonly compat?: PolicyCompat;
}

export interface CompiledCondition {
  readonly pred: Pred;
  /** Falco fields (and operators) the condition needs that SysFlow cannot supply; empty when fully mappable. */
  readonly unmappable: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Combinators with constant folding

function all(preds: Pred[]): Pred {
  if (preds.includes(FALSE)) return FALSE;
  const ps = preds.filter((p) => p !== TRUE);
  return ps.length === 0 ? TRUE : allOf(ps);
}

function any(preds: Pred[]): Pred {
  if (preds.includes(TRUE)) return TRUE;
  const ps = preds.filter((p) => p !== FALSE);
  return ps.length === 0 ? FALSE : anyOf(ps);
}

function negate(p: Pred): Pred {
  if (p === TRUE) return FALSE;
  if (p === FALSE) return TRUE;
  return (ev) => !p(ev);
}

// ---------------------------------------------------------------------------------------------------------------
// Value helpers

/** The value(s) of an attribute as strings (how sf-processor compares everything but ordering). */
function stringsOf(
  type: AttrType,
  get: (ev: ResolvedEvent) => AttrValue,
): (ev: ResolvedEvent) => readonly string[] {
  switch (type) {
    case 'strs':
      return get as (ev: ResolvedEvent) => readonly string[];
    case 'bool':
      return (ev) => [get(ev) ? 'true' : 'false'];
    default:
      return (ev) => [String(get(ev))];
  }
}

function numberOf(v: AttrValue): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return v.trim() === '' ? NaN : Number(v);
  return NaN;
}

/** A numeric literal (sf-processor falls back to 0 for non-numbers in ordering comparisons). */
function parseNumber(text: string, def?: AttributeDef): number | undefined {
  const sym = def?.literals?.[text.toLowerCase()];
  if (sym !== undefined) return sym;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

function parseBool(text: string): boolean | undefined {
  const t = text.toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return undefined;
}

/** opflags names → bit masks, split by whether the READ/WRITE or the RECV/SEND spelling applies. */
function opflagMask(names: readonly string[]): { mask: number; netMask: number; fileMask: number } {
  let mask = 0;
  let netMask = 0;
  let fileMask = 0;
  for (const n of names) {
    if (n === 'READ') fileMask |= OpFlag.READ_RECV;
    else if (n === 'WRITE') fileMask |= OpFlag.WRITE_SEND;
    else if (n === 'RECV') netMask |= OpFlag.READ_RECV;
    else if (n === 'SEND') netMask |= OpFlag.WRITE_SEND;
    else if (n in OpFlag) mask |= OpFlag[n as keyof typeof OpFlag];
  }
  return { mask, netMask, fileMask };
}

// ---------------------------------------------------------------------------------------------------------------

interface MacroEntry {
  readonly pred: Pred;
  readonly unmappable: ReadonlySet<string>;
}

export class ConditionCompiler {
  readonly notes: PolicyNote[] = [];
  private readonly noted = new Set<string>();
  /** Compiled macros per catalog (under sf-processor's reading each rule may see its own definitions). */
  private readonly macroCache = new Map<Catalog, Map<string, MacroEntry>>();
  private readonly compiling: string[] = [];
  private unmappable = new Set<string>();
  private source = '';
  private catalog: Catalog;
  /** sf-processor's leaves, when that reading is on. */
  private readonly sfp: SfpTerms | undefined;
  /** The record-to-record state sf-processor's reading keeps; the engine feeds it every event. */
  readonly sfpState: SfpState | undefined;

  constructor(catalog: Catalog, options: CompileOptions = {}) {
    this.catalog = catalog;
    if (options.compat === 'sf-processor') {
      const state = new SfpState();
      this.sfpState = state;
      this.sfp = new SfpTerms(sfProcessorFields(state), {
        TRUE,
        FALSE,
        expand: (items) => sfProcessorItems(this.catalog, items),
        unknown: (a) =>
          this.note({
            severity: 'error',
            code: 'E_UNKNOWN_ATTRIBUTE',
            message: `unknown attribute '${a.text}'`,
            span: a.span,
            hint: 'compared as its own text, as sf-processor does',
          }),
        unmappable: (what) => this.unmappable.add(what),
      });
    }
  }

  /** Compiles a condition found in `source`; `scope` replaces the compiler's catalog for this condition. */
  compile(cond: Cond, source: string, scope: Catalog = this.catalog): CompiledCondition {
    const saved = { unmappable: this.unmappable, source: this.source, catalog: this.catalog };
    this.unmappable = new Set();
    this.source = source;
    this.catalog = scope;
    try {
      const pred = this.cond(cond);
      return { pred, unmappable: [...this.unmappable].sort() };
    } finally {
      this.unmappable = saved.unmappable;
      this.source = saved.source;
      this.catalog = saved.catalog;
    }
  }

  private note(n: Omit<PolicyNote, 'source'>): void {
    const key = `${this.source}:${n.span.offset}:${n.code}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.notes.push({ ...n, source: this.source });
  }

  private cond(c: Cond): Pred {
    return this.handlers[c.kind](c as never);
  }

  private readonly handlers: { [K in CondKind]: (c: Extract<Cond, { kind: K }>) => Pred } = {
    and: (c) => all(c.args.map((a) => this.cond(a))),
    or: (c) => any(c.args.map((a) => this.cond(a))),
    not: (c) => negate(this.cond(c.arg)),
    ref: (c) => this.macro(c.name, c.span),
    exists: (c) => (this.sfp ? this.sfp.exists(c) : this.exists(c)),
    compare: (c) => (this.sfp ? this.sfp.compare(c) : this.compare(c)),
    inlist: (c) => (this.sfp ? this.sfp.inList(c) : this.inList(c)),
  };

  private macro(name: string, span: Span): Pred {
    let macros = this.macroCache.get(this.catalog);
    if (!macros) this.macroCache.set(this.catalog, (macros = new Map()));
    const hit = macros.get(name);
    if (hit) {
      for (const u of hit.unmappable) this.unmappable.add(u);
      return hit.pred;
    }
    const defs = this.catalog.macros.get(name);
    if (!defs) {
      const isList = this.catalog.lists.has(name);
      this.note({
        severity: 'error',
        code: 'E_UNDEFINED_MACRO',
        message: isList ? `'${name}' is a list, not a condition` : `undefined macro '${name}'`,
        span,
        hint: isList
          ? `write e.g. sf.proc.name in (${name})`
          : 'a reference to an undefined macro is always false',
      });
      return FALSE;
    }
    if (this.compiling.length >= MAX_MACRO_DEPTH) {
      this.note({
        severity: 'error',
        code: 'E_MACRO_DEPTH',
        message: `macros refer to macros more than ${MAX_MACRO_DEPTH} deep (${this.compiling[0]} → … → ${name}); the reference is false`,
        span,
        hint: 'a chain this long is no hand-written policy: inline some of its links',
      });
      return FALSE;
    }
    if (this.compiling.includes(name)) {
      this.note({
        severity: 'error',
        code: 'E_MACRO_CYCLE',
        message: `macro '${name}' refers to itself (${[...this.compiling, name].join(' → ')})`,
        span,
      });
      return FALSE;
    }
    this.compiling.push(name);
    const outer = { unmappable: this.unmappable, source: this.source };
    this.unmappable = new Set();
    let pred: Pred;
    try {
      pred = any(
        defs.map((d) => {
          this.source = d.source;
          return this.cond(d.decl.condition.root);
        }),
      );
    } finally {
      this.compiling.pop();
    }
    const entry: MacroEntry = { pred, unmappable: this.unmappable };
    macros.set(name, entry);
    this.unmappable = outer.unmappable;
    this.source = outer.source;
    for (const u of entry.unmappable) this.unmappable.add(u);
    return pred;
  }

  /** Resolves an attribute on the left of a term; undefined when the term must fold to a constant. */
  private attribute(a: Atom): AttributeDef | { literal: string } | undefined {
    if (a.quoted) return { literal: a.text };
    const hit = lookupAttribute(a.text);
    if (hit.kind === 'attr') return hit.def;
    if (hit.kind === 'unmappable') {
      this.unmappable.add(hit.field);
      return undefined;
    }
    const suggestions = suggestAttributes(a.text);
    this.note({
      severity: 'error',
      code: 'E_UNKNOWN_ATTRIBUTE',
      message: `unknown attribute '${a.text}'`,
      span: a.span,
      hint:
        (suggestions.length ? `did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}? ` : '') +
        'the term is always false',
    });
    return undefined;
  }

  private exists(c: Exists): Pred {
    const def = this.attribute(c.operand);
    if (!def) return FALSE;
    if ('literal' in def) return def.literal !== '' ? TRUE : FALSE;
    const get = def.get;
    switch (def.type) {
      case 'str':
        return (ev) => (get(ev) as string) !== '';
      case 'strs':
        return (ev) => (get(ev) as readonly string[]).length > 0;
      case 'int':
        return (ev) => (get(ev) as number) !== 0;
      case 'big':
        return (ev) => (get(ev) as bigint) !== 0n;
      case 'bool':
        return (ev) => get(ev) === true;
    }
  }

  private compare(c: Compare): Pred {
    const op = c.op;
    if (op === 'bcontains' || op === 'bstartswith') {
      this.unmappable.add(`operator ${op}`);
      return FALSE;
    }
    const left = this.attribute(c.left);
    // An absent (unknown or unmappable) attribute makes every comparison false, `!=` included (as in Falco).
    if (!left) return FALSE;
    if (op === '!=') return negate(this.compareResolved({ ...c, op: '=' }, left));
    return this.compareResolved(c, left);
  }

  private compareResolved(c: Compare, left: AttributeDef | { literal: string }): Pred {
    const op = c.op;
    // Right side: an attribute when its text names one, else a literal.
    const rhs = !c.right.quoted ? lookupAttribute(c.right.text) : undefined;
    if (rhs?.kind === 'attr') return this.compareAttrs(op, left, rhs.def);
    if (rhs?.kind === 'unknown' && looksLikeSfAttribute(c.right.text)) {
      this.note({
        severity: 'warning',
        code: 'W_VALUE_LOOKS_LIKE_ATTRIBUTE',
        message: `'${c.right.text}' is not an attribute; it is compared as literal text`,
        span: c.right.span,
        hint: suggestAttributes(c.right.text).length
          ? `did you mean '${suggestAttributes(c.right.text)[0]}'?`
          : undefined,
      });
    }
    const lit = c.right.text;
    if ('literal' in left) return this.constCompare(op, left.literal, lit) ? TRUE : FALSE;
    return this.compareLiteral(op, left, lit, c.right.span);
  }

  private constCompare(op: string, l: string, r: string): boolean {
    if (ORDER_OPS.has(op)) return order(op, Number(l) || 0, Number(r) || 0);
    if (op === 'glob' || op === 'iglob') return globPattern(r, op === 'iglob' ? 'i' : '')?.test(l) ?? false;
    if (op === 'regex') return policyRegex(r)?.test(l) ?? false;
    return (STR_OPS[op as Compare['op']] ?? STR_OPS['='])!(l, r);
  }

  private compareLiteral(op: Compare['op'], def: AttributeDef, lit: string, span: Span): Pred {
    const get = def.get;
    if (ORDER_OPS.has(op)) {
      const n = parseNumber(lit, def) ?? 0;
      if (def.type === 'int') return (ev) => order(op, get(ev) as number, n);
      if (def.type === 'big') {
        const b = /^-?\d+$/.test(lit) ? BigInt(lit) : BigInt(Math.trunc(n));
        return (ev) => order(op, get(ev) as bigint, b);
      }
      if (def.type === 'strs')
        return (ev) => (get(ev) as readonly string[]).some((s) => order(op, numberOf(s), n));
      return (ev) => order(op, numberOf(get(ev)), n);
    }
    if (op === '=') {
      switch (def.type) {
        case 'str':
          return (ev) => get(ev) === lit;
        case 'strs':
          if (def.name === 'sf.opflags') return this.opflags([lit]);
          return (ev) => (get(ev) as readonly string[]).includes(lit);
        case 'int': {
          const n = parseNumber(lit, def);
          return n === undefined ? FALSE : (ev) => get(ev) === n;
        }
        case 'big': {
          if (!/^-?\d+$/.test(lit)) return FALSE;
          const b = BigInt(lit);
          return (ev) => get(ev) === b;
        }
        case 'bool': {
          const b = parseBool(lit);
          return b === undefined ? FALSE : (ev) => get(ev) === b;
        }
      }
    }
    let test: (s: string) => boolean;
    if (op === 'glob' || op === 'iglob' || op === 'regex') {
      const re = this.pattern(op, lit, span);
      if (!re) return FALSE;
      test = (s) => re.test(s);
    } else if (op === 'icontains' || op === 'iequals' || op === 'istartswith' || op === 'iendswith') {
      const low = lit.toLowerCase();
      test =
        op === 'icontains'
          ? (s) => s.toLowerCase().includes(low)
          : op === 'iequals'
            ? (s) => s.toLowerCase() === low
            : op === 'istartswith'
              ? (s) => s.toLowerCase().startsWith(low)
              : (s) => s.toLowerCase().endsWith(low);
    } else {
      const f = STR_OPS[op]!;
      test = (s) => f(s, lit);
    }
    if (def.type === 'str') return (ev) => test(get(ev) as string);
    const strs = stringsOf(def.type, get);
    return (ev) => strs(ev).some(test);
  }

  /** A glob or regex written in the policy, compiled by RE2; what RE2 rejects is an error at the pattern. */
  private pattern(op: 'glob' | 'iglob' | 'regex', lit: string, span: Span): { test(s: string): boolean } | undefined {
    try {
      return op === 'regex' ? compileRegex(lit, {}, { what: 'the regex pattern' }) : globToRegExp(lit, op === 'iglob' ? 'i' : '');
    } catch (e) {
      if (!(e instanceof PeregrineError)) throw e;
      this.note({ severity: 'error', code: 'E_POLICY_REGEX', message: `${e.message}; the term is always false`, span, hint: e.hint });
      return undefined;
    }
  }

  private compareAttrs(
    op: Compare['op'],
    left: AttributeDef | { literal: string },
    right: AttributeDef,
  ): Pred {
    const lget = 'literal' in left ? () => left.literal : left.get;
    const ltype: AttrType = 'literal' in left ? 'str' : left.type;
    const rget = right.get;
    if (ORDER_OPS.has(op)) return (ev) => order(op, numberOf(lget(ev)), numberOf(rget(ev)));
    if (op === '=' && ltype === 'str' && right.type === 'str') return (ev) => lget(ev) === rget(ev);
    const ls = stringsOf(ltype, lget);
    const rs = stringsOf(right.type, rget);
    const f: StrOp =
      op === 'glob' || op === 'iglob' || op === 'regex'
        ? (l, r) => this.constCompare(op, l, r)
        : (STR_OPS[op] ?? STR_OPS['='])!;
    return (ev) => {
      const r = rs(ev);
      return ls(ev).some((l) => r.some((x) => f(l, x)));
    };
  }

  private opflags(names: readonly string[]): Pred {
    const { mask, netMask, fileMask } = opflagMask(names);
    if (mask === 0 && netMask === 0 && fileMask === 0) return FALSE;
    return (ev) => {
      const r = ev.record as { opFlags?: number; kind: string };
      const f = r.opFlags ?? 0;
      if (f & mask) return true;
      const net = r.kind === 'NetworkFlow' || r.kind === 'NetworkEvent';
      return (f & (net ? netMask : fileMask)) !== 0;
    };
  }

  private inList(c: InList): Pred {
    const left = this.attribute(c.left);
    if (!left) return FALSE;
    const values = expandItems(this.catalog, c.items);
    if ('literal' in left) {
      const hit =
        c.op === 'pmatch' ? values.some((v) => left.literal.includes(v)) : values.includes(left.literal);
      return hit ? TRUE : FALSE;
    }
    const get = left.get;
    if (c.op === 'pmatch') {
      if (values.length === 0) return FALSE;
      const test = (s: string): boolean => {
        for (let i = 0; i < values.length; i++) if (s.includes(values[i])) return true;
        return false;
      };
      if (left.type === 'str') return (ev) => test(get(ev) as string);
      const strs = stringsOf(left.type, get);
      return (ev) => strs(ev).some(test);
    }
    // in / intersects: exact membership.
    switch (left.type) {
      case 'str': {
        const set = new Set(values);
        return (ev) => set.has(get(ev) as string);
      }
      case 'strs': {
        if (left.name === 'sf.opflags') return this.opflags(values);
        const set = new Set(values);
        return (ev) => (get(ev) as readonly string[]).some((v) => set.has(v));
      }
      case 'int': {
        const set = new Set(
          values.map((v) => parseNumber(v, left)).filter((v): v is number => v !== undefined),
        );
        return set.size === 0 ? FALSE : (ev) => set.has(get(ev) as number);
      }
      case 'big': {
        const set = new Set(values.filter((v) => /^-?\d+$/.test(v)).map((v) => BigInt(v)));
        return set.size === 0 ? FALSE : (ev) => set.has(get(ev) as bigint);
      }
      case 'bool': {
        const bs = new Set(values.map(parseBool).filter((b) => b !== undefined));
        return (ev) => bs.has(get(ev) as boolean);
      }
    }
  }
}

/** A glob from event data (the right of an attribute-to-attribute comparison); undefined when RE2 rejects it. */
function globPattern(glob: string, flags: string): { test(s: string): boolean } | undefined {
  try {
    return globToRegExp(glob, flags);
  } catch {
    return undefined;
  }
}
