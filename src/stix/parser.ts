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
 *     cmpOr …                                               see comparison-parser.ts
 *
 * The same comparison grammar serves Kestrel's bare WHERE (`name = 'x' AND pid > 4`): there a path without
 * `type:` gets the default type, and a right side like `procs.pid` may become a VarRef.
 */
import type { ObservationExpr, Pattern, Qualifier } from './ast.ts';
import { SemanticError, spanAt } from '../errors/index.ts';
import type { Token } from './lexer.ts';
import { ComparisonParser, type ComparisonMode } from './comparison-parser.ts';
import { describe, type LexPlacement } from './cursor.ts';
import { timestampMicros } from './timestamp.ts';

export interface ParseOptions {
  /** Name of the input for error messages (file path, `<cell 3>`, …). Default `<pattern>`. */
  readonly source?: string;
  /**
   * Where the text to parse starts inside `text` (spans and error positions stay relative to the whole `text`, so
   * pass a whole huntflow and a clause's range to get line:col right without slicing). Default 0.
   */
  readonly offset?: number;
  /** Where it ends (exclusive). Default `text.length`. */
  readonly end?: number;
  /**
   * Line and column (1-based) of `offset`, when known (e.g. from the caller's line index). Without them the lexer
   * counts lines from the start of `text`, which costs time linear in `offset`.
   */
  readonly line?: number;
  readonly col?: number;
  /** Treat `#` to the end of a line as white space (huntflow comments). Default false. */
  readonly comments?: boolean;
}

export interface ComparisonParseOptions extends ParseOptions {
  /** Entity type given to paths written without `type:` (`name` → `process:name`). */
  readonly defaultType: string;
  /**
   * Kestrel's value forms: `variable.attribute` on the right side (a `VarRef` literal, also inside lists), unquoted
   * words as strings, `IS [NOT] NULL` (see comparison-parser.ts).
   */
  readonly allowVarRefs?: boolean;
  /** Upper-case words that may not be unquoted string values (the huntflow's own keywords). */
  readonly reserved?: ReadonlySet<string>;
}

/** The lexer placement of parse options. */
export function placementOf(o: ParseOptions): LexPlacement {
  return o.line === undefined
    ? { comments: o.comments ?? false }
    : { startLine: o.line, startCol: o.col ?? 1, comments: o.comments ?? false };
}

/** The whole-pattern parser; `comparisonAll()`/`comparisonPrefix()` (inherited) parse a bare condition. */
export class Parser extends ComparisonParser {
  constructor(
    text: string,
    source: string,
    mode: ComparisonMode,
    private readonly start = 0,
    private readonly end = text.length,
    placement: LexPlacement = {},
  ) {
    super(text, source, mode, start, end, placement);
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
    const source =
      this.start === 0 && this.end === this.text.length ? this.text : this.text.slice(this.start, this.end);
    return { kind: 'Pattern', expr, source, span: this.span(first) };
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
      this.enter(t);
      const inner = this.obsFollowed();
      this.depth--;
      this.expect(
        'RParen',
        "')'",
        "an earlier '(' is not closed, or an operator (AND, OR, FOLLOWEDBY) is missing",
      );
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
    throw this.err(
      t,
      `expected '[' to start an observation expression, found ${describe(t)}`,
      "a pattern looks like [process:name = 'cmd.exe']",
    );
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
}
