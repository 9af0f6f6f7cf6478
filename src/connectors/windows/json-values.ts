/**
 * Cuts a stream of JSON text into its top-level values, parsed, chunk by chunk: JSON lines (one value a line — the
 * fast path: one `indexOf('\n')` and one `JSON.parse` per line), pretty-printed values one after another (what
 * EVTX-to-JSON converters and SigmaHQ's regression files hold), or one top-level array whose elements are the
 * values. Memory holds one chunk plus one value.
 *
 * The mode is chosen from the start of the text: a first line that is a whole JSON value means JSON lines; then a
 * line that does not parse is reported on its own ({@link JsonValue.error}) and the next lines go on. Otherwise the
 * text is scanned structurally (depth, strings), and a value that does not parse stops the stream — nothing after it
 * can be trusted to start where a value starts.
 *
 * Positions: `line` is 1-based; `col` is 1-based in UTF-16 code units of the line.
 */
import { locateJsonError, positionIn as position } from '../files/json-locate.ts';

/** One top-level value (or one element of a top-level array), or the reason its text is not JSON. */
export interface JsonValue {
  readonly value?: unknown;
  readonly line: number;
  readonly col: number;
  /** Set when the text at `line`/`col` is not a JSON value; `value` is then absent. */
  readonly error?: {
    readonly message: string;
    readonly line: number;
    readonly col: number;
    readonly text: string;
  };
}

const LINES = 1;
const SCAN = 2;

export class JsonValueSplitter {
  private buf = '';
  /** Line number of the first character of `buf`. */
  private line = 1;
  private mode = 0;
  // structural scanner state (SCAN mode), relative to `buf`
  private pos = 0;
  private depth = 0;
  private inString = false;
  private start = -1;
  private startLine = 0;
  private startCol = 0;
  private lineStart = 0;
  private scanLine = 1;
  /** Inside a top-level array whose elements are the values. */
  private inArray = false;
  private first = true;
  /** Set once a structural error stopped the stream. */
  failed = false;

  /** Feeds the next piece of text; returns the values it completes. */
  feed(text: string): JsonValue[] {
    if (this.failed) return [];
    if (this.first) {
      if (text.length === 0) return [];
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buf = this.buf.length ? this.buf + text : text;
    return this.drain(false);
  }

  /** The values left at the end of the text (a last line without a newline, an unfinished value as an error). */
  end(): JsonValue[] {
    if (this.failed) return [];
    return this.drain(true);
  }

  private drain(atEnd: boolean): JsonValue[] {
    const out: JsonValue[] = [];
    if (this.mode === 0 && !this.chooseMode(atEnd)) return out;
    if (this.mode === LINES) this.lines(out, atEnd);
    else this.scan(out, atEnd);
    return out;
  }

  /** Picks the mode once the first non-blank character (and, for `{`, its whole line) is in the buffer. */
  private chooseMode(atEnd: boolean): boolean {
    let i = 0;
    const b = this.buf;
    while (i < b.length && isWs(b.charCodeAt(i))) i++;
    if (i === b.length) return false;
    if (b.charCodeAt(i) !== 123 /* { */) {
      this.mode = SCAN;
      return true;
    }
    let nl = b.indexOf('\n', i);
    if (nl < 0) {
      if (!atEnd) return false;
      nl = b.length;
    }
    try {
      JSON.parse(b.slice(i, nl));
      this.mode = LINES;
    } catch {
      this.mode = SCAN;
    }
    return true;
  }

  private lines(out: JsonValue[], atEnd: boolean): void {
    const b = this.buf;
    let start = 0;
    let nl: number;
    while ((nl = b.indexOf('\n', start)) >= 0 || (atEnd && start < b.length)) {
      const end = nl < 0 ? b.length : nl;
      this.lineValue(b, start, end, out);
      this.line++;
      start = end + 1;
      if (nl < 0) break;
    }
    this.buf = start >= b.length ? '' : b.slice(start);
  }

  private lineValue(b: string, start: number, end: number, out: JsonValue[]): void {
    let a = start;
    let z = end;
    while (a < z && isWs(b.charCodeAt(a))) a++;
    while (z > a && isWs(b.charCodeAt(z - 1))) z--;
    if (a === z) return;
    const text = b.slice(a, z);
    try {
      out.push({ value: JSON.parse(text), line: this.line, col: a - start + 1 });
    } catch {
      const p = locateJsonError(text);
      out.push({
        line: this.line,
        col: a - start + 1,
        error: {
          message: p.message,
          line: this.line,
          col: a - start + 1 + p.offset,
          text: b.slice(start, end),
        },
      });
    }
  }

  private scan(out: JsonValue[], atEnd: boolean): void {
    const b = this.buf;
    let i = this.pos;
    const n = b.length;
    while (i < n) {
      if (this.inString) {
        const q = b.indexOf('"', i);
        if (q < 0) {
          i = n;
          break;
        }
        let k = q - 1;
        while (k >= 0 && b.charCodeAt(k) === 92 /* \ */) k--;
        i = q + 1;
        if ((q - 1 - k) % 2 === 0) this.inString = false;
        continue;
      }
      const c = b.charCodeAt(i);
      if (c === 10) {
        this.scanLine++;
        this.lineStart = i + 1;
        i++;
        continue;
      }
      if (this.depth === 0) {
        if (isWs(c)) {
          i++;
          continue;
        }
        if (this.inArray && c === 44 /* , */) {
          i++;
          continue;
        }
        if (this.inArray && c === 93 /* ] */) {
          this.inArray = false;
          i++;
          continue;
        }
        if (!this.inArray && c === 91 /* [ */ && this.start < 0) {
          this.inArray = true;
          i++;
          continue;
        }
        if (c !== 123 && c !== 91) {
          this.fail(out, b, i, `expected a JSON object, found ${describe(b, i)}`);
          return;
        }
        this.start = i;
        this.startLine = this.scanLine;
        this.startCol = i - this.lineStart + 1;
      }
      if (c === 34 /* " */) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) {
        this.depth--;
        if (this.depth === 0) {
          const text = b.slice(this.start, i + 1);
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            const p = locateJsonError(text);
            const at = position(text, p.offset, this.startLine, this.startCol);
            this.fail(out, b, this.start + p.offset, p.message, at);
            return;
          }
          out.push({ value, line: this.startLine, col: this.startCol });
          this.start = -1;
        }
      }
      i++;
    }
    // keep only what an unfinished value (or the current line) still needs
    const keep = this.start >= 0 ? this.start : this.lineStart;
    if (atEnd) {
      if (this.start >= 0 || this.inArray) {
        const text = this.start >= 0 ? b.slice(this.start) : '';
        const p = this.start >= 0 ? locateJsonError(text) : { offset: 0, message: 'unterminated array' };
        this.fail(
          out,
          b,
          this.start >= 0 ? this.start + p.offset : n,
          p.message,
          this.start >= 0 ? position(text, p.offset, this.startLine, this.startCol) : undefined,
        );
      }
      return;
    }
    this.buf = b.slice(keep);
    this.pos = i - keep;
    if (this.start >= 0) this.start -= keep;
    this.lineStart -= keep;
  }

  private fail(
    out: JsonValue[],
    b: string,
    i: number,
    message: string,
    at?: { line: number; col: number },
  ): void {
    this.failed = true;
    const line = at?.line ?? this.scanLine;
    const col = at?.col ?? i - this.lineStart + 1;
    const ls = b.lastIndexOf('\n', i - 1) + 1;
    let le = b.indexOf('\n', i);
    if (le < 0) le = b.length;
    out.push({ line, col, error: { message, line, col, text: b.slice(ls, Math.min(le, ls + 400)) } });
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function describe(b: string, i: number): string {
  const c = b.charCodeAt(i);
  return c >= 32 && c < 127 ? `'${b[i]}'` : `character U+${c.toString(16).padStart(4, '0').toUpperCase()}`;
}
