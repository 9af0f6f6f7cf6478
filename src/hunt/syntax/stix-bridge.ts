/**
 * The bridge to the STIX parser of `src/stix/`: hands it a range of the huntflow text and moves the resulting spans
 * (and error positions) back into the huntflow. The STIX lexer counts lines from the start of the text it is given,
 * so it only gets the text from the clause's own line on; `#` comments inside the range are blanked out first.
 */
import { isPeregrineError, spanAt, type PeregrineError } from '../../errors/index.ts';
import { parsePattern } from '../../stix/index.ts';
// The STIX parser class itself (not the index's wrapper): its result is copied and frozen here once, after the
// spans are moved, instead of being frozen twice.
import { Parser as StixParser } from '../../stix/parser.ts';
import type { ComparisonExpr, Pattern, Span as StixSpan } from '../../stix/ast.ts';
import { markIncomplete } from './diagnostics.ts';
import type { ParserBase } from './parser-base.ts';

/** Parses a whole STIX pattern written at `[start, end)` of the huntflow. */
export function parsePatternAt(p: ParserBase, start: number, end: number): Pattern {
  const slice = stixText(p, start, end).slice(start, end);
  const parsed = callStix(p, () => parsePattern(slice, { source: p.ctx.source }), start);
  return shiftSpans(p, parsed, start) as Pattern;
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
export function parseCondition(
  p: ParserBase,
  defaultType: string,
  start: number,
  end: number,
): ComparisonExpr {
  const base = start - p.span(start, start).col + 1;
  const sub = stixText(p, start, end).slice(base, end);
  const expr = callStix(
    p,
    () =>
      new StixParser(
        sub,
        p.ctx.source,
        { kestrel: true, defaultType, allowVarRefs: true },
        start - base,
        end - base,
      ).comparisonAll(),
    base,
  );
  if (Object.isFrozen(expr)) return shiftSpans(p, expr, base) as ComparisonExpr; // should the STIX parser freeze
  shiftInPlace(p, expr, base, p.span(base, base).line - 1, new Set());
  return expr;
}

/**
 * Moves the spans of a fresh (unfrozen) STIX parser result in place; `base` is a line start. Each node's span is
 * replaced, never mutated, and each node visited once, so shared objects are safe.
 */
function shiftInPlace(p: ParserBase, n: unknown, base: number, lineDelta: number, seen: Set<object>): void {
  if (n === null || typeof n !== 'object' || seen.has(n)) return;
  seen.add(n);
  const o = n as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (k === 'span') {
      const s = v as StixSpan;
      o.span = { start: s.start + base, end: s.end + base, line: s.line + lineDelta, col: s.col };
    } else if (v !== null && typeof v === 'object') shiftInPlace(p, v, base, lineDelta, seen);
  }
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
