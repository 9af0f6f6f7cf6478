/**
 * WHERE clauses. This module only finds where a clause ends (a token-shape scan: `path op value (AND|OR …)*`, or a
 * bracketed pattern) and hands that range of the huntflow text to the STIX parser of `src/stix/`, which builds the
 * nodes and reports errors inside the condition. Spans stay relative to the whole huntflow.
 */
import type { Pattern } from '../../stix/ast.ts';
import type { Where } from './ast.ts';
import { HUNT_ERROR_CODES as C, LIMITS, markIncomplete } from './diagnostics.ts';
import type { Token } from './lexer.ts';
import type { ParserBase } from './parser-base.ts';
import { parseCondition, parsePatternAt } from './stix-bridge.ts';

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
  const expr = parseCondition(p, wc.entityType ?? '', first.start, end);
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
      const notExists = upper(t) === 'NOT' && upper(lex.tokenAt(t.end)) === 'EXISTS';
      if (upper(t) === 'EXISTS' || notExists) {
        pos = notExists ? lex.tokenAt(t.end).end : t.end;
        state = 'op'; // a path follows; treat the path as the operand below
        const m = scanPathAt(p, pos);
        if (!m) return unfinished(p, lex.tokenAt(pos), bracket);
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
      return unfinished(p, t, bracket);
    }
    if (state === 'op') {
      if (upper(t) === 'NOT') {
        pos = t.end;
        continue;
      }
      if (upper(t) === 'IS') {
        // Kestrel's `x IS [NOT] NULL`
        let n = lex.tokenAt(t.end);
        if (upper(n) === 'NOT') n = lex.tokenAt(n.end);
        if (upper(n) !== 'NULL') return unfinished(p, n, bracket);
        pos = lastEnd = n.end;
        state = 'connect';
        continue;
      }
      if ((t.kind === 'punct' && SIGN_OPS.has(t.value)) || WORD_OPS.has(upper(t))) {
        pos = lastEnd = t.end;
        state = 'value';
        continue;
      }
      return unfinished(p, t, bracket);
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
      return unfinished(p, t, bracket);
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
      return unfinished(p, t, bracket);
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
function unfinished(p: ParserBase, t: Token, bracket: boolean): number {
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
      parseCondition(p, wc.entityType ?? '', innerStart, end);
      throw p.err(
        C.badWhere,
        `expected ']' to close the pattern, found ${p.describe(close)}`,
        close,
        "close the pattern with ']'",
      );
    }
    const after = lex.tokenAt(close.end);
    const continues =
      (['AND', 'OR', 'FOLLOWEDBY'].includes(upper(after)) && startsObservation(lex.tokenAt(after.end))) ||
      ['WITHIN', 'REPEATS'].includes(upper(after));
    if (!continues) {
      if (innerStart >= end) {
        throw p.err(C.badWhere, 'empty pattern', { start: first.start, end: close.end }, whereHint(wc));
      }
      const expr = parseCondition(p, wc.entityType ?? '', innerStart, end);
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
  const pattern = parsePatternAt(p, first.start, end);
  lex.advanceTo(end);
  return { kind: 'StixWhere', pattern: { ...pattern, source: slice }, span: p.span(first.start, end) };
}

function startsObservation(t: Token): boolean {
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
    if (['AND', 'OR', 'FOLLOWEDBY'].includes(upper(t)) && startsObservation(lex.tokenAt(t.end))) {
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
