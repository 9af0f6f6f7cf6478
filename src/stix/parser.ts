/**
 * Recursive-descent parser for the STIX 2.1 patterning language. Precedence, lowest first (STIX 2.1 §9.4):
 *
 *     pattern      := obsFollowed EOF
 *     obsFollowed  := obsOr ( FOLLOWEDBY obsOr )*          left-associative
 *     obsOr        := obsAnd ( OR obsAnd )*
 *     obsAnd       := obsQualified ( AND obsQualified )*
 *     obsQualified := obsPrimary qualifier*                 qualifiers bind tighter than observation operators
 *     obsPrimary   := '[' cmpOr ']' | '(' obsFollowed ')'
 *     qualifier    := START ts STOP ts | WITHIN number SECONDS | REPEATS int TIMES
 *     cmpOr        := cmpAnd ( OR cmpAnd )*
 *     cmpAnd       := cmpPrimary ( AND cmpPrimary )*
 *     cmpPrimary   := '(' cmpOr ')' | EXISTS path | path NOT? op value
 *
 * The same comparison grammar serves Kestrel's bare WHERE (`name = 'x' AND pid > 4`): there a path without
 * `type:` gets the default type, and a right side like `procs.pid` may become a {@link VarRef}.
 */
import type {
  ComparisonExpr,
  ComparisonOp,
  Literal,
  ObjectPath,
  ObservationExpr,
  PathStep,
  Pattern,
  Qualifier,
  Span,
} from './ast.ts';
import { SemanticError, spanAt, type SyntaxError } from '../errors/index.ts';
import { Lexer, type Token } from './lexer.ts';
import { checkTimestamp, timestampMicros } from './timestamp.ts';

export interface ParseOptions {
  /** Name of the input for error messages (file path, `<cell 3>`, …). Default `<pattern>`. */
  readonly source?: string;
}

export interface ComparisonParseOptions extends ParseOptions {
  /** Entity type given to paths written without `type:` (`name` → `process:name`). */
  readonly defaultType: string;
  /** Where the expression starts inside `text` (spans stay relative to the whole `text`). Default 0. */
  readonly offset?: number;
  /** Where it ends (exclusive). Default `text.length`. */
  readonly end?: number;
  /** Allow `variable.attribute` on the right side (Kestrel); it becomes a `VarRef` literal. */
  readonly allowVarRefs?: boolean;
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
]);
const WORD_OPS: Record<string, ComparisonOp> = {
  IN: 'IN',
  LIKE: 'LIKE',
  MATCHES: 'MATCHES',
  ISSUBSET: 'ISSUBSET',
  ISSUPERSET: 'ISSUPERSET',
};
const PATH_HINT = 'a comparison needs an object path like process:name before the operator';

function describe(t: Token): string {
  if (t.kind === 'EOF') return 'the end of the pattern';
  if (t.kind === 'String') return `the string ${t.text}`;
  if (t.kind === 'Timestamp' || t.kind === 'Hex' || t.kind === 'Binary') return t.text;
  return `'${t.text}'`;
}

export class Parser {
  private readonly lexer: Lexer;
  private readonly buf: Token[] = [];
  private prevEnd: number;

  constructor(
    private readonly text: string,
    private readonly source: string,
    private readonly mode: { defaultType?: string; allowVarRefs?: boolean; kestrel: boolean },
    start = 0,
    end = text.length,
  ) {
    this.lexer = new Lexer(text, { source, lenientStrings: mode.kestrel }, start, end);
    this.prevEnd = start;
  }

  // ---- token plumbing ----
  private peek(k = 0): Token {
    while (this.buf.length <= k) this.buf.push(this.lexer.next());
    return this.buf[k]!;
  }
  private take(): Token {
    const t = this.peek();
    this.buf.shift();
    this.prevEnd = t.end;
    return t;
  }
  private isKw(t: Token, kw: string): boolean {
    return t.kind === 'Ident' && t.value.length === kw.length && t.value.toUpperCase() === kw;
  }
  private atKw(kw: string, k = 0): boolean {
    return this.isKw(this.peek(k), kw);
  }
  private err(t: Token, message: string, hint?: string, code = 'E_SYNTAX'): SyntaxError {
    return this.lexer.error(message, t.start, Math.max(1, t.end - t.start), hint, code);
  }
  private expect(kind: Token['kind'], what: string, hint?: string): Token {
    const t = this.peek();
    if (t.kind !== kind) throw this.err(t, `expected ${what}, found ${describe(t)}`, hint);
    return this.take();
  }
  private expectKw(kw: string, hint?: string): Token {
    const t = this.peek();
    if (!this.isKw(t, kw)) throw this.err(t, `expected ${kw}, found ${describe(t)}`, hint);
    return this.take();
  }
  private span(start: Token): Span {
    return { start: start.start, end: this.prevEnd, line: start.line, col: start.col };
  }
  private spanFrom(a: Span): Span {
    return { start: a.start, end: this.prevEnd, line: a.line, col: a.col };
  }
  get position(): number {
    return this.peek().start;
  }

  // ---- patterns ----
  parsePattern(): Pattern {
    const first = this.peek();
    if (first.kind === 'EOF')
      throw this.err(first, 'empty pattern', "a pattern looks like [process:name = 'cmd.exe']");
    const expr = this.obsFollowed();
    const t = this.peek();
    if (t.kind !== 'EOF')
      throw this.err(t, `unexpected ${describe(t)} after the pattern`, this.trailingHint(t));
    return { kind: 'Pattern', expr, source: this.text, span: this.span(first) };
  }

  private trailingHint(t: Token): string | undefined {
    if (t.kind === 'LBracket') return 'join observation expressions with AND, OR or FOLLOWEDBY';
    if (t.kind === 'RBracket' || t.kind === 'RParen') return 'this closing bracket has no opening partner';
    return undefined;
  }

  private obsFollowed(): ObservationExpr {
    let left = this.obsOr();
    while (this.atKw('FOLLOWEDBY')) {
      this.take();
      const right = this.obsOr();
      left = { kind: 'ObservationBinary', op: 'FOLLOWEDBY', left, right, span: this.spanFrom(left.span) };
    }
    return left;
  }
  private obsOr(): ObservationExpr {
    let left = this.obsAnd();
    while (this.atKw('OR')) {
      this.take();
      const right = this.obsAnd();
      left = { kind: 'ObservationBinary', op: 'OR', left, right, span: this.spanFrom(left.span) };
    }
    return left;
  }
  private obsAnd(): ObservationExpr {
    let left = this.obsQualified();
    while (this.atKw('AND')) {
      this.take();
      const right = this.obsQualified();
      left = { kind: 'ObservationBinary', op: 'AND', left, right, span: this.spanFrom(left.span) };
    }
    return left;
  }
  private obsQualified(): ObservationExpr {
    let expr = this.obsPrimary();
    for (;;) {
      const t = this.peek();
      let qualifier: Qualifier;
      if (this.isKw(t, 'START')) qualifier = this.startStop();
      else if (this.isKw(t, 'WITHIN')) qualifier = this.within();
      else if (this.isKw(t, 'REPEATS')) qualifier = this.repeats();
      else if (this.isKw(t, 'STOP')) throw this.err(t, 'STOP without START', "write START t'…' STOP t'…'");
      else return expr;
      expr = { kind: 'Qualified', expr, qualifier, span: this.spanFrom(expr.span) };
    }
  }
  private obsPrimary(): ObservationExpr {
    const t = this.peek();
    if (t.kind === 'LBracket') {
      this.take();
      if (this.peek().kind === 'RBracket') {
        throw this.err(
          this.peek(),
          'empty observation expression',
          "put a comparison inside: [process:name = 'x']",
        );
      }
      const expr = this.cmpOr();
      const close = this.peek();
      if (close.kind !== 'RBracket') {
        throw this.err(
          close,
          `expected ']' or AND/OR, found ${describe(close)}`,
          close.kind === 'EOF' ? "close the observation expression with ']'" : undefined,
        );
      }
      this.take();
      return { kind: 'Observation', expr, span: this.span(t) };
    }
    if (t.kind === 'LParen') {
      this.take();
      const inner = this.obsFollowed();
      this.expect('RParen', "')'");
      // Parentheses only group; the node keeps the span of what it groups.
      return inner;
    }
    if (t.kind === 'Ident' && this.peek(1).kind === 'Colon') {
      throw this.err(
        t,
        'a comparison must be inside square brackets',
        `write [${t.text}:…] — an observation expression is enclosed in [ ]`,
      );
    }
    throw this.err(t, `expected '[' to start an observation expression, found ${describe(t)}`);
  }

  private timestampToken(what: string): Token {
    const t = this.peek();
    if (t.kind !== 'Timestamp' && t.kind !== 'String') {
      throw this.err(
        t,
        `expected a timestamp after ${what}, found ${describe(t)}`,
        "write t'2020-06-30T19:25:00.000Z'",
      );
    }
    this.take();
    this.validateTimestamp(t);
    return t;
  }
  private validateTimestamp(t: Token): void {
    const problem = checkTimestamp(t.value);
    if (problem) {
      const inner = t.start + (t.kind === 'Timestamp' ? 2 : 1) + problem.offset;
      throw this.lexer.error(
        `invalid timestamp '${t.value}': ${problem.message}`,
        Math.min(inner, t.end - 1),
        problem.length,
        "timestamps are RFC 3339, e.g. t'2020-06-30T19:25:00.000Z'",
        'E_BAD_TIMESTAMP',
      );
    }
  }
  private startStop(): Qualifier {
    const kw = this.take();
    const start = this.timestampToken('START');
    this.expectKw('STOP', "START needs a STOP: START t'…' STOP t'…'");
    const stop = this.timestampToken('STOP');
    const a = timestampMicros(start.value);
    const b = timestampMicros(stop.value);
    if (!(a < b)) {
      throw new SemanticError(
        'E_START_AFTER_STOP',
        a === b ? 'START equals STOP: the time window is empty' : 'START is after STOP',
        {
          span: spanAt(this.source, this.text, start.start, stop.end - start.start),
          hint: 'STOP is exclusive and must be later than START',
        },
      );
    }
    return { kind: 'StartStop', start: start.value, stop: stop.value, span: this.span(kw) };
  }
  private within(): Qualifier {
    const kw = this.take();
    const n = this.peek();
    if (n.kind !== 'Int' && n.kind !== 'Float') {
      throw this.err(
        n,
        `expected a number of seconds after WITHIN, found ${describe(n)}`,
        'write WITHIN 300 SECONDS',
      );
    }
    this.take();
    const seconds = Number(n.value);
    if (!(seconds > 0))
      throw this.err(n, 'WITHIN needs a positive number of seconds', 'write WITHIN 300 SECONDS');
    this.expectKw('SECONDS', 'write WITHIN 300 SECONDS');
    return { kind: 'Within', seconds, span: this.span(kw) };
  }
  private repeats(): Qualifier {
    const kw = this.take();
    const n = this.peek();
    if (n.kind !== 'Int')
      throw this.err(
        n,
        `expected a whole number after REPEATS, found ${describe(n)}`,
        'write REPEATS 5 TIMES',
      );
    this.take();
    const times = Number(n.value);
    if (!(times >= 1)) throw this.err(n, 'REPEATS needs a count of at least 1', 'write REPEATS 5 TIMES');
    this.expectKw('TIMES', 'write REPEATS 5 TIMES');
    return { kind: 'Repeats', times, span: this.span(kw) };
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
  private cmpAnd(): ComparisonExpr {
    let left = this.cmpPrimary();
    while (this.atKw('AND')) {
      this.take();
      const right = this.cmpPrimary();
      left = { kind: 'ComparisonBinary', op: 'AND', left, right, span: this.spanFrom(left.span) };
    }
    return left;
  }
  private cmpPrimary(): ComparisonExpr {
    const t = this.peek();
    if (t.kind === 'LParen') {
      this.take();
      const inner = this.cmpOr();
      this.expect('RParen', "')'", 'close the parenthesis opened here');
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

  /** An object path: `type:key(.key|[n]|[*])*`; in Kestrel mode the `type:` prefix may be left out. */
  private path(): ObjectPath {
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
          throw this.err(k, `expected a property name after '.', found ${describe(k)}`);
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
          throw this.err(i, `expected a list index ([*] or [0], [1], …), found ${describe(i)}`);
        }
        this.expect('RBracket', "']'");
      } else {
        break;
      }
    }
    return { kind: 'ObjectPath', objectType, steps, span: this.span(t) };
  }

  private value(op: ComparisonOp, opTok: Token): Literal {
    const t = this.peek();
    if (
      this.mode.allowVarRefs &&
      t.kind === 'Ident' &&
      this.peek(1).kind === 'Dot' &&
      this.peek(2).kind === 'Ident'
    ) {
      if (!KEYWORDS.has(t.value.toUpperCase())) {
        this.take();
        this.take();
        const attr = this.take();
        return { kind: 'VarRef', variable: t.value, attribute: attr.value, span: this.span(t) };
      }
    }
    if (op === 'IN') {
      if (t.kind !== 'LParen')
        throw this.err(t, `IN needs a list in parentheses, found ${describe(t)}`, "write IN ('a', 'b')");
      this.take();
      const values: Literal[] = [];
      if (this.peek().kind === 'RParen')
        throw this.err(this.peek(), 'empty list after IN', "write IN ('a', 'b')");
      for (;;) {
        values.push(this.primitive(op));
        const sep = this.peek();
        if (sep.kind === 'Comma') {
          this.take();
          continue;
        }
        if (sep.kind === 'RParen') break;
        throw this.err(sep, `expected ',' or ')' in the list, found ${describe(sep)}`);
      }
      this.take();
      return { kind: 'List', values, span: this.span(t) };
    }
    if (t.kind === 'LParen') {
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
      throw this.err(t, `${op} needs a string, found ${describe(t)}`);
    }
    return lit;
  }

  private primitive(op: ComparisonOp): Literal {
    const t = this.peek();
    switch (t.kind) {
      case 'String':
        this.take();
        return { kind: 'String', value: t.value, span: this.span(t) };
      case 'Int':
        this.take();
        return { kind: 'Int', value: Number(t.value), span: this.span(t) };
      case 'Float':
        this.take();
        return { kind: 'Float', value: Number(t.value), span: this.span(t) };
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
        throw this.err(
          t,
          `expected a value after ${op}, found ${describe(t)}`,
          this.mode.allowVarRefs
            ? "quote strings ('text'), or write variable.attribute"
            : "quote strings: 'text'",
        );
      }
      case 'EOF':
        throw this.err(t, `expected a value after ${op}, found the end of the pattern`);
      default:
        throw this.err(t, `expected a value after ${op}, found ${describe(t)}`);
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
