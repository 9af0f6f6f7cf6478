/**
 * The STIX pattern lexer: text → tokens with offsets and 1-based line/col. Keywords are not separate token kinds —
 * they are `Ident` tokens the parser compares case-insensitively — so a property called `start` or `in` still
 * lexes as a name. Prefixed literals (`t'…'`, `h'…'`, `b'…'`) are recognised when the letter is directly followed
 * by a quote.
 *
 * Invariant: tokens are produced lazily and in order; `pos` only moves forward.
 */
import { ParseError, spanAt } from '../errors/index.ts';

export type TokenKind =
  | 'Ident'
  | 'String'
  | 'Int'
  | 'Float'
  | 'Timestamp'
  | 'Hex'
  | 'Binary'
  | 'Op'
  | 'LBracket'
  | 'RBracket'
  | 'LParen'
  | 'RParen'
  | 'Colon'
  | 'Dot'
  | 'Comma'
  | 'Star'
  | 'EOF';

export interface Token {
  readonly kind: TokenKind;
  /** Raw text of the token (for literals, the decoded value is in `value`). */
  readonly text: string;
  /** Decoded value: string contents without quotes/escapes, numbers as text. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly col: number;
}

export interface LexerOptions {
  /** Name of the input for error spans. */
  readonly source: string;
  /**
   * Kestrel mode: also accept "double-quoted" strings, keep unknown backslash escapes literally, and read `r'…'` /
   * `r"…"` as raw strings (no escape processing; a backslash still keeps the next quote from closing the string).
   */
  readonly lenientStrings?: boolean;
  /**
   * Line (1-based) and column (1-based) of the start offset, when the caller knows them (e.g. from a line index of
   * the whole huntflow). Without them the lexer counts lines from offset 0 — linear in the start offset, which is
   * quadratic when many clauses of one long text are lexed one after another.
   */
  readonly startLine?: number;
  readonly startCol?: number;
  /** Treat `#` to the end of the line as white space (huntflow comments inside a multi-line WHERE). */
  readonly comments?: boolean;
}

const isIdentStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57) || c === 45;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

export class Lexer {
  private pos: number;
  private line = 1;
  private lineStart = 0;

  constructor(
    readonly text: string,
    readonly options: LexerOptions,
    start = 0,
    readonly limit = text.length,
  ) {
    this.pos = start;
    if (options.startLine !== undefined) {
      this.line = options.startLine;
      this.lineStart = start - ((options.startCol ?? 1) - 1);
      return;
    }
    for (let i = 0; i < start; i++) {
      if (text.charCodeAt(i) === 10) {
        this.line++;
        this.lineStart = i + 1;
      }
    }
  }

  error(message: string, offset: number, length: number, hint?: string, code = 'E_SYNTAX'): ParseError {
    return new ParseError(code, message, {
      span: spanAt(this.options.source, this.text, offset, length),
      hint,
    });
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < this.limit) {
      const c = t.charCodeAt(this.pos);
      if (c === 10) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (c === 32 || c === 9 || c === 13) {
        this.pos++;
      } else if (c === 35 && this.options.comments) {
        while (this.pos < this.limit && t.charCodeAt(this.pos) !== 10) this.pos++;
      } else {
        break;
      }
    }
  }

  private make(kind: TokenKind, start: number, value: string, line: number, col: number): Token {
    return { kind, text: this.text.slice(start, this.pos), value, start, end: this.pos, line, col };
  }

  next(): Token {
    this.skipSpace();
    const t = this.text;
    const start = this.pos;
    const line = this.line;
    const col = start - this.lineStart + 1;
    if (start >= this.limit) return { kind: 'EOF', text: '', value: '', start, end: start, line, col };
    const c = t.charCodeAt(start);
    const single = (kind: TokenKind): Token => {
      this.pos++;
      return this.make(kind, start, t[start]!, line, col);
    };
    switch (c) {
      case 91:
        return single('LBracket');
      case 93:
        return single('RBracket');
      case 40:
        return single('LParen');
      case 41:
        return single('RParen');
      case 58:
        return single('Colon');
      case 44:
        return single('Comma');
      case 42:
        return single('Star');
      case 46:
        if (isDigit(t.charCodeAt(start + 1))) return this.number(start, line, col);
        return single('Dot');
      case 39:
        return this.string(start, line, col, 'String', 39);
      case 34:
        if (this.options.lenientStrings) return this.string(start, line, col, 'String', 34);
        throw this.error(
          'double quotes do not start a string in a STIX pattern',
          start,
          1,
          "write strings in single quotes: 'text'",
        );
      case 61: // = ==
        this.pos += t.charCodeAt(start + 1) === 61 ? 2 : 1;
        return this.make('Op', start, '=', line, col);
      case 33: // !=
        if (t.charCodeAt(start + 1) === 61) {
          this.pos += 2;
          return this.make('Op', start, '!=', line, col);
        }
        throw this.error("unexpected '!'", start, 1, "use != for 'not equal' or NOT before the operator");
      case 60: {
        // < <= <>
        const n = t.charCodeAt(start + 1);
        if (n === 61) {
          this.pos += 2;
          return this.make('Op', start, '<=', line, col);
        }
        if (n === 62) {
          this.pos += 2;
          return this.make('Op', start, '!=', line, col);
        }
        this.pos++;
        return this.make('Op', start, '<', line, col);
      }
      case 62: {
        if (t.charCodeAt(start + 1) === 61) {
          this.pos += 2;
          return this.make('Op', start, '>=', line, col);
        }
        this.pos++;
        return this.make('Op', start, '>', line, col);
      }
      case 43:
      case 45:
        if (
          isDigit(t.charCodeAt(start + 1)) ||
          (t.charCodeAt(start + 1) === 46 && isDigit(t.charCodeAt(start + 2)))
        ) {
          return this.number(start, line, col);
        }
        break;
      default:
        if (isDigit(c)) return this.number(start, line, col);
        if (isIdentStart(c)) {
          const n = t.charCodeAt(start + 1);
          if (c === 114 && (n === 39 || n === 34) && this.options.lenientStrings)
            return this.string(start, line, col, 'String', n, 1, true);
          if (n === 39 && (c === 116 || c === 84)) return this.string(start, line, col, 'Timestamp', 39, 1);
          if (n === 39 && (c === 104 || c === 72)) return this.string(start, line, col, 'Hex', 39, 1);
          if (n === 39 && (c === 98 || c === 66)) return this.string(start, line, col, 'Binary', 39, 1);
          let p = start + 1;
          while (p < this.limit && isIdentPart(t.charCodeAt(p))) p++;
          // A trailing hyphen belongs to what follows (e.g. `x-` then a number), not to the name.
          while (p > start + 1 && t.charCodeAt(p - 1) === 45) p--;
          this.pos = p;
          return this.make('Ident', start, t.slice(start, p), line, col);
        }
    }
    const ch = String.fromCodePoint(t.codePointAt(start)!);
    throw this.error(
      `unexpected character '${ch}'`,
      start,
      ch.length,
      'a pattern is made of [ ], ( ), object paths, operators and quoted values',
    );
  }

  private number(start: number, line: number, col: number): Token {
    const t = this.text;
    let p = start;
    if (t.charCodeAt(p) === 43 || t.charCodeAt(p) === 45) p++;
    while (isDigit(t.charCodeAt(p))) p++;
    let float = false;
    if (t.charCodeAt(p) === 46 && isDigit(t.charCodeAt(p + 1))) {
      float = true;
      p++;
      while (isDigit(t.charCodeAt(p))) p++;
    }
    const e = t.charCodeAt(p);
    if (e === 101 || e === 69) {
      let q = p + 1;
      if (t.charCodeAt(q) === 43 || t.charCodeAt(q) === 45) q++;
      if (isDigit(t.charCodeAt(q))) {
        float = true;
        while (isDigit(t.charCodeAt(q))) q++;
        p = q;
      }
    }
    if (p < this.limit && isIdentStart(t.charCodeAt(p))) {
      let q = p;
      while (q < this.limit && isIdentPart(t.charCodeAt(q))) q++;
      throw this.error(`malformed number '${t.slice(start, q)}'`, start, q - start);
    }
    this.pos = p;
    const text = t.slice(start, p);
    return this.make(float ? 'Float' : 'Int', start, text, line, col);
  }

  /** A quoted literal starting at `start` (after `prefix` letters). Decodes `\'` and `\\` unless `raw`. */
  private string(
    start: number,
    line: number,
    col: number,
    kind: TokenKind,
    quote: number,
    prefix = 0,
    raw = false,
  ): Token {
    const t = this.text;
    let p = start + prefix + 1;
    let out = '';
    let chunk = p;
    for (;;) {
      if (p >= this.limit) {
        throw this.error(
          'unterminated string',
          start,
          Math.max(1, p - start),
          `close it with ${quote === 39 ? "'" : '"'}`,
        );
      }
      const c = t.charCodeAt(p);
      if (c === quote) break;
      if (c === 10) {
        this.line++;
        this.lineStart = p + 1;
      }
      if (c === 92 && raw) {
        p += t.charCodeAt(p + 1) === 10 ? 1 : 2;
        continue;
      }
      if (c === 92) {
        const n = t.charCodeAt(p + 1);
        if (n === 39 || n === 92 || (n === 34 && this.options.lenientStrings)) {
          out += t.slice(chunk, p) + String.fromCharCode(n);
          p += 2;
          chunk = p;
          continue;
        }
        if (!this.options.lenientStrings) {
          throw this.error(
            `invalid escape '\\${Number.isNaN(n) ? '' : String.fromCharCode(n)}' in string`,
            p,
            2,
            "STIX strings only know \\' and \\\\; write \\\\ for a single backslash",
          );
        }
        p += t.charCodeAt(p + 1) === 10 ? 1 : 2;
        continue;
      }
      p++;
    }
    out += t.slice(chunk, p);
    this.pos = p + 1;
    return this.make(kind, start, out, line, col);
  }
}
