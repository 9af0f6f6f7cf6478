/**
 * Kestrel 1.x huntflow front end: source text → {@link Huntflow} AST with spans (see `ast.ts`), canonical printing,
 * REPL completeness and completion context. Public face of `src/hunt/syntax/`.
 *
 * Contract: every function here either returns or throws a `PeregrineError` (a `ParseError` with a span inside the
 * text and a hint) — never another exception, whatever the input.
 */
import { deepFreeze } from '../../common/index.ts';
import { ParseError, isPeregrineError, spanAt, type PeregrineError } from '../../errors/index.ts';
import type { Huntflow, Statement } from './ast.ts';
import { HUNT_ERROR_CODES, isIncompleteError } from './diagnostics.ts';
import type { Expectation } from './expect.ts';
import { HuntParser } from './parser.ts';

export type * from './ast.ts';
export { STATEMENTS_WITH_OUTPUT } from './ast.ts';
export type { Expectation, ExpectationKind } from './expect.ts';
export { HUNT_ERROR_CODES, isIncompleteError } from './diagnostics.ts';
export {
  printHuntflow,
  printStatement,
  printWhere,
  printVarExpr,
  printAttr,
  printTimeRange,
} from './printer.ts';
export { huntflowToSexpr, statementToSexpr } from './sexpr.ts';
export { checkIso as checkTimestamp } from './parser-base.ts';
export * as vocabulary from './vocabulary.ts';
export {
  COMMANDS,
  KEYWORDS,
  RELATIONS,
  RELATION_EDGES,
  ENTITY_TYPES,
  TRANSFORMS,
  AGGREGATE_FUNCTIONS,
  TIME_UNITS,
  edgesFor,
  relationsBetween,
  isKnownEntityType,
} from './vocabulary.ts';

export interface ParseHuntflowOptions {
  /** Name of the input for spans and messages: a file path, `<cell 3>`, `<repl>`. Default `<huntflow>`. */
  readonly source?: string;
}

/** Wraps anything that is not a PeregrineError (a bug) into a positioned ParseError, so callers never see a raw throw. */
function guard<T>(text: string, source: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isPeregrineError(e)) throw e;
    if (e instanceof RangeError) {
      throw new ParseError(HUNT_ERROR_CODES.tooComplex, 'the huntflow is nested too deeply to parse', {
        span: spanAt(source, text, 0, 1),
        hint: 'simplify deeply nested conditions or lists',
      });
    }
    throw new ParseError(
      HUNT_ERROR_CODES.internal,
      `could not parse the huntflow: ${e instanceof Error ? e.message : String(e)}`,
      {
        span: spanAt(source, text, 0, 1),
        hint: 'this is a bug in the huntflow parser; please report it with the input',
        cause: e,
      },
    );
  }
}

/** Parses a whole huntflow. Throws a `ParseError` (code `E_HUNT_…` or the STIX parser's code inside WHERE). */
export function parseHuntflow(text: string, options: ParseHuntflowOptions = {}): Huntflow {
  const source = options.source ?? '<huntflow>';
  return guard(text, source, () => deepFreeze(new HuntParser(text, { source, text }).huntflow()));
}

/**
 * Batch mode: parses every statement it can and collects one error per failing statement instead of stopping at
 * the first (after an error, parsing resumes at the next line that starts a statement). For editors and linting;
 * running a huntflow should use {@link parseHuntflow}.
 */
export function parseHuntflowAll(
  text: string,
  options: ParseHuntflowOptions = {},
): { huntflow: Huntflow; errors: PeregrineError[] } {
  const source = options.source ?? '<huntflow>';
  const errors: PeregrineError[] = [];
  const huntflow = guard(text, source, () =>
    deepFreeze(new HuntParser(text, { source, text }).huntflow(errors)),
  );
  return { huntflow, errors };
}

/** Parses text holding exactly one statement (e.g. a REPL line). */
export function parseStatement(text: string, options: ParseHuntflowOptions = {}): Statement {
  const h = parseHuntflow(text, options);
  if (h.statements.length !== 1) {
    const source = options.source ?? '<huntflow>';
    const at = h.statements[1]?.span.start ?? 0;
    throw new ParseError(
      HUNT_ERROR_CODES.unexpected,
      `expected one statement, found ${h.statements.length}`,
      {
        span: spanAt(source, text, at, 1),
        hint: 'give one statement at a time',
      },
    );
  }
  return h.statements[0];
}

/**
 * For the REPL and Jupyter's is_complete: `complete` if the text parses, `incomplete` if it only lacks an ending
 * (open bracket or quote, trailing operator, `WHERE` or `FROM` at the end, `x =` …), `invalid` otherwise.
 */
export function isComplete(text: string): 'complete' | 'incomplete' | 'invalid' {
  try {
    parseHuntflow(text, { source: '<input>' });
    return 'complete';
  } catch (e) {
    return isIncompleteError(e) ? 'incomplete' : 'invalid';
  }
}

/** What may be typed at a cursor position, for completion. */
export interface CompletionContext {
  /** The partial word before the cursor (may be empty). Candidates should start with it (case-insensitively). */
  readonly prefix: string;
  /** Offset where the partial word starts: completions replace `[replaceFrom, offset)`. */
  readonly replaceFrom: number;
  /** Everything acceptable at that point. Empty when the text before the cursor is already invalid. */
  readonly expected: readonly Expectation[];
  /** Variables assigned before the cursor, in order of first definition. */
  readonly variables: readonly string[];
  /** The entity type of each of those variables when the parser can tell (GET/FIND/NEW/LOAD AS). */
  readonly variableTypes: Readonly<Record<string, string>>;
}

const PARTIAL = /[A-Za-z0-9_\-.:'*[\]]*$/;

/**
 * Completion context at `offset` in `text`: parses the text before the partial word at the cursor and reports what
 * the grammar would accept next. Never throws.
 */
export function completionAt(text: string, offset: number): CompletionContext {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  if (inComment(before))
    return { prefix: '', replaceFrom: before.length, expected: [], variables: [], variableTypes: {} };
  // the partial word: a path-like run, but an attribute after `var.` starts after the dot
  let prefix = PARTIAL.exec(before)?.[0] ?? '';
  const dot = Math.max(prefix.lastIndexOf('.'), prefix.lastIndexOf(':'));
  if (dot >= 0 && !prefix.includes('://')) prefix = prefix.slice(dot + 1);
  if (prefix.includes('://') || prefix.startsWith('/')) prefix = prefix.slice(prefix.lastIndexOf('/') + 1);
  const replaceFrom = before.length - prefix.length;
  const head = before.slice(0, replaceFrom);
  const parser = new HuntParser(head, { source: '<completion>', text: head });
  let expected: Expectation[] = [];
  const variables: string[] = [];
  const variableTypes: Record<string, string> = {};
  try {
    const h = parser.huntflow();
    collectVariables(h.statements, variables, variableTypes);
    expected = parser.log.list();
  } catch (e) {
    expected = isIncompleteError(e) || !isPeregrineError(e) ? parser.log.list() : [];
    try {
      // variables from the complete statements before the cursor's statement
      const lastNl = head.lastIndexOf('\n');
      const h = new HuntParser(head.slice(0, Math.max(0, lastNl)), {
        source: '<completion>',
        text: head,
      }).huntflow();
      collectVariables(h.statements, variables, variableTypes);
    } catch {
      // no earlier statements parse; no variables to offer
    }
  }
  // a variable followed by '.' wants its attributes (DESCRIBE x.attr, APPLY … WITH k=x.attr, WHERE … = x.attr)
  const varDot = /([A-Za-z_][A-Za-z0-9_]*)\.$/.exec(head);
  if (varDot && variables.includes(varDot[1])) {
    expected = [{ kind: 'attribute', variable: varDot[1] }];
  }
  // `[process:` or `WHERE file:` wants attributes of that entity type
  const typeColon = /(?:^|[\s([])([A-Za-z_][A-Za-z0-9_-]*):$/.exec(head);
  if (typeColon && !/:\/\/$/.test(before)) expected = [{ kind: 'attribute', entityType: typeColon[1] }];
  return { prefix, replaceFrom, expected, variables, variableTypes };
}

/** Whether the end of `before` lies inside a `#` comment (a `#` outside quotes on the last line). */
function inComment(before: string): boolean {
  const line = before.slice(before.lastIndexOf('\n') + 1);
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#') return true;
  }
  return false;
}

function collectVariables(
  statements: readonly Statement[],
  names: string[],
  types: Record<string, string>,
): void {
  for (const s of statements) {
    if (!('output' in s) || s.output.name === '_') continue;
    if (!names.includes(s.output.name)) names.push(s.output.name);
    if (s.kind === 'Get' || s.kind === 'Find' || s.kind === 'FindPeer')
      types[s.output.name] = s.entityType.name;
    else if ((s.kind === 'New' || s.kind === 'Load') && s.entityType)
      types[s.output.name] = s.entityType.name;
    else if (s.kind === 'Assign' || s.kind === 'Sort') {
      const src = s.kind === 'Assign' ? s.expr.input.name : s.input.name;
      if (types[src]) types[s.output.name] = types[src];
    } else if (s.kind === 'Merge' && types[s.inputs[0].name]) types[s.output.name] = types[s.inputs[0].name];
  }
}
