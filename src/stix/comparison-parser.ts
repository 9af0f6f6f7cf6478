/**
 * The comparison-expression grammar (inside `[ … ]`, and Kestrel's bare WHERE):
 *
 *     cmpOr      := cmpAnd ( OR cmpAnd )*
 *     cmpAnd     := cmpPrimary ( AND cmpPrimary )*
 *     cmpPrimary := '(' cmpOr ')' | NOT? EXISTS path | path NOT? op value | path IS NOT? NULL   (Kestrel)
 *
 * In Kestrel mode a path without `type:` gets the default type, strings may be double-quoted or raw (`r'…'`), and
 * with `allowVarRefs`:
 * - `x IS NULL` / `x IS NOT NULL` desugar to `NOT EXISTS x` / `EXISTS x` (Kestrel: null means absent), so every
 *   consumer of the AST handles them unchanged; they print back in the EXISTS form.
 * - a right side `var.attr` (`procs.pid`, `nt.src_ref.value`) becomes a `VarRef`, also as an element of a list
 *   (`pid IN (p2.pid, 8888)`); lists may be written `( … )` or `[ … ]`.
 * - an unquoted word is a string (`name = cmd` is `name = 'cmd'`, as Kestrel reads it) when it is a plain name that
 *   is not followed by `.` (then it is a variable reference), is not `true`/`false` (booleans), and is not a reserved
 *   word (the STIX keywords, `IS`, `NULL`, and the words in `mode.reserved`).
 */
import type { ComparisonExpr, ComparisonOp, Literal, ObjectPath, PathStep } from './ast.ts';
import type { Token } from './lexer.ts';
import { TokenCursor, describe, type LexPlacement } from './cursor.ts';

/** How deep parentheses may nest in a STIX pattern (hand-written and generated patterns stay far below). */
export const MAX_PATTERN_DEPTH = 256;

/** 2^63: integers of every backend are 64-bit (DuckDB BIGINT, Elasticsearch long), in [-2^63, 2^63). */
const INT64_LIMIT = 2 ** 63;

/** How the comparison grammar is used: STIX (`kestrel: false`) or Kestrel's WHERE. */
export interface ComparisonMode {
  readonly defaultType?: string;
  /** Kestrel's value forms: `var.attr` references, unquoted words as strings, `IS [NOT] NULL`. */
  readonly allowVarRefs?: boolean;
  readonly kestrel: boolean;
  /** Upper-case words that may not stand as unquoted string values (e.g. the huntflow's commands and clauses). */
  readonly reserved?: ReadonlySet<string>;
}

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'IN',
  'LIKE',
  'MATCHES',
  'ISSUBSET',
  'ISSUPERSET',
  'EXISTS',
  'START',
  'STOP',
  'WITHIN',
  'SECONDS',
  'REPEATS',
  'TIMES',
  'IS',
  'NULL',
]);
const WORD_OPS: Record<string, ComparisonOp> = {
  IN: 'IN',
  LIKE: 'LIKE',
  MATCHES: 'MATCHES',
  ISSUBSET: 'ISSUBSET',
  ISSUPERSET: 'ISSUPERSET',
};
const PATH_HINT = 'a comparison needs an object path like process:name before the operator';

export class ComparisonParser extends TokenCursor {
  constructor(
    text: string,
    source: string,
    protected readonly mode: ComparisonMode,
    start = 0,
    end = text.length,
    placement: LexPlacement = {},
  ) {
    super(text, source, mode.kestrel, start, end, placement);
  }

  // ---- comparison expressions ----
  cmpOr(): ComparisonExpr {
    let left = this.cmpAnd();
    while (this.atKw('OR')) {
      this.take();
      const right = this.cmpAnd();
      left = { kind: 'ComparisonBinary', op: 'OR', left, right, span: this.spanFrom(left.span) };
    }
    return left;
  }
  protected cmpAnd(): ComparisonExpr {
    let left = this.cmpPrimary();
    while (this.atKw('AND')) {
      this.take();
      const right = this.cmpPrimary();
      left = { kind: 'ComparisonBinary', op: 'AND', left, right, span: this.spanFrom(left.span) };
    }
    return left;
  }
  /** Open parentheses around the token being parsed: the parser and every walker of the tree recurse per level. */
  protected depth = 0;

  /** Enters one level of nesting at `t`; past {@link MAX_PATTERN_DEPTH} a positioned error, not a stack overflow. */
  protected enter(t: Token): void {
    if (++this.depth > MAX_PATTERN_DEPTH)
      throw this.err(
        t,
        `the pattern nests deeper than ${MAX_PATTERN_DEPTH} levels of parentheses`,
        'remove redundant parentheses: AND and OR chains need none',
      );
  }

  protected cmpPrimary(): ComparisonExpr {
    const t = this.peek();
    if (t.kind === 'LParen') {
      this.take();
      this.enter(t);
      const inner = this.cmpOr();
      this.expect('RParen', "')'", "an earlier '(' is not closed");
      this.depth--;
      return inner;
    }
    if (this.isKw(t, 'EXISTS') || (this.isKw(t, 'NOT') && this.atKw('EXISTS', 1))) {
      const negated = this.isKw(t, 'NOT');
      if (negated) this.take();
      this.take();
      const path = this.path();
      return { kind: 'Comparison', path, op: 'EXISTS', negated, span: this.span(t) };
    }
    const path = this.path();
    if (this.mode.allowVarRefs && this.atKw('IS')) return this.isNull(t, path);
    let negated = false;
    if (this.atKw('NOT')) {
      this.take();
      negated = true;
    }
    const opTok = this.peek();
    let op: ComparisonOp;
    if (opTok.kind === 'Op') {
      op = opTok.value as ComparisonOp;
    } else if (opTok.kind === 'Ident' && WORD_OPS[opTok.value.toUpperCase()]) {
      op = WORD_OPS[opTok.value.toUpperCase()]!;
    } else {
      throw this.err(
        opTok,
        `expected a comparison operator after ${negated ? 'NOT' : `'${this.text.slice(path.span.start, path.span.end)}'`}, found ${describe(opTok)}`,
        'operators are = != < <= > >= IN LIKE MATCHES ISSUBSET ISSUPERSET (NOT goes before the operator)',
      );
    }
    this.take();
    const value = this.value(op, opTok);
    return { kind: 'Comparison', path, op, negated, value, span: this.span(t) };
  }

  /** Kestrel's `path IS [NOT] NULL` after the path: `NOT EXISTS path` / `EXISTS path`. */
  private isNull(first: Token, path: ObjectPath): ComparisonExpr {
    this.take();
    let not = false;
    if (this.atKw('NOT')) {
      this.take();
      not = true;
    }
    const n = this.peek();
    if (!this.isKw(n, 'NULL')) {
      throw this.err(
        n,
        `expected NULL after IS${not ? ' NOT' : ''}, found ${describe(n)}`,
        'write x IS NULL or x IS NOT NULL; compare values with = or !=',
      );
    }
    this.take();
    return { kind: 'Comparison', path, op: 'EXISTS', negated: !not, span: this.span(first) };
  }

  /** An object path: `type:key(.key|[n]|[*])*`; in Kestrel mode the `type:` prefix may be left out. */
  protected path(): ObjectPath {
    const t = this.peek();
    const typed = t.kind === 'Ident' && this.peek(1).kind === 'Colon';
    if (t.kind !== 'Ident' || (!typed && KEYWORDS.has(t.value.toUpperCase()))) {
      throw this.err(t, `expected an object path, found ${describe(t)}`, PATH_HINT);
    }
    let objectType: string;
    const steps: PathStep[] = [];
    if (typed) {
      this.take();
      this.take();
      objectType = t.value;
      const k = this.peek();
      if (k.kind === 'Ident' || k.kind === 'String') {
        this.take();
        steps.push({ kind: 'Key', name: k.value });
      } else {
        throw this.err(
          k,
          `expected a property name after '${t.value}:', found ${describe(k)}`,
          "write e.g. process:name or file:hashes.'SHA-256'",
        );
      }
    } else if (this.mode.defaultType !== undefined) {
      objectType = this.mode.defaultType;
      this.take();
      steps.push({ kind: 'Key', name: t.value });
    } else {
      throw this.err(
        t,
        `expected an object path with a type, found ${describe(t)}`,
        `object paths start with the object type, e.g. process:${t.value}`,
      );
    }
    for (;;) {
      const n = this.peek();
      if (n.kind === 'Dot' && n.start === this.prevEnd) {
        this.take();
        const k = this.peek();
        if (k.kind !== 'Ident' && k.kind !== 'String') {
          throw this.err(
            k,
            `expected a property name after '.', found ${describe(k)}`,
            "quote keys that are not plain names: hashes.'SHA-256'",
          );
        }
        this.take();
        steps.push({ kind: 'Key', name: k.value });
      } else if (n.kind === 'LBracket') {
        this.take();
        const i = this.peek();
        if (i.kind === 'Star') {
          this.take();
          steps.push({ kind: 'Index', index: '*' });
        } else if (i.kind === 'Int' && Number(i.value) >= 0) {
          this.take();
          steps.push({ kind: 'Index', index: Number(i.value) });
        } else {
          throw this.err(
            i,
            `expected a list index ([*] or [0], [1], …), found ${describe(i)}`,
            '[*] selects any element, [n] the element at position n (from 0)',
          );
        }
        this.expect('RBracket', "']'", 'a list index is [*] or [n]');
      } else {
        break;
      }
    }
    return { kind: 'ObjectPath', objectType, steps, span: this.span(t) };
  }

  /** `variable.attr(.step)*` at the current token, as a `VarRef`, or undefined when the tokens are not one. */
  private varRef(): Literal | undefined {
    const t = this.peek();
    if (
      !this.mode.allowVarRefs ||
      t.kind !== 'Ident' ||
      this.peek(1).kind !== 'Dot' ||
      this.peek(2).kind !== 'Ident' ||
      KEYWORDS.has(t.value.toUpperCase())
    ) {
      return undefined;
    }
    this.take();
    this.take();
    const attrStart = this.take().start;
    // further steps only when written without spaces: `nt111.src_ref.value`, `f.hashes.'SHA-256'`
    for (;;) {
      const d = this.peek();
      const k = this.peek(1);
      if (d.kind !== 'Dot' || d.start !== this.prevEnd || k.start !== d.end) break;
      if (k.kind !== 'Ident' && k.kind !== 'String') break;
      this.take();
      this.take();
    }
    return {
      kind: 'VarRef',
      variable: t.value,
      attribute: this.text.slice(attrStart, this.prevEnd),
      span: this.span(t),
    };
  }

  protected value(op: ComparisonOp, opTok: Token): Literal {
    const t = this.peek();
    const ref = this.varRef();
    if (ref) return ref;
    const listOpen = t.kind === 'LParen' || (t.kind === 'LBracket' && this.mode.allowVarRefs);
    if (op === 'IN') {
      if (!listOpen)
        throw this.err(t, `IN needs a list in parentheses, found ${describe(t)}`, "write IN ('a', 'b')");
      const close = t.kind === 'LParen' ? 'RParen' : 'RBracket';
      const closeText = close === 'RParen' ? ')' : ']';
      this.take();
      const values: Literal[] = [];
      if (this.peek().kind === close)
        throw this.err(this.peek(), 'empty list after IN', "write IN ('a', 'b')");
      for (;;) {
        values.push(this.varRef() ?? this.primitive(op));
        const sep = this.peek();
        if (sep.kind === 'Comma') {
          this.take();
          continue;
        }
        if (sep.kind === close) break;
        throw this.err(
          sep,
          `expected ',' or '${closeText}' in the list, found ${describe(sep)}`,
          "separate values with commas: IN ('a', 'b')",
        );
      }
      this.take();
      return { kind: 'List', values, span: this.span(t) };
    }
    if (listOpen) {
      throw this.err(
        t,
        `a list needs IN, not ${opTok.text}`,
        'write IN (…) to compare with a list of values',
      );
    }
    const lit = this.primitive(op);
    if (
      (op === 'LIKE' || op === 'MATCHES' || op === 'ISSUBSET' || op === 'ISSUPERSET') &&
      lit.kind !== 'String'
    ) {
      throw this.err(t, `${op} needs a string, found ${describe(t)}`, `quote the text: ${op} '…'`);
    }
    return lit;
  }

  protected primitive(op: ComparisonOp): Literal {
    const t = this.peek();
    switch (t.kind) {
      case 'String':
        this.take();
        return { kind: 'String', value: t.value, span: this.span(t) };
      case 'Int': {
        this.take();
        // Integers are held as doubles: one that rounds to 2^63 or beyond is no 64-bit integer on any backend.
        const value = Number(t.value);
        if (!(value < INT64_LIMIT && value >= -INT64_LIMIT))
          throw this.err(
            t,
            `${t.value} is outside the 64-bit integer range`,
            'integers are 64-bit (DuckDB BIGINT, Elasticsearch long): use a value below 9.2e18 in magnitude',
          );
        return { kind: 'Int', value, span: this.span(t) };
      }
      case 'Float': {
        this.take();
        const value = Number(t.value);
        if (!Number.isFinite(value))
          throw this.err(t, `${t.value} is outside the range of a 64-bit float`, 'write a number below 1.7e308');
        return { kind: 'Float', value, span: this.span(t) };
      }
      case 'Timestamp':
        this.take();
        this.validateTimestamp(t);
        return { kind: 'Timestamp', value: t.value, span: this.span(t) };
      case 'Hex':
        this.take();
        if (!/^([0-9a-fA-F]{2})*$/.test(t.value)) {
          throw this.err(
            t,
            `invalid hex literal '${t.value}'`,
            "h'' holds pairs of hex digits, e.g. h'ff00'",
          );
        }
        return { kind: 'Hex', value: t.value.toLowerCase(), span: this.span(t) };
      case 'Binary':
        this.take();
        if (!/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(t.value)) {
          throw this.err(t, `invalid base64 literal '${t.value}'`, "b'' holds base64 text, e.g. b'aGVsbG8='");
        }
        return { kind: 'Binary', value: t.value, span: this.span(t) };
      case 'Ident': {
        const up = t.value.toUpperCase();
        if (up === 'NOT') {
          throw this.err(t, `NOT after ${op}`, `NOT goes before the operator: … NOT ${op} value`);
        }
        if (up === 'TRUE' || up === 'FALSE') {
          this.take();
          return { kind: 'Bool', value: up === 'TRUE', span: this.span(t) };
        }
        if (this.mode.allowVarRefs && this.peek(1).kind !== 'Dot') {
          if (KEYWORDS.has(up) || this.mode.reserved?.has(up)) {
            throw this.err(
              t,
              `expected a value after ${op}, found the keyword ${up}`,
              `a value is missing here; to compare with the word itself, quote it: '${t.value}'`,
            );
          }
          // Kestrel reads an unquoted name as a string: name = cmd
          this.take();
          return { kind: 'String', value: t.value, span: this.span(t) };
        }
        throw this.err(
          t,
          `expected a value after ${op}, found ${describe(t)}`,
          this.mode.allowVarRefs
            ? "quote strings ('text'), or write variable.attribute"
            : "quote strings: 'text'",
        );
      }
      case 'EOF':
        throw this.err(
          t,
          `expected a value after ${op}, found the end of the pattern`,
          `a comparison needs a value after the operator, e.g. process:name ${op} 'cmd.exe'`,
        );
      default:
        throw this.err(
          t,
          `expected a value after ${op}, found ${describe(t)}`,
          "values are 'strings', numbers, true/false, t'…' timestamps, h'…' hex or b'…' base64",
        );
    }
  }

  /** Parses a comparison expression; stops at the first token that cannot continue it. */
  comparisonPrefix(): { expr: ComparisonExpr; end: number } {
    const first = this.peek();
    if (first.kind === 'EOF') throw this.err(first, 'empty condition', "write e.g. name = 'cmd.exe'");
    const expr = this.cmpOr();
    return { expr, end: this.prevEnd };
  }
  comparisonAll(): ComparisonExpr {
    const { expr } = this.comparisonPrefix();
    const t = this.peek();
    if (t.kind !== 'EOF') {
      throw this.err(
        t,
        `unexpected ${describe(t)} after the condition`,
        t.kind === 'RParen' ? 'this parenthesis has no opening partner' : 'join conditions with AND or OR',
      );
    }
    return expr;
  }
}
