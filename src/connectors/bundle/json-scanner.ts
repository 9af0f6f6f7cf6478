/**
 * An incremental scanner that cuts a STIX bundle — `{"type": "bundle", …, "objects": [ … ]}` — into the raw text of
 * each element of its top-level `objects` array, chunk by chunk, without ever holding the whole file. Each element
 * is then `JSON.parse`d on its own, so memory stays at one chunk plus one element, whatever the bundle's size.
 *
 * It only tracks what it must: nesting depth, strings (skipped with a native `indexOf` for the closing quote, with
 * backslash runs counted across chunk boundaries), and lines for error positions. A root that is a plain array is
 * taken as the objects list itself. The other top-level members (`type`, `id`, `spec_version`, …) are parsed and
 * kept in {@link BundleScanner.top}.
 *
 * Positions: `line` is 1-based; `col` is 1-based and counts bytes (exact for ASCII lines).
 */

/** A scanned element: its JSON text and where it starts in the file. */
export interface RawElement {
  readonly text: string;
  readonly line: number;
  readonly col: number;
  /** Index of the element in the objects array. */
  readonly index: number;
}

/** Raised by the scanner; the bundle reader turns it into an InputError with the file's name. */
export class ScanError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
    readonly hint?: string,
    readonly code = 'E_BUNDLE_JSON',
    /** The text of the offending line, when known (up to 200 characters around the column). */
    readonly lineText?: string,
  ) {
    super(message);
  }
}

/** The line around byte `i` of `buf`, padded so that the column still lines up when the line began earlier. */
function lineAround(buf: Buffer, i: number, col: number): string {
  let a = i;
  while (a > 0 && buf[a - 1] !== 10 && i - a < 160) a--;
  let b = i;
  while (b < buf.length && buf[b] !== 10 && buf[b] !== 13 && b - i < 40) b++;
  const text = buf.toString('utf8', a, b);
  const missing = col - 1 - (i - a);
  return missing > 0 ? ' '.repeat(missing) + text : text;
}

// States of the structural machine.
const ROOT = 0; // before the root value
const OBJ_KEY = 1; // in the root object: expecting a key or '}'
const OBJ_COLON = 2;
const OBJ_VALUE = 3;
const OBJ_NEXT = 4; // expecting ',' or '}'
const ARR_ELEM = 5; // in the objects array: expecting an element or ']'
const ARR_NEXT = 6; // expecting ',' or ']'
const VALUE = 7; // inside a value being captured
const DONE = 8;

// What a captured value is for.
const FOR_KEY = 0;
const FOR_MEMBER = 1;
const FOR_ELEMENT = 2;

const isWs = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

function describeByte(c: number): string {
  return c >= 32 && c < 127 ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

export class BundleScanner {
  /** Top-level members other than `objects`, parsed. */
  readonly top: Record<string, unknown> = {};
  /** True once an `objects` array (or a root array) was entered. */
  sawObjects = false;
  rootIsArray = false;
  rootKind: 'object' | 'array' | 'none' = 'none';

  private state = ROOT;
  private line = 1;
  /** Global byte offset of the start of the current line. */
  private lineStart = 0;
  /** Global byte offset of the current chunk's first byte. */
  private base = 0;
  private key = '';
  private elements = 0;

  // value capture
  private vFor = FOR_MEMBER;
  private vDepth = 0;
  private vInString = false;
  private vEscape = false;
  private vScalar = false;
  private vPieces: Buffer[] = [];
  private vLine = 0;
  private vCol = 0;
  /** State to go back to when the captured value ends. */
  private vReturn = OBJ_NEXT;

  /** Feeds the next chunk; returns the elements completed inside it, in order. */
  feed(buf: Buffer): RawElement[] {
    const out: RawElement[] = [];
    const n = buf.length;
    let i = 0;
    let vStart = 0;
    let carried = false;
    while (i < n) {
      if (this.state === VALUE) {
        // ---- hot loop: inside a captured value (locals only; fields are synced at the end) ----
        let ended = -1;
        let depth = this.vDepth;
        let inString = this.vInString;
        if (this.vEscape) {
          this.vEscape = false;
          i++;
        }
        if (this.vScalar) {
          while (i < n) {
            const c = buf[i]!;
            if (c === 44 || c === 125 || c === 93 || isWs(c)) {
              ended = i;
              break;
            }
            i++;
          }
        } else {
          while (i < n) {
            if (inString) {
              while (i < n) {
                const c = buf[i]!;
                if (c === 34) break;
                i += c === 92 ? 2 : 1;
              }
              if (i >= n) {
                this.vEscape = i > n;
                break;
              }
              inString = false;
              i++;
              if (depth === 0) {
                ended = i;
                break;
              }
              continue;
            }
            const c = buf[i]!;
            if (c === 34) {
              inString = true;
            } else if (c === 123 || c === 91) {
              depth++;
            } else if (c === 125 || c === 93) {
              if (--depth === 0) {
                i++;
                ended = i;
                break;
              }
            } else if (c === 10) {
              this.line++;
              this.lineStart = this.base + i + 1;
            }
            i++;
          }
        }
        this.vDepth = depth;
        this.vInString = inString;
        if (ended < 0) {
          this.vPieces.push(buf.subarray(vStart, n));
          carried = true;
          break;
        }
        const text =
          this.vPieces.length === 0
            ? buf.toString('utf8', vStart, ended)
            : Buffer.concat([...this.vPieces, buf.subarray(vStart, ended)]).toString('utf8');
        this.vPieces = [];
        this.finishValue(text, out);
        continue;
      }

      const c = buf[i]!;
      if (isWs(c)) {
        if (c === 10) {
          this.line++;
          this.lineStart = this.base + i + 1;
        }
        i++;
        continue;
      }
      switch (this.state) {
        case ROOT:
          if (c === 123) {
            this.rootKind = 'object';
            this.state = OBJ_KEY;
          } else if (c === 91) {
            this.rootKind = 'array';
            this.rootIsArray = true;
            this.sawObjects = true;
            this.state = ARR_ELEM;
          } else if (c === 0xef && buf[i + 1] === 0xbb && buf[i + 2] === 0xbf && this.base + i === 0) {
            i += 3; // UTF-8 byte order mark
            continue;
          } else {
            throw this.err(
              `the file does not start with a JSON object but with ${describeByte(c)}`,
              i,
              'E_NOT_A_BUNDLE',
              buf,
            );
          }
          i++;
          continue;
        case OBJ_KEY:
          if (c === 125 && this.key === '') {
            this.state = DONE;
            i++;
            continue;
          }
          if (c !== 34)
            throw this.err(
              `expected a member name in the bundle object, found ${describeByte(c)}`,
              i,
              undefined,
              buf,
            );
          vStart = i;
          this.begin(FOR_KEY, OBJ_COLON, i);
          this.vInString = true;
          i++;
          continue;
        case OBJ_COLON:
          if (c !== 58)
            throw this.err(`expected ':' after "${this.key}", found ${describeByte(c)}`, i, undefined, buf);
          this.state = OBJ_VALUE;
          i++;
          continue;
        case OBJ_VALUE:
          if (this.key === 'objects' && c === 91) {
            this.sawObjects = true;
            this.state = ARR_ELEM;
            i++;
            continue;
          }
          vStart = i;
          this.beginValue(FOR_MEMBER, OBJ_NEXT, c, i);
          if (!this.vScalar) i++;
          continue;
        case OBJ_NEXT:
          if (c === 44) this.state = OBJ_KEY;
          else if (c === 125) this.state = DONE;
          else
            throw this.err(
              `expected ',' or '}' in the bundle object, found ${describeByte(c)}`,
              i,
              undefined,
              buf,
            );
          i++;
          continue;
        case ARR_ELEM:
          if (c === 93 && this.elements === 0) {
            this.state = this.rootIsArray ? DONE : OBJ_NEXT;
            i++;
            continue;
          }
          if (c !== 123) {
            throw this.err(
              `objects[${this.elements}] is not a JSON object (found ${describeByte(c)})`,
              i,
              c === 93 ? 'E_BUNDLE_JSON' : 'E_NOT_A_BUNDLE',
              buf,
            );
          }
          vStart = i;
          this.beginValue(FOR_ELEMENT, ARR_NEXT, c, i);
          i++;
          continue;
        case ARR_NEXT:
          if (c === 44) this.state = ARR_ELEM;
          else if (c === 93) this.state = this.rootIsArray ? DONE : OBJ_NEXT;
          else
            throw this.err(
              `expected ',' or ']' after objects[${this.elements - 1}], found ${describeByte(c)}`,
              i,
              undefined,
              buf,
            );
          i++;
          continue;
        case DONE:
          if (!this.sawObjects && c === 123) {
            const e = this.err(
              'the file holds several JSON objects one after the other (JSON lines?)',
              i,
              'E_NOT_A_BUNDLE',
              buf,
            );
            throw new ScanError(
              e.message,
              e.line,
              e.col,
              'a bundle is one JSON object {"type": "bundle", "objects": [ … ]}; JSON lines of ECS documents are loaded with `peregrine ingest`',
              e.code,
              e.lineText,
            );
          }
          throw this.err(`unexpected ${describeByte(c)} after the end of the bundle`, i, undefined, buf);
      }
    }
    // A value that began at the very end of the chunk: keep its first bytes.
    if (this.state === VALUE && !carried) this.vPieces.push(buf.subarray(vStart, n));
    this.base += n;
    return out;
  }

  /** Call at end of input: throws if the bundle is incomplete or has no objects. */
  end(): void {
    if (this.state === DONE) return;
    // The caret goes on the (empty) last line, so the rendered error still shows where the file ends.
    if (this.state === ROOT)
      throw new ScanError(
        this.base === 0 ? 'the file is empty' : 'the file holds only whitespace',
        this.line,
        1,
        undefined,
        'E_NOT_A_BUNDLE',
        '',
      );
    const col = this.base - this.lineStart + 1;
    const what =
      this.state === VALUE && this.vInString
        ? 'inside a string'
        : this.state === VALUE || this.state === ARR_ELEM || this.state === ARR_NEXT
          ? `inside objects[${this.elements}]`
          : 'inside the bundle object';
    throw new ScanError(
      `unexpected end of file ${what}`,
      this.line,
      col,
      'the file is truncated or a bracket is missing',
    );
  }

  private err(message: string, i: number, code = 'E_BUNDLE_JSON', buf?: Buffer): ScanError {
    const col = this.base + i - this.lineStart + 1;
    return new ScanError(message, this.line, col, undefined, code, buf ? lineAround(buf, i, col) : undefined);
  }

  private begin(kind: number, ret: number, i: number): void {
    this.state = VALUE;
    this.vFor = kind;
    this.vReturn = ret;
    this.vDepth = 0;
    this.vInString = false;
    this.vEscape = false;
    this.vScalar = false;
    this.vPieces = [];
    this.vLine = this.line;
    this.vCol = this.base + i - this.lineStart + 1;
  }

  private beginValue(kind: number, ret: number, c: number, i: number): void {
    this.begin(kind, ret, i);
    if (c === 123 || c === 91) this.vDepth = 1;
    else if (c === 34) this.vInString = true;
    else this.vScalar = true;
  }

  private finishValue(text: string, out: RawElement[]): void {
    this.state = this.vReturn;
    if (this.vFor === FOR_ELEMENT) {
      out.push({ text, line: this.vLine, col: this.vCol, index: this.elements++ });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ScanError(
        `malformed JSON value ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`,
        this.vLine,
        this.vCol,
      );
    }
    if (this.vFor === FOR_KEY) this.key = value as string;
    else this.top[this.key] = value;
  }
}
