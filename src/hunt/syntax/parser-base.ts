/**
 * The token-level half of the huntflow parser: keyword tests that record expectations, names, attribute paths,
 * numbers, time ranges and paths. `parser.ts` builds statements on top of it.
 */
import type { PeregrineError } from '../../errors/index.ts';
import type { Attr, EntityType, PathRef, Span, TimeRange, TimeUnit, Timestamp, Var } from './ast.ts';
import { HUNT_ERROR_CODES as C, closest, syntaxError, type ErrorContext } from './diagnostics.ts';
import { ExpectationLog, type Expectation } from './expect.ts';
import { Lexer, type Token } from './lexer.ts';
import { COMMAND_SYNOPSIS } from './synopsis.ts';
import { COMMANDS, TIME_UNIT_SECONDS, TIME_UNITS, timeUnitOf } from './vocabulary.ts';

/** The furthest back LAST n unit may reach: 1000 years of 365.25 days. */
const MAX_LAST_SECONDS = 1000 * 365.25 * 86_400;

const COMMAND_SET = new Set<string>(COMMANDS);

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `[type:]name[[*]](.step[[*]])*` where a step may be quoted (`hashes.'SHA-256'`). Sticky: set lastIndex first. */
export const ATTR_RE =
  /(?:[A-Za-z_][A-Za-z0-9_-]*:)?[A-Za-z_][A-Za-z0-9_-]*(?:\[(?:\*|\d+)\])?(?:\.(?:[A-Za-z0-9_-]+|'[^'\n]*')(?:\[(?:\*|\d+)\])?)*/y;
/** A bare ISO-8601-looking run (validated afterwards). */
const BARE_TS_RE = /-?\d[0-9A-Za-z:.+-]*/y;
const ISO_TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/;
/** An unquoted path or URI: `file:///a.json`, `stixshifter://x`, `data/b.json`, `/tmp/x.parquet.gz`. */
export const BARE_PATH_RE = /[A-Za-z0-9_\-./~%@+:?&=*$!]+/y;

export const TIMESTAMP_HINT =
  "timestamps are RFC 3339 in UTC, e.g. t'2021-10-17T00:00:00Z' or t'2021-10-17T00:00:00.000Z'";

export class ParserBase {
  readonly lex: Lexer;
  readonly log = new ExpectationLog();
  /** What the grammar would accept at the end of the input (read by completion); see {@link atEnd}. */
  constructor(
    readonly text: string,
    readonly ctx: ErrorContext,
  ) {
    this.lex = new Lexer(text, ctx);
  }

  // ---- errors ----

  /** The command whose statement is being parsed: its syntax is the hint of an error that has none of its own. */
  current: (typeof COMMANDS)[number] | undefined;

  err(code: string, message: string, at: { start: number; end: number }, hint?: string): PeregrineError {
    if (hint === undefined && this.current) {
      hint = `${this.current} is written ${COMMAND_SYNOPSIS[this.current].split('\n')[0]}`;
    }
    const atEnd = at.start >= this.text.length;
    // At the end of the input the caret goes just after the last token read (`x =|`), not onto the blank line or
    // the comment that may follow it.
    const last = this.lex.pos;
    const start = atEnd && last < at.start && this.lex.skipTrivia(last) >= this.text.length ? last : at.start;
    return syntaxError(this.ctx, code, message, start, Math.max(1, at.end - at.start), hint, {
      incomplete: atEnd,
    });
  }

  describe(t: Token): string {
    if (t.kind === 'eof') return 'the end of the input';
    return `'${t.text.length > 40 ? t.text.slice(0, 37) + '...' : t.text}'`;
  }

  unexpected(what: string, hint?: string, t: Token | undefined = this.peekLoose()): PeregrineError {
    if (!t) {
      const i = this.lex.skipTrivia(this.lex.pos);
      return this.err(
        C.unexpected,
        `expected ${what}, found '${this.text[i]}'`,
        { start: i, end: i + 1 },
        hint,
      );
    }
    return this.err(C.unexpected, `expected ${what}, found ${this.describe(t)}`, t, hint);
  }

  // ---- expectations and keywords ----

  /**
   * True when only trivia is left: the position completion asks about. Call sites record what they would accept
   * there with `if (this.atEnd()) this.log.add(…)` (no allocation on the normal path).
   */
  atEnd(): boolean {
    return this.lex.skipTrivia(this.lex.pos) >= this.text.length;
  }

  /** The next token, or undefined where the text is not token-shaped (e.g. `/tmp/x` before a raw path scan). */
  peekLoose(): Token | undefined {
    try {
      return this.lex.peek();
    } catch {
      return undefined;
    }
  }

  /** Case-insensitive keyword test without allocating (keywords are ASCII letters; word tokens have no char that folds onto one). */
  isWord(t: Token, kw: string): boolean {
    if (t.kind !== 'word' || t.value.length !== kw.length) return false;
    const v = t.value;
    for (let i = 0; i < kw.length; i++)
      if ((v.charCodeAt(i) | 0x20) !== (kw.charCodeAt(i) | 0x20)) return false;
    return true;
  }

  /** Whether `t` begins a statement: a command keyword or `name =`. */
  startsStatement(t: Token): boolean {
    if (t.kind !== 'word') return false;
    if (COMMAND_SET.has(t.value.toUpperCase())) return true;
    const n = this.lex.peekAfter(t);
    return n.kind === 'punct' && n.value === '=';
  }

  /** True if the next token is keyword `kw` (any case); records it as an expectation. */
  at(kw: string): boolean {
    if (this.atEnd()) this.log.add({ kind: 'keyword', words: [kw] });
    const t = this.peekLoose();
    return t !== undefined && this.isWord(t, kw);
  }

  /**
   * True if the next token is clause keyword `kw` and not the start of a new statement `kw = …` (a variable may be
   * named `start` or `limit`).
   */
  atClause(kw: string): boolean {
    if (!this.at(kw)) return false;
    const n = this.lex.peekAfter(this.lex.peek());
    return !(n.kind === 'punct' && n.value === '=');
  }

  accept(kw: string): Token | undefined {
    return this.at(kw) ? this.lex.next() : undefined;
  }

  expectKw(kw: string, hint?: string): Token {
    const t = this.accept(kw);
    if (!t) throw this.unexpected(kw, hint);
    return t;
  }

  atPunct(p: string): boolean {
    if (this.atEnd()) this.log.add({ kind: 'punct', text: p });
    const t = this.peekLoose();
    return t !== undefined && t.kind === 'punct' && t.value === p;
  }

  acceptPunct(p: string): Token | undefined {
    return this.atPunct(p) ? this.lex.next() : undefined;
  }

  expectPunct(p: string, hint?: string): Token {
    const t = this.acceptPunct(p);
    if (!t) throw this.unexpected(`'${p}'`, hint);
    return t;
  }

  span(start: number, end: number): Span {
    return this.lex.span(start, end);
  }

  /** Span from `start` to the end of the last consumed token. */
  spanFrom(start: number): Span {
    return this.lex.span(start, this.lex.pos);
  }

  // ---- names ----

  variable(what = 'a variable name', hint?: string): Var {
    if (this.atEnd()) this.log.add({ kind: 'variable' });
    const t = this.lex.peek();
    if (t.kind !== 'word') throw this.unexpected(what, hint);
    if (!VAR_NAME.test(t.value)) {
      throw this.err(
        C.badName,
        `'${t.value}' is not a valid variable name`,
        t,
        'variable names use letters, digits and _ only (no hyphens)',
      );
    }
    this.lex.next();
    return { kind: 'Var', name: t.value, span: this.span(t.start, t.end) };
  }

  entityType(): EntityType {
    if (this.atEnd()) this.log.add({ kind: 'entityType' });
    const t = this.lex.peek();
    if (t.kind !== 'word') {
      throw this.unexpected('an entity type', 'e.g. process, file, network-traffic, ipv4-addr, user-account');
    }
    this.lex.next();
    return { kind: 'EntityType', name: t.value, span: this.span(t.start, t.end) };
  }

  /** An attribute path, possibly `type:`-prefixed. `context` feeds completion. */
  attr(context: { variable?: string; entityType?: string } = {}, what = 'an attribute name'): Attr {
    if (this.atEnd()) this.log.add({ kind: 'attribute', ...context });
    const m = this.lex.scanRaw(ATTR_RE);
    if (!m) {
      const t = this.lex.peek();
      if (t.kind === 'punct' && t.value === ',') {
        throw this.err(
          C.emptyAttribute,
          'empty attribute name',
          t,
          'remove the extra comma, or write the missing attribute',
        );
      }
      throw this.unexpected(what, undefined, t);
    }
    this.lex.advanceTo(m.end);
    const colon = m.text.match(/^([A-Za-z_][A-Za-z0-9_-]*):/);
    const span = this.span(m.start, m.end);
    return colon
      ? { kind: 'Attr', entityType: colon[1], path: m.text.slice(colon[0].length), span }
      : { kind: 'Attr', path: m.text, span };
  }

  /** `a, b, c` — at least one attribute. */
  attrList(context: { variable?: string; entityType?: string }): Attr[] {
    const out = [this.attr(context)];
    while (this.acceptPunct(',')) out.push(this.attr(context));
    return out;
  }

  /** An optional `AS alias` (plain name). */
  alias(): string | undefined {
    if (!this.accept('AS')) return undefined;
    const t = this.lex.peek();
    if (t.kind !== 'word' || !VAR_NAME.test(t.value))
      throw this.unexpected('a name after AS', 'aliases use letters, digits and _');
    this.lex.next();
    return t.value;
  }

  // ---- numbers ----

  /** A non-negative whole number after `after` (LIMIT, OFFSET, LAST, BIN size). */
  wholeNumber(after: string): number {
    if (this.atEnd()) this.log.add({ kind: 'number' });
    const t = this.lex.peek();
    if (t.kind !== 'number' || !/^\d+$/.test(t.value)) {
      const found = t.kind === 'eof' ? 'nothing' : this.describe(t);
      throw this.err(
        C.badNumber,
        `${after} needs a whole number, found ${found}`,
        t,
        `write e.g. ${after} 10`,
      );
    }
    this.lex.next();
    const n = Number(t.value);
    if (!Number.isSafeInteger(n))
      throw this.err(
        C.badNumber,
        `${t.value} is too large`,
        t,
        `numbers go up to ${Number.MAX_SAFE_INTEGER}`,
      );
    return n;
  }

  /** A time unit word; `what` names the construct for the message. */
  timeUnit(what: string, required = true): TimeUnit | undefined {
    if (this.atEnd()) this.log.add({ kind: 'timeUnit' });
    const t = this.lex.peek();
    const unit = t.kind === 'word' ? timeUnitOf(t.value) : undefined;
    if (unit) {
      this.lex.next();
      return unit;
    }
    if (!required) return undefined;
    const valid = Object.values(TIME_UNITS).flat();
    const guess = t.kind === 'word' ? closest(t.value, ['DAYS', 'HOURS', 'MINUTES', 'SECONDS']) : undefined;
    throw this.err(
      C.badTimeUnit,
      `${what} needs a time unit, found ${this.describe(t)}`,
      t,
      `${guess ? `did you mean ${guess}? ` : ''}valid units: DAYS, HOURS, MINUTES, SECONDS (also ${valid
        .filter((v) => v.length <= 6 && !['DAYS', 'HOURS'].includes(v))
        .join(', ')})`,
    );
  }

  // ---- time ranges ----

  /** START ts STOP ts | LAST n unit, when the next token starts one. */
  timeRange(): TimeRange | undefined {
    const start = this.lex.peek().start;
    if (this.accept('START')) {
      const a = this.timestamp('START');
      this.expectKw('STOP', "a time range is START t'…' STOP t'…'");
      const b = this.timestamp('STOP');
      return { kind: 'StartStop', start: a, stop: b, span: this.spanFrom(start) };
    }
    if (this.accept('LAST')) {
      const nTok = this.lex.peek();
      const n = this.wholeNumber('LAST');
      const unit = this.timeUnit('LAST n')!;
      // A window further back than dates go (and than any data) is a mistake, not a query for everything.
      if (n * TIME_UNIT_SECONDS[unit] > MAX_LAST_SECONDS)
        throw this.err(
          C.badNumber,
          `LAST ${n} ${unit} reaches back more than 1000 years`,
          nTok,
          `LAST goes back at most ${MAX_LAST_SECONDS / TIME_UNIT_SECONDS[unit]} ${unit}; leave the time range out to search all the data`,
        );
      return { kind: 'Last', n, unit, span: this.spanFrom(start) };
    }
    if (this.isWord(this.lex.peek(), 'STOP')) {
      throw this.err(
        C.unexpected,
        'STOP without START',
        this.lex.peek(),
        "a time range is START t'…' STOP t'…'",
      );
    }
    return undefined;
  }

  /** `t'…'`, `t"…"`, `'…'`, `"…"` or a bare RFC 3339 timestamp. */
  timestamp(after: string): Timestamp {
    if (this.atEnd()) this.log.add({ kind: 'timestamp' });
    const t = this.lex.peek();
    let value: string;
    let start: number;
    let end: number;
    let inner: number;
    if ((t.kind === 'typed' && t.prefix === 't') || t.kind === 'string') {
      value = t.value;
      start = t.start;
      end = t.end;
      inner = t.start + (t.kind === 'typed' ? 2 : 1);
      this.lex.next();
    } else if (t.kind === 'number') {
      const m = this.lex.scanRaw(BARE_TS_RE)!;
      value = m.text;
      start = m.start;
      end = m.end;
      inner = m.start;
      this.lex.advanceTo(m.end);
    } else {
      throw this.err(
        C.badTimestamp,
        `${after} needs a timestamp, found ${this.describe(t)}`,
        t,
        TIMESTAMP_HINT,
      );
    }
    const problem = checkIso(value);
    if (problem) {
      throw this.err(
        C.badTimestamp,
        `bad timestamp '${value}': ${problem}`,
        { start: inner, end: inner + value.length },
        TIMESTAMP_HINT,
      );
    }
    return { kind: 'Timestamp', value, span: this.span(start, end) };
  }

  // ---- paths ----

  /** A quoted or bare path/URI (LOAD, SAVE, APPLY). */
  path(what: string, expectation: Expectation): PathRef {
    if (this.atEnd()) this.log.add(expectation);
    const t = this.peekLoose();
    if (t?.kind === 'string') {
      this.lex.next();
      return { kind: 'PathRef', value: t.value, quoted: true, span: this.span(t.start, t.end) };
    }
    const m = t?.kind === 'eof' ? undefined : this.lex.scanRaw(BARE_PATH_RE);
    if (!m) throw this.unexpected(what);
    this.lex.advanceTo(m.end);
    return { kind: 'PathRef', value: m.text, quoted: false, span: this.span(m.start, m.end) };
  }
}

/** Why `s` is not an RFC 3339 UTC timestamp Kestrel accepts, or undefined if it is one. */
export function checkIso(s: string): string | undefined {
  const m = ISO_TS.exec(s);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return 'the time of day is missing (add T00:00:00Z)';
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(s)) return "the time zone 'Z' is missing";
    if (/[+-]\d{2}:?\d{2}$/.test(s)) return "only UTC ('Z') is accepted";
    if (/^\d{4}-\d{2}-\d{2} /.test(s)) return "date and time must be separated by 'T'";
    return 'expected YYYY-MM-DDTHH:MM:SS[.fff]Z';
  }
  const [, y, mo, d, h, mi, se] = m.map(Number);
  if (mo < 1 || mo > 12) return `month ${m[2]} does not exist`;
  const days = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ][mo - 1];
  if (d < 1 || d > days) return `day ${m[3]} does not exist in month ${m[2]}`;
  if (h > 23) return `hour ${m[4]} is out of range`;
  if (mi > 59) return `minute ${m[5]} is out of range`;
  if (se > 60) return `second ${m[6]} is out of range`;
  return undefined;
}
