/**
 * The leaves of a condition — `A op B`, `A in (…)`, `A pmatch (…)`, `A exists` — read the way sf-processor 0.7.0
 * reads them (`--compat sf-processor`). What decides the reading:
 *
 * - An operand is a field when its text is a name of sf-processor's mapper ({@link sfProcessorFields}); `name[path]`
 *   reads the JSON text of field `name` at a GJSON-style path; anything else — a misspelt or unknown attribute, a
 *   Peregrine-only name, a quoted string — is literal text, its own name (`sf.proc.username != root` holds).
 * - String operators (`=`, `!=`, `contains`, `icontains`, `startswith`, `endswith`, `in`, `pmatch`) compare text.
 *   Both sides are first split at every comma, and the term holds when any left piece and any right piece match —
 *   so `sf.proc.args = b` holds for args `a,b`. `!=` is the negation of `=`.
 * - Ordering operators compare 64-bit integers: a field's integer value (0 for text, booleans and a parent's
 *   uid/gid), a literal's base-10 value when it is one exactly, else 0 (a quoted `'5'` is 0).
 * - `exists` holds for a field whose raw value is not zero, and always for anything else (a name is non-empty).
 */
import type { ResolvedEvent } from '../../records/index.ts';
import type { Atom, Compare, Exists, InList } from '../ast.ts';
import { jsonPath } from '../lookup.ts';
import { globToRegExp, order, policyRegex, STR_OPS, type StrOp } from '../operators.ts';
import { parseGoInt, trimBoundingQuotes } from './go.ts';
import { commaPieces, type Pieces, type SfpField } from './fields.ts';

type Pred = (ev: ResolvedEvent) => boolean;

/** What the terms need from the compiler: constants it folds, list expansion in the rule's scope, notes. */
export interface SfpTermHost {
  readonly TRUE: Pred;
  readonly FALSE: Pred;
  /** The values of `in (…)` items, expanded as sf-processor expands them in the current rule's scope. */
  expand(items: readonly Atom[]): string[];
  /** Reports an operand that is no field of sf-processor's (read as its own text). */
  unknown(atom: Atom): void;
  /** Reports an operator sf-processor cannot evaluate at all. */
  unmappable(what: string): void;
}

/** An operand: a field, a JSON path into a field's text, or constant text. */
type Operand =
  | { readonly kind: 'field'; readonly f: SfpField }
  | { readonly kind: 'json'; readonly f: SfpField; readonly path: string }
  | { readonly kind: 'literal'; readonly text: string; readonly int: bigint };

/**
 * Falco's `glob`, `iglob` and `regex`, which sf-processor's grammar does not have: kept with their Peregrine meaning,
 * applied to each comma piece. Patterns are compiled once per distinct text.
 */
function patternOp(op: 'glob' | 'iglob' | 'regex'): StrOp {
  const cache = new Map<string, { test(s: string): boolean } | null>();
  return (l, r) => {
    let rx = cache.get(r);
    if (rx === undefined) {
      if (op === 'regex') rx = policyRegex(r);
      else {
        try {
          rx = globToRegExp(r, op === 'iglob' ? 'i' : '');
        } catch {
          rx = null;
        }
      }
      cache.set(r, rx);
    }
    return rx?.test(l) ?? false;
  };
}

export class SfpTerms {
  constructor(
    private readonly fields: ReadonlyMap<string, SfpField>,
    private readonly host: SfpTermHost,
  ) {}

  /** Resolves an atom the way sf-processor's mapper resolves the text of an operand. */
  private operand(a: Atom, report: boolean): Operand {
    if (!a.quoted) {
      const f = this.fields.get(a.text);
      if (f) return { kind: 'field', f };
      const open = a.text.indexOf('[');
      if (open > 0) {
        const base = this.fields.get(a.text.slice(0, open));
        if (base) return { kind: 'json', f: base, path: a.text.slice(open + 1, -1) };
      }
      if (report) this.host.unknown(a);
    }
    // A quoted string keeps its quotes in sf-processor's integer parse, so it is never a number.
    return {
      kind: 'literal',
      text: trimBoundingQuotes(a.text),
      int: a.quoted ? 0n : (parseGoInt(a.text) ?? 0n),
    };
  }

  private text(o: Operand): ((ev: ResolvedEvent) => string) | string {
    switch (o.kind) {
      case 'literal':
        return o.text;
      case 'field':
        return o.f.text;
      case 'json': {
        const { f, path } = o;
        const raw = f.raw;
        if (!raw || path === '') return f.text;
        const keys = path.split('.').filter((k) => k !== '');
        return (ev) => {
          const v = raw(ev);
          return v === '' ? '' : jsonPath(v, keys);
        };
      }
    }
  }

  private int(o: Operand): ((ev: ResolvedEvent) => number | bigint) | bigint {
    return o.kind === 'field' ? o.f.int : o.kind === 'json' ? 0n : o.int;
  }

  exists(c: Exists): Pred {
    const o = this.operand(c.operand, true);
    // sf-processor's exists reads the raw value: a `name[path]` operand is no mapper name, so it is its own text.
    if (o.kind !== 'field') return this.host.TRUE;
    return o.f.present;
  }

  compare(c: Compare): Pred {
    if (c.op === 'bcontains' || c.op === 'bstartswith') {
      this.host.unmappable(`operator ${c.op}`);
      return this.host.FALSE;
    }
    const l = this.operand(c.left, true);
    const r = this.operand(c.right, false);
    if (c.op === '<' || c.op === '<=' || c.op === '>' || c.op === '>=') {
      const op = c.op;
      const li = this.int(l);
      const ri = this.int(r);
      if (typeof li !== 'function' && typeof ri !== 'function')
        return order(op, li, ri) ? this.host.TRUE : this.host.FALSE;
      const lf = typeof li === 'function' ? li : () => li;
      const rf = typeof ri === 'function' ? ri : () => ri;
      return (ev) => order(op, lf(ev), rf(ev));
    }
    const negated = c.op === '!=';
    const test: StrOp =
      c.op === 'glob' || c.op === 'iglob' || c.op === 'regex'
        ? patternOp(c.op)
        : (STR_OPS[negated ? '=' : c.op] ?? STR_OPS['='])!;
    const pred = this.anyPair(this.pieces(l), this.pieces(r), test);
    if (!negated) return pred;
    if (pred === this.host.TRUE) return this.host.FALSE;
    if (pred === this.host.FALSE) return this.host.TRUE;
    return (ev) => !pred(ev);
  }

  inList(c: InList): Pred {
    const rights = this.host.expand(c.items).flatMap((v) => v.split(','));
    const l = this.pieces(this.operand(c.left, true));
    let one: (piece: string) => boolean;
    if (c.op === 'pmatch') {
      // An empty item (an empty list, `items: []`, is one) is contained in everything.
      if (rights.includes('')) return this.host.TRUE;
      one = (piece) => {
        for (const r of rights) if (piece.includes(r)) return true;
        return false;
      };
    } else {
      const set = new Set(rights);
      one = (piece) => set.has(piece);
    }
    const test = (p: Pieces): boolean => {
      if (typeof p === 'string') return one(p);
      for (const piece of p) if (one(piece)) return true;
      return false;
    };
    if (typeof l !== 'function') return test(l) ? this.host.TRUE : this.host.FALSE;
    return (ev) => test(l(ev));
  }

  /** The comma pieces of an operand: constant for a literal. */
  private pieces(o: Operand): ((ev: ResolvedEvent) => Pieces) | Pieces {
    if (o.kind === 'field') return o.f.pieces;
    const t = this.text(o);
    return typeof t === 'string' ? commaPieces(t) : (ev) => commaPieces(t(ev));
  }

  /** `op` over every pair of comma pieces of the two sides; folded when both are constant. */
  private anyPair(
    l: ((ev: ResolvedEvent) => Pieces) | Pieces,
    r: ((ev: ResolvedEvent) => Pieces) | Pieces,
    op: StrOp,
  ): Pred {
    const pairs = (ls: Pieces, rs: Pieces): boolean => {
      if (typeof ls === 'string') {
        if (typeof rs === 'string') return op(ls, rs);
        for (const y of rs) if (op(ls, y)) return true;
        return false;
      }
      for (const x of ls) {
        if (typeof rs === 'string') {
          if (op(x, rs)) return true;
        } else for (const y of rs) if (op(x, y)) return true;
      }
      return false;
    };
    if (typeof l !== 'function') {
      if (typeof r !== 'function') return pairs(l, r) ? this.host.TRUE : this.host.FALSE;
      return (ev) => pairs(l, r(ev));
    }
    if (typeof r === 'string') {
      return (ev) => {
        const ls = l(ev);
        if (typeof ls === 'string') return op(ls, r);
        for (const x of ls) if (op(x, r)) return true;
        return false;
      };
    }
    if (typeof r !== 'function') return (ev) => pairs(l(ev), r);
    return (ev) => pairs(l(ev), r(ev));
  }
}
