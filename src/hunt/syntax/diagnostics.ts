/**
 * Syntax errors of the huntflow front end: one constructor that turns an offset into a positioned
 * {@link ParseError}, the error codes, and "did you mean" suggestions.
 */
import { nearest } from '../../common/index.ts';
import { ParseError, spanAt, type PeregrineError } from '../../errors/index.ts';

/** Stable codes of huntflow syntax errors (STIX pattern errors inside WHERE keep the STIX parser's codes). */
export const HUNT_ERROR_CODES = {
  unexpected: 'E_HUNT_UNEXPECTED',
  unknownCommand: 'E_HUNT_UNKNOWN_COMMAND',
  unterminatedString: 'E_HUNT_UNTERMINATED_STRING',
  unclosedBracket: 'E_HUNT_UNCLOSED_BRACKET',
  badTimestamp: 'E_HUNT_BAD_TIMESTAMP',
  unknownRelation: 'E_HUNT_UNKNOWN_RELATION',
  badTimeUnit: 'E_HUNT_BAD_TIME_UNIT',
  badNumber: 'E_HUNT_BAD_NUMBER',
  emptyAttribute: 'E_HUNT_EMPTY_ATTRIBUTE',
  missingSource: 'E_HUNT_MISSING_SOURCE',
  badData: 'E_HUNT_BAD_DATA',
  badChar: 'E_HUNT_BAD_CHARACTER',
  badName: 'E_HUNT_BAD_NAME',
  badWhere: 'E_HUNT_BAD_WHERE',
  tooComplex: 'E_HUNT_TOO_COMPLEX',
  /** A fault in the parser itself (a bug), reported as a positioned error rather than a crash. */
  internal: 'E_HUNT_INTERNAL',
} as const;

/** Nesting depth of parentheses/brackets and number of AND/OR in one condition the parser accepts. */
export const LIMITS = { depth: 100, connectives: 1000 } as const;

/** Errors raised because the input stopped too early: more text could make it valid (REPL continuation). */
const incomplete = new WeakSet<object>();

export function isIncompleteError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && incomplete.has(e);
}

export interface ErrorContext {
  readonly source: string;
  readonly text: string;
}

export function syntaxError(
  ctx: ErrorContext,
  code: string,
  message: string,
  offset: number,
  length: number,
  hint?: string,
  options: { incomplete?: boolean } = {},
): PeregrineError {
  const e = new ParseError(code, message, {
    span: spanAt(ctx.source, ctx.text, offset, Math.max(1, length)),
    hint,
  });
  if (options.incomplete) incomplete.add(e);
  return e;
}

/** Marks an error (e.g. one from the STIX parser) as caused by the input ending early. */
export function markIncomplete<E extends object>(e: E): E {
  incomplete.add(e);
  return e;
}

/** The closest candidate (case-insensitive, a swap is one edit) within a distance proportional to its length, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const within = Math.max(1, Math.floor(word.length / 3));
  return nearest(word, candidates, { within, ignoreCase: true, transpositions: true });
}
