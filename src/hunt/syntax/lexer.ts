/**
 * On-demand tokenizer for huntflows. Tokens are read lazily from a position because some parts of a statement are
 * not token-shaped: data source URIs (`file:///a.json,file:///b.json`), file paths, bare ISO timestamps and
 * attribute paths are scanned raw by the parser with {@link Lexer.scanRaw}. Whitespace (newlines included) and
 * `#` comments separate tokens; a statement ends where the next one begins, as in Kestrel's grammar.
 */
import { LineIndex } from '../../common/index.ts';
import type { Span } from './ast.ts';
import { HUNT_ERROR_CODES as C, syntaxError, type ErrorContext } from './diagnostics.ts';

export type TokenKind = 'word' | 'number' | 'string' | 'typed' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The text as written (for strings: including quotes and prefix). */
  readonly text: string;
  /** word: as written; punct: the symbol; number: digits; string/typed: the unescaped contents. */
  readonly value: string;
  /** For `typed` strings: `t`, `h` or `b` (lower case), or `r` for Kestrel's raw strings (`r'C:\\x'`, no escapes). */
  readonly prefix?: string;
  readonly start: number;
  readonly end: number;
}

const NUMBER_RE = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const PUNCT2 = new Set(['==', '!=', '<>', '<=', '>=']);
const PUNCT1 = new Set(['=', '<', '>', '(', ')', '[', ']', '{', '}', ',', ';', '+', '.', ':', '*']);

export class Lexer {
  /** Offset just after the last consumed token. */
  pos = 0;
  private readonly lines: LineIndex;
  private cache: Token | undefined;
  private cachedFrom = -1;

  constructor(
    readonly text: string,
    readonly ctx: ErrorContext,
  ) {
    this.lines = new LineIndex(text);
  }

  /** STIX-style span (1-based line/col) of `[start, end)`. */
  span(start: number, end: number): Span {
    const line = this.lines.lineOf(start);
    return { start, end, line, col: start - this.lines.lineStart(line) + 1 };
  }

  /** First offset at or after `from` that is not whitespace or inside a `#` comment. */
  skipTrivia(from: number): number {
    const s = this.text;
    let i = from;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff) i++;
      else if (c === 35) {
        while (i < s.length && s.charCodeAt(i) !== 10) i++;
      } else return i;
    }
  }

  peek(): Token {
    if (this.cache !== undefined && this.cachedFrom === this.pos) return this.cache;
    const t = this.tokenAt(this.pos);
    this.cache = t;
    this.cachedFrom = this.pos;
    return t;
  }

  /** The token after `t` (t must be a token of this lexer). */
  peekAfter(t: Token): Token {
    return this.tokenAt(t.end);
  }

  next(): Token {
    const t = this.peek();
    this.pos = t.end;
    return t;
  }

  /** Reads the token starting at the first non-trivia offset at or after `from` (memoised: lookahead re-reads). */
  tokenAt(from: number): Token {
    const slot = from & 63;
    if (this.memoFrom[slot] === from) return this.memo[slot];
    const t = this.read(from);
    this.memoFrom[slot] = from;
    this.memo[slot] = t;
    return t;
  }
  private readonly memoFrom: number[] = new Array<number>(64).fill(-1);
  private readonly memo: Token[] = new Array<Token>(64);

  private read(from: number): Token {
    const s = this.text;
    const i = this.skipTrivia(from);
    if (i >= s.length) return { kind: 'eof', text: '', value: '', start: s.length, end: s.length };
    const c = s[i];
    const cc = s.charCodeAt(i);
    if (cc === 39 || cc === 34) return this.stringAt(i, i, undefined);
    const lower = cc | 0x20;
    if ((lower >= 97 && lower <= 122) || cc === 95) {
      const q = s.charCodeAt(i + 1);
      if ((q === 39 || q === 34) && (lower === 116 || lower === 104 || lower === 98))
        return this.stringAt(i, i + 1, c.toLowerCase());
      if ((q === 39 || q === 34) && cc === 114) return this.stringAt(i, i + 1, 'r');
      let j = i + 1;
      for (;;) {
        const d = s.charCodeAt(j);
        const dl = d | 0x20;
        if ((dl >= 97 && dl <= 122) || (d >= 48 && d <= 57) || d === 95 || d === 45) j++;
        else break;
      }
      const w = s.slice(i, j);
      return { kind: 'word', text: w, value: w, start: i, end: j };
    }
    if ((cc >= 48 && cc <= 57) || (cc === 45 && s.charCodeAt(i + 1) >= 48 && s.charCodeAt(i + 1) <= 57)) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(s)!;
      return { kind: 'number', text: m[0], value: m[0], start: i, end: i + m[0].length };
    }
    const two = s.slice(i, i + 2);
    if (PUNCT2.has(two)) return { kind: 'punct', text: two, value: two, start: i, end: i + 2 };
    if (PUNCT1.has(c)) return { kind: 'punct', text: c, value: c, start: i, end: i + 1 };
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    throw syntaxError(
      this.ctx,
      C.badChar,
      `unexpected character '${ch}'`,
      i,
      ch.length,
      'remove it, or put it inside quotes',
    );
  }

  /** A quoted string starting at `quoteAt` (the token starts at `start`, before any t/h/b prefix). */
  private stringAt(start: number, quoteAt: number, prefix: string | undefined): Token {
    const s = this.text;
    const q = s[quoteAt];
    let out = '';
    let i = quoteAt + 1;
    while (i < s.length) {
      const c = s[i];
      if (c === '\\' && i + 1 < s.length && s[i + 1] !== '\n') {
        // as in Kestrel (and the STIX parser's Kestrel mode): \' \" \\ unescape, other escapes stay literal
        const n = s[i + 1];
        out += prefix !== 'r' && (n === "'" || n === '"' || n === '\\') ? n : c + n;
        i += 2;
        continue;
      }
      if (c === q) {
        const text = s.slice(start, i + 1);
        return prefix === undefined
          ? { kind: 'string', text, value: out, start, end: i + 1 }
          : { kind: 'typed', text, value: out, prefix, start, end: i + 1 };
      }
      if (c === '\n') break;
      out += c;
      i++;
    }
    const atEnd = this.skipTrivia(i) >= s.length;
    throw syntaxError(
      this.ctx,
      C.unterminatedString,
      'unterminated string: no closing quote on this line',
      quoteAt,
      1,
      `close it with ${q} (a string cannot span lines; escape a quote inside it as \\${q})`,
      { incomplete: atEnd },
    );
  }

  /**
   * Matches a sticky regular expression at the first non-trivia offset at or after the current position, without
   * consuming. Returns the match text and where it starts, or undefined.
   */
  scanRaw(re: RegExp): { text: string; start: number; end: number } | undefined {
    const i = this.skipTrivia(this.pos);
    re.lastIndex = i;
    const m = re.exec(this.text);
    if (!m || m[0].length === 0) return undefined;
    return { text: m[0], start: i, end: i + m[0].length };
  }

  /** Moves the position to `end` (after a raw scan). */
  advanceTo(end: number): void {
    this.pos = end;
  }
}
