/**
 * Token plumbing shared by the STIX parsers: one-token-at-a-time lookahead over the {@link Lexer}, positioned errors,
 * spans. Subclasses add the grammar (comparison-parser.ts, parser.ts).
 */
import type { Span } from './ast.ts';
import { type ParseError } from '../errors/index.ts';
import { Lexer, type LexerOptions, type Token } from './lexer.ts';

/** Where to parse inside a longer text: lexer options other than the source name (line/col of `start`, comments). */
export type LexPlacement = Omit<LexerOptions, 'source' | 'lenientStrings'>;
import { checkTimestamp } from './timestamp.ts';

/** How a token is named in an error message. */
export function describe(t: Token): string {
  if (t.kind === 'EOF') return 'the end of the pattern';
  if (t.kind === 'String') return `the string ${t.text}`;
  if (t.kind === 'Timestamp' || t.kind === 'Hex' || t.kind === 'Binary') return t.text;
  return `'${t.text}'`;
}

export class TokenCursor {
  protected readonly lexer: Lexer;
  protected readonly buf: Token[] = [];
  protected prevEnd: number;

  constructor(
    protected readonly text: string,
    protected readonly source: string,
    lenientStrings: boolean,
    start = 0,
    end = text.length,
    placement: LexPlacement = {},
  ) {
    this.lexer = new Lexer(text, { ...placement, source, lenientStrings }, start, end);
    this.prevEnd = start;
  }

  // ---- token plumbing ----
  protected peek(k = 0): Token {
    while (this.buf.length <= k) this.buf.push(this.lexer.next());
    return this.buf[k]!;
  }
  protected take(): Token {
    const t = this.peek();
    this.buf.shift();
    this.prevEnd = t.end;
    return t;
  }
  protected isKw(t: Token, kw: string): boolean {
    return t.kind === 'Ident' && t.value.length === kw.length && t.value.toUpperCase() === kw;
  }
  protected atKw(kw: string, k = 0): boolean {
    return this.isKw(this.peek(k), kw);
  }
  protected err(t: Token, message: string, hint?: string, code = 'E_SYNTAX'): ParseError {
    return this.lexer.error(message, t.start, Math.max(1, t.end - t.start), hint, code);
  }
  protected expect(kind: Token['kind'], what: string, hint?: string): Token {
    const t = this.peek();
    if (t.kind !== kind) throw this.err(t, `expected ${what}, found ${describe(t)}`, hint);
    return this.take();
  }
  protected expectKw(kw: string, hint?: string): Token {
    const t = this.peek();
    if (!this.isKw(t, kw)) throw this.err(t, `expected ${kw}, found ${describe(t)}`, hint);
    return this.take();
  }
  protected span(start: Token): Span {
    return { start: start.start, end: this.prevEnd, line: start.line, col: start.col };
  }
  protected spanFrom(a: Span): Span {
    return { start: a.start, end: this.prevEnd, line: a.line, col: a.col };
  }
  get position(): number {
    return this.peek().start;
  }

  protected validateTimestamp(t: Token): void {
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
}
