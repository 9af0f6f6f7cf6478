/**
 * STIX 2.1 patterning: parse, print, visit, match. The public face of `src/stix/`.
 *
 * - {@link parsePattern}: pattern text → frozen {@link Pattern} AST (ParseError/SemanticError with span + hint).
 * - {@link parseComparisonExpression}: Kestrel's bare WHERE (`name = 'x' AND pid > 4`) → {@link ComparisonExpr}.
 * - {@link printPattern}: canonical text; parse(print(x)) equals x modulo spans.
 * - {@link visit} / {@link dispatch} with `Record<Kind, fn>` tables.
 * - Matching lives in `./matcher/index.ts` (re-exported here).
 * - The data the hunt works on — STIX 2.0 observed-data and the objects inside — is `./observation.ts`; import it from
 *   there (`Observation` here names the AST node `[ … ]`).
 */
import { deepFreeze } from '../common/index.ts';
import type { ComparisonExpr, Pattern } from './ast.ts';
import { Parser, placementOf, type ComparisonParseOptions, type ParseOptions } from './parser.ts';
import type { ComparisonMode } from './comparison-parser.ts';

export type * from './ast.ts';
export type { ParseOptions, ComparisonParseOptions } from './parser.ts';
export {
  printPattern,
  printComparison,
  printObservation,
  printLiteral,
  printPath,
  printQualifier,
  quoteString,
} from './printer.ts';
export { visit, dispatch } from './visitor.ts';
export type {
  KindTable,
  StixVisitor,
  ObservationVisitor,
  ComparisonVisitor,
  LiteralVisitor,
  QualifierVisitor,
} from './visitor.ts';
export { toSexpr } from './sexpr.ts';
export { checkTimestamp, timestampMicros } from './timestamp.ts';
export { stripSpans } from './strip.ts';
export * from './matcher/index.ts';

/**
 * Parses a whole STIX pattern such as `[process:name = 'cmd.exe'] FOLLOWEDBY [file:name LIKE '%.ps1']`, from
 * `options.offset` to `options.end` of `text` (default: all of it); `Pattern.source` is that range.
 */
export function parsePattern(text: string, options: ParseOptions = {}): Pattern {
  const p = new Parser(
    text,
    options.source ?? '<pattern>',
    { kestrel: false },
    options.offset ?? 0,
    options.end ?? text.length,
    placementOf(options),
  );
  return deepFreeze(p.parsePattern());
}

function kestrelMode(options: ComparisonParseOptions): ComparisonMode {
  return {
    kestrel: true,
    defaultType: options.defaultType,
    allowVarRefs: options.allowVarRefs ?? false,
    ...(options.reserved ? { reserved: options.reserved } : {}),
  };
}

/**
 * Parses a comparison expression in Kestrel's bare form (`name = 'x' AND parent_ref.pid > 4`) or STIX form
 * (`process:name = 'x'`). Paths without `type:` get `defaultType`. Parses `text` from `offset` (default 0) to `end`
 * (default the end of `text`); spans and error positions are relative to the whole `text`, so pass the whole
 * huntflow and the clause's offsets to get line:col right. Strings may also be "double-quoted" here.
 */
export function parseComparisonExpression(text: string, options: ComparisonParseOptions): ComparisonExpr {
  const p = comparisonParser(text, options);
  return deepFreeze(p.comparisonAll());
}

/** The parser of one comparison expression of `text`, from `options.offset` to `options.end`. */
function comparisonParser(text: string, options: ComparisonParseOptions): Parser {
  return new Parser(
    text,
    options.source ?? '<where>',
    kestrelMode(options),
    options.offset ?? 0,
    options.end ?? text.length,
    placementOf(options),
  );
}

/**
 * Like {@link parseComparisonExpression} but stops at the first token that cannot continue the expression
 * (e.g. `SORT` in `WHERE pid > 4 SORT BY pid`) instead of failing; returns the expression and the offset where it
 * ended (exclusive, in `text`).
 */
export function parseComparisonPrefix(
  text: string,
  options: ComparisonParseOptions,
): { expr: ComparisonExpr; end: number } {
  const p = comparisonParser(text, options);
  const r = p.comparisonPrefix();
  return { expr: deepFreeze(r.expr), end: r.end };
}
