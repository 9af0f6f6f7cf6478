/**
 * The bridge to the STIX parser of `src/stix/`: hands it a range of the whole huntflow text together with the
 * range's line and column (from the huntflow lexer's line index), so spans and error positions come out relative to
 * the huntflow with no slicing, no span moving and no line counting — parsing stays linear in the huntflow's length.
 * `#` comments inside the range are white space to the STIX lexer, as they are to the huntflow lexer.
 */
import { isPeregrineError } from '../../errors/index.ts';
// The STIX parser class itself, not the index's wrappers: those deep-freeze their result, and parseHuntflow freezes
// the whole tree once at the end anyway.
import { Parser as StixParser } from '../../stix/parser.ts';
import type { ComparisonExpr, Pattern } from '../../stix/ast.ts';
import { markIncomplete } from './diagnostics.ts';
import type { ParserBase } from './parser-base.ts';
import { COMMANDS, KEYWORDS } from './vocabulary.ts';

/** Words that cannot be unquoted string values in a WHERE (`name = cmd` is a string, `name = DISP` an error). */
const RESERVED: ReadonlySet<string> = new Set<string>([...COMMANDS, ...KEYWORDS]);

/** Parses a whole STIX pattern written at `[start, end)` of the huntflow. */
export function parsePatternAt(p: ParserBase, start: number, end: number): Pattern {
  const at = p.span(start, start);
  const placement = { startLine: at.line, startCol: at.col, comments: true };
  return callStix(p, () =>
    new StixParser(p.text, p.ctx.source, { kestrel: false }, start, end, placement).parsePattern(),
  );
}

/** Parses the condition in `[start, end)` (bare or inside `[ ]`) with Kestrel's value forms. */
export function parseCondition(
  p: ParserBase,
  defaultType: string,
  start: number,
  end: number,
): ComparisonExpr {
  const at = p.span(start, start);
  const mode = { kestrel: true, defaultType, allowVarRefs: true, reserved: RESERVED };
  const placement = { startLine: at.line, startCol: at.col, comments: true };
  return callStix(p, () => new StixParser(p.text, p.ctx.source, mode, start, end, placement).comparisonAll());
}

/** Runs the STIX parser; an error with nothing but trivia after it is marked incomplete (for the REPL). */
function callStix<T>(p: ParserBase, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isPeregrineError(e) && e.span && p.lex.skipTrivia(e.span.offset) >= p.text.length) markIncomplete(e);
    throw e;
  }
}
