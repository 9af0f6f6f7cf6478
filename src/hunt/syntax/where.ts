/**
 * WHERE clauses. This module only finds where a clause ends (a token-shape scan: `path op value (AND|OR …)*`, or a
 * bracketed pattern) and hands that range of the huntflow text to the STIX parser of `src/stix/`, which builds the
 * nodes and reports errors inside the condition. Spans stay relative to the whole huntflow.
 */
import { isPeregrineError, spanAt, type PeregrineError } from '../../errors/index.ts';
import { parsePattern } from '../../stix/index.ts';
// The STIX parser class itself (not the index's wrapper): its result is copied and frozen here once, after the
// spans are moved, instead of being frozen twice.
import { Parser as StixParser } from '../../stix/parser.ts';
import type { ComparisonExpr, Pattern, Span as StixSpan } from '../../stix/ast.ts';
import type { Where } from './ast.ts';
import { HUNT_ERROR_CODES as C, LIMITS, markIncomplete } from './diagnostics.ts';
import type { Token } from './lexer.ts';
import type { ParserBase } from './parser-base.ts';

const SIGN_OPS = new Set(['=', '==', '!=', '<>', '<', '<=', '>', '>=']);
const WORD_OPS = new Set(['IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);
const PATH_RE =
  /(?:[A-Za-z_][A-Za-z0-9_-]*:)?[A-Za-z_][A-Za-z0-9_-]*(?:\[(?:\*|\d+)\])?(?:\.(?:[A-Za-z0-9_-]+|'[^'\n]*')(?:\[(?:\*|\d+)\])?)*/y;

/** Context of a WHERE: the statement's entity type (GET, FIND) or input variable (DISP, assign), for paths and hints. */
export interface WhereContext {
  readonly entityType?: string;
  readonly variable?: string;
}

/** Parses `WHERE …` after the keyword has been consumed. */
export function parseWhere(p: ParserBase, wc: WhereContext): Where {
  const first = p.lex.peek();
  if (first.kind === 'eof') {
    if (p.atEnd()) p.log.add({ kind: 'attribute', ...wc });
    throw p.err(C.badWhere, 'WHERE needs a condition', first, whereHint(wc));
  }
  if (isPatternStart(p, first)) return stixWhere(p, wc, first);
  return bareWhere(p, wc, first);
}

function whereHint(wc: WhereContext): string {
  const t = wc.entityType ?? 'process';
  return `write e.g. WHERE name = 'cmd.exe' or WHERE [${t}:name = 'cmd.exe']`;
}

/** `[` starts a STIX pattern; so does `(` when the first non-paren token is `[`. */
function isPatternStart(p: ParserBase, t: Token): boolean {
  let cur = t;
  while (cur.kind === 'punct' && cur.value === '(') cur = p.lex.peekAfter(cur);
  return cur.kind === 'punct' && cur.value === '[';
}

// ---- the bare form: name = 'x' AND pid IN (1, 2) ----

function bareWhere(p: ParserBase, wc: WhereContext, first: Token): Where {
  const end = scanCondition(p, wc, false);
  const expr = parseCondition(p, wc, first.start, end);
  p.lex.advanceTo(end);
  return { kind: 'BareWhere', expr, span: p.span(first.start, end) };
}

/**
 * Scans the token shape of a comparison expression from the current position and returns where it ends. In
 * `bracket` mode the expression ends at a `]` (not consumed). Stops early at a token that cannot continue; when that
 * token leaves the expression unfinished it is included so the STIX parser reports it precisely.
 */
function scanCondition(p: ParserBase, wc: WhereContext, bracket: boolean): number {
  const lex = p.lex;
  const parens: Token[] = [];
  let pos = lex.pos;
  let state: 'operand' | 'op' | 'value' | 'connect' = 'operand';
  let lastEnd = pos;
  let connectives = 0;
  for (;;) {
    const t = lex.tokenAt(pos);
    if (t.kind === 'eof') noteAtEof(p, wc, state);
    if (state === 'operand') {
      if (t.kind === 'punct' && t.value === '(') {
        if (parens.length >= LIMITS.depth) throw tooDeep(p, t);
        parens.push(t);
        pos = t.end;
        continue;
      }
      if (upper(t) === 'EXISTS') {
        pos = t.end;
        state = 'op'; // a path follows; treat the path as the operand below
        const m = scanPathAt(p, pos);
        if (!m) return unfinished(p, t, lex.tokenAt(pos), bracket);
        pos = lastEnd = m;
        state = 'connect';
        continue;
      }
      if (t.kind === 'word') {
        const m = scanPathAt(p, t.start)!;
        pos = lastEnd = m;
        state = 'op';
        continue;
      }
      return unfinished(p, t, t, bracket);
    }
    if (state === 'op') {
      if (upper(t) === 'NOT') {
        pos = t.end;
        continue;
      }
      if ((t.kind === 'punct' && SIGN_OPS.has(t.value)) || WORD_OPS.has(upper(t))) {
        pos = lastEnd = t.end;
        state = 'value';
        continue;
      }
      return unfinished(p, t, t, bracket);
    }
    if (state === 'value') {
      if (t.kind === 'string' || t.kind === 'typed' || t.kind === 'number') {
        pos = lastEnd = t.end;
        state = 'connect';
        continue;
      }
      if (t.kind === 'word') {
        let e = t.end;
        for (;;) {
          const dot = lex.tokenAt(e);
          if (dot.kind !== 'punct' || dot.value !== '.' || dot.start !== e) break;
          const m = scanPathAt(p, dot.end);
          if (!m) break;
          e = m;
        }
        pos = lastEnd = e;
        state = 'connect';
        continue;
      }
      if (t.kind === 'punct' && (t.value === '(' || t.value === '[')) {
        pos = lastEnd = skipBalanced(p, t);
        state = 'connect';
        continue;
      }
      return unfinished(p, t, t, bracket);
    }
    // connect
    if (t.kind === 'punct' && t.value === ')' && parens.length > 0) {
      parens.pop();
      pos = lastEnd = t.end;
      continue;
    }
    if (upper(t) === 'AND' || upper(t) === 'OR') {
      if (++connectives > LIMITS.connectives) {
        throw p.err(
          C.tooComplex,
          `more than ${LIMITS.connectives} AND/OR in one condition`,
          t,
          'split the condition over several statements',
        );
      }
      pos = t.end;
      state = 'operand';
      continue;
    }
    if (t.kind === 'eof') p.log.add({ kind: 'keyword', words: ['AND', 'OR'] });
    if (parens.length > 0) {
      const open = parens[parens.length - 1];
      if (t.kind === 'eof') {
        throw markIncomplete(
          p.err(C.unclosedBracket, "unclosed '(' in the condition", open, "close it with ')'"),
        );
      }
      return unfinished(p, t, t, bracket);
    }
    return lastEnd;
  }
}

function tooDeep(p: ParserBase, t: Token): Error {
  return p.err(C.tooComplex, `nested more than ${LIMITS.depth} levels deep`, t, 'simplify the expression');
}

/** Upper-case text of a word token, '' for others. */
function upper(t: Token): string {
  return t.kind === 'word' ? t.value.toUpperCase() : '';
}

/** Completion: what the condition scanner would accept at the end of the input in `state`. */
function noteAtEof(p: ParserBase, wc: WhereContext, state: string): void {
  if (state === 'operand') p.log.add({ kind: 'attribute', ...wc });
  else if (state === 'op') p.log.add({ kind: 'operator' });
  else if (state === 'value') p.log.add({ kind: 'value' });
}

function scanPathAt(p: ParserBase, from: number): number | undefined {
  const i = p.lex.skipTrivia(from);
  PATH_RE.lastIndex = i;
  const m = PATH_RE.exec(p.text);
  return m && m[0].length > 0 ? i + m[0].length : undefined;
}

/** The condition cannot continue at `t`: end the range after it so the STIX parser reports the problem there. */
function unfinished(p: ParserBase, _at: Token, t: Token, bracket: boolean): number {
  if (t.kind === 'eof') return p.text.length;
  if (bracket && t.kind === 'punct' && t.value === ']') return t.start;
  return t.end;
}

/** Skips from an opening `(`/`[`/`{` token to just after its partner; error at the opener if it never closes. */
export function skipBalanced(p: ParserBase, open: Token): number {
  const stack: Token[] = [open];
  let pos = open.end;
  const partner: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  for (;;) {
    const t = p.lex.tokenAt(pos);
    if (t.kind === 'eof') {
      const o = stack[stack.length - 1];
      throw markIncomplete(
        p.err(C.unclosedBracket, `unclosed '${o.value}'`, o, `close it with '${partner[o.value]}'`),
      );
    }
    pos = t.end;
    if (t.kind !== 'punct') continue;
    if (t.value in partner) {
      if (stack.length >= LIMITS.depth) throw tooDeep(p, t);
      stack.push(t);
    } else if (t.value === ')' || t.value === ']' || t.value === '}') {
      const o = stack.pop()!;
      if (partner[o.value] !== t.value) {
        throw p.err(
          C.unclosedBracket,
          `'${o.value}' is closed by '${t.value}'`,
          t,
          `close '${o.value}' with '${partner[o.value]}'`,
        );
      }
      if (stack.length === 0) return pos;
    }
  }
}

// ---- the bracketed form: [process:name = 'x'], possibly a whole STIX pattern ----

function stixWhere(p: ParserBase, wc: WhereContext, first: Token): Where {
  const lex = p.lex;
  if (first.kind === 'punct' && first.value === '[') {
    // Kestrel's usual form: one observation; paths may omit the type
    lex.advanceTo(first.end);
    const end = scanCondition(p, wc, true);
    const close = lex.tokenAt(end);
    const innerStart = lex.skipTrivia(first.end);
    if (close.kind !== 'punct' || close.value !== ']') {
      if (close.kind === 'eof') {
        throw markIncomplete(p.err(C.unclosedBracket, "unclosed '['", first, "close the pattern with ']'"));
      }
      // let the STIX parser describe what is wrong inside
      parseCondition(p, wc, innerStart, end);
      throw p.err(
        C.badWhere,
        `expected ']' to close the pattern, found ${p.describe(close)}`,
        close,
        "close the pattern with ']'",
      );
    }
    const after = lex.tokenAt(close.end);
    const continues =
      (['AND', 'OR', 'FOLLOWEDBY'].includes(upper(after)) && startsObservation(p, lex.tokenAt(after.end))) ||
      ['WITHIN', 'REPEATS'].includes(upper(after));
    if (!continues) {
      if (innerStart >= end) {
        throw p.err(C.badWhere, 'empty pattern', { start: first.start, end: close.end }, whereHint(wc));
      }
      const expr = parseCondition(p, wc, innerStart, end);
      lex.advanceTo(close.end);
      const span = p.span(first.start, close.end);
      const pattern: Pattern = {
        kind: 'Pattern',
        expr: { kind: 'Observation', expr, span },
        source: p.text.slice(first.start, close.end),
        span,
      };
      return { kind: 'StixWhere', pattern, span };
    }
  }
  // a full STIX pattern: observations joined by AND/OR/FOLLOWEDBY, parentheses, WITHIN/REPEATS qualifiers
  const end = scanPatternExtent(p, first);
  const slice = p.text.slice(first.start, end);
  const parsed = callStix(
    p,
    () => parsePattern(stixText(p, first.start, end).slice(first.start, end), { source: p.ctx.source }),
    first.start,
  );
  lex.advanceTo(end);
  const pattern = shiftSpans(p, parsed, first.start) as Pattern;
  return { kind: 'StixWhere', pattern: { ...pattern, source: slice }, span: p.span(first.start, end) };
}

function startsObservation(_p: ParserBase, t: Token): boolean {
  return t.kind === 'punct' && (t.value === '[' || t.value === '(');
}

function scanPatternExtent(p: ParserBase, first: Token): number {
  const lex = p.lex;
  let pos = first.start;
  let depth = 0;
  let connectives = 0;
  for (;;) {
    // operand
    let t = lex.tokenAt(pos);
    while (t.kind === 'punct' && t.value === '(') {
      if (++depth > LIMITS.depth) throw tooDeep(p, t);
      t = lex.tokenAt(t.end);
    }
    if (t.kind !== 'punct' || t.value !== '[') return t.kind === 'eof' ? t.start : t.end;
    pos = skipBalanced(p, t);
    // qualifiers and closing parens
    for (;;) {
      t = lex.tokenAt(pos);
      const k = upper(t);
      if (k === 'WITHIN' || k === 'REPEATS') {
        const n = lex.tokenAt(t.end);
        const unit = lex.tokenAt(n.end);
        pos = unit.kind === 'word' ? unit.end : n.end;
      } else if (k === 'START' && depth > 0) {
        const a = lex.tokenAt(t.end);
        const stop = lex.tokenAt(a.end);
        const b = lex.tokenAt(stop.end);
        pos = b.end;
      } else if (t.kind === 'punct' && t.value === ')' && depth > 0) {
        depth--;
        pos = t.end;
      } else break;
    }
    t = lex.tokenAt(pos);
    if (['AND', 'OR', 'FOLLOWEDBY'].includes(upper(t)) && startsObservation(p, lex.tokenAt(t.end))) {
      if (++connectives > LIMITS.connectives) {
        throw p.err(
          C.tooComplex,
          `more than ${LIMITS.connectives} observations in one pattern`,
          t,
          'split the pattern over several statements',
        );
      }
      pos = t.end;
      continue;
    }
    if (depth > 0) return t.kind === 'eof' ? t.start : t.end; // the STIX parser reports the unbalanced paren
    return pos;
  }
}

/** Moves spans of a tree parsed from a slice starting at offset `base` to the whole text (frozen copies). */
function shiftSpans(p: ParserBase, node: unknown, base: number): unknown {
  const first = p.span(base, base);
  return shiftNode(p, node, base, first.col === 1 ? first.line - 1 : -1);
}

/** `lineDelta` ≥ 0: the slice starts at a line start, so only offsets and lines move; -1: recompute line/col. */
function shiftNode(p: ParserBase, n: unknown, base: number, lineDelta: number): unknown {
  if (n === null || typeof n !== 'object') return n;
  if (Array.isArray(n)) {
    const arr: unknown[] = [];
    for (const x of n) arr.push(shiftNode(p, x, base, lineDelta));
    return Object.freeze(arr);
  }
  const out: Record<string, unknown> = {};
  const src = n as Record<string, unknown>;
  for (const k of Object.keys(src)) {
    const v = src[k];
    if (k === 'span') {
      const s = v as StixSpan;
      out.span =
        lineDelta >= 0
          ? Object.freeze({ start: s.start + base, end: s.end + base, line: s.line + lineDelta, col: s.col })
          : Object.freeze(p.span(s.start + base, s.end + base));
    } else out[k] = typeof v === 'object' ? shiftNode(p, v, base, lineDelta) : v;
  }
  return Object.freeze(out);
}

/**
 * Parses the condition in `[start, end)` with the STIX parser. It is handed only the text from the start of the
 * clause's line (so its work does not grow with the huntflow's length); spans are moved back afterwards.
 */
function parseCondition(p: ParserBase, wc: WhereContext, start: number, end: number): ComparisonExpr {
  const base = start - p.span(start, start).col + 1;
  const sub = stixText(p, start, end).slice(base, end);
  const expr = callStix(
    p,
    () =>
      new StixParser(
        sub,
        p.ctx.source,
        { kestrel: true, defaultType: wc.entityType ?? '', allowVarRefs: true },
        start - base,
        end - base,
      ).comparisonAll(),
    base,
  );
  return shiftSpans(p, expr, base) as ComparisonExpr;
}

/**
 * The huntflow text with `#` comments inside `[start, end)` blanked out (same length, newlines kept), since a
 * comment may sit inside a multi-line WHERE but is not STIX.
 */
function stixText(p: ParserBase, start: number, end: number): string {
  if (!p.text.slice(start, end).includes('#')) return p.text;
  let out = p.text;
  let pos = start;
  try {
    while (pos < end) {
      const t = p.lex.tokenAt(pos);
      const gap = out.slice(pos, Math.min(t.start, end));
      const hash = gap.indexOf('#');
      if (hash >= 0) {
        const from = pos + hash;
        let to = from;
        while (to < out.length && out[to] !== '\n') to++;
        out = out.slice(0, from) + ' '.repeat(to - from) + out.slice(to);
        continue;
      }
      if (t.kind === 'eof') break;
      pos = t.end;
    }
  } catch {
    return p.text;
  }
  return out;
}

/** Runs the STIX parser; its errors get the huntflow's text and (for slices) positions. */
function callStix<T>(p: ParserBase, fn: () => T, sliceOffset?: number): T {
  try {
    return fn();
  } catch (e) {
    if (!isPeregrineError(e) || !e.span) throw e;
    const offset = e.span.offset + (sliceOffset ?? 0);
    const moved: PeregrineError = e.withSpan(spanAt(p.ctx.source, p.text, offset, e.span.length ?? 1));
    if (p.text.slice(offset).trim() === '') markIncomplete(moved);
    throw moved;
  }
}
