/**
 * The one error tree of Peregrine. Every stage throws a subclass of {@link PeregrineError}; the CLI, the REPL and
 * the Jupyter kernel render the same object (see `src/render/error.ts`): the line, a caret under the column, a hint.
 */

/**
 * A stretch of one input's text as the readers of rule and policy files record it on their AST nodes (1-based line
 * and column, 0-based offset, length in characters); an error adds the input's name and text (`SourceSpan`).
 */
export interface TextSpan {
  readonly line: number;
  readonly col: number;
  readonly offset: number;
  readonly length: number;
}

/** Where in a user's input an error points. `line` and `col` are 1-based; `offset` is 0-based into `text`. */
export interface SourceSpan {
  /** Name of the input: a file path, `<cell 3>`, `<repl>`, `STIXSHIFTER_X_CONNECTION`, … */
  readonly source: string;
  readonly line: number;
  readonly col: number;
  readonly offset: number;
  /** Length of the offending text, for a wider underline; 1 when unknown. */
  readonly length?: number;
  /** The full text the span points into, so the renderer can show the line. */
  readonly text?: string;
}

export interface PeregrineErrorOptions {
  span?: SourceSpan;
  hint?: string;
  cause?: unknown;
}

/** Root of every error Peregrine raises on purpose. `code` is stable and machine-readable (e.g. `E_SYNTAX`). */
export class PeregrineError extends Error {
  readonly code: string;
  readonly span?: SourceSpan;
  readonly hint?: string;
  /** Which stage raised it; subclasses set it. */
  readonly stage: string = 'core';

  constructor(code: string, message: string, options: PeregrineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.span = options.span;
    this.hint = options.hint;
  }

  /** A copy of this error whose span is moved to another source (e.g. a cell inside a notebook). */
  withSpan(span: SourceSpan): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this, { span });
    copy.message = this.message;
    copy.stack = this.stack;
    // `cause` is not enumerable (Error's constructor defines it so), so Object.assign leaves it behind
    if (this.cause !== undefined) copy.cause = this.cause;
    return copy;
  }

  toJSON(): Record<string, unknown> {
    return {
      error: this.name,
      code: this.code,
      message: this.message,
      ...(this.span ? { line: this.span.line, col: this.span.col, source: this.span.source } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
    };
  }
}

/** The huntflow or pattern text is not well-formed. */
export class ParseError extends PeregrineError {
  override readonly stage = 'syntax';
}
/** Well-formed, but means nothing: unknown variable, relation that does not apply, START after STOP, … */
export class SemanticError extends PeregrineError {
  override readonly stage = 'semantic';
}
/** A field map or value transform is invalid or cannot express something. */
export class MappingError extends PeregrineError {
  override readonly stage = 'mapping';
}
/** A data source failed: unreachable, refused, malformed answer. */
export class ConnectorError extends PeregrineError {
  override readonly stage = 'connector';
}
/** The hunt cache or the embedded store failed. */
export class StoreError extends PeregrineError {
  override readonly stage = 'store';
}
/** SysFlow reading, processing, policy or collection failed. */
export class TelemetryError extends PeregrineError {
  override readonly stage = 'telemetry';
}
/** An analytic (APPLY) could not run or returned what cannot be used: unknown name, missing Python or package, bad output. */
export class AnalyticsError extends PeregrineError {
  override readonly stage = 'analytics';
}
/** A user's input file or argument could not be read (missing file, bad JSON, bad flag). */
export class InputError extends PeregrineError {
  override readonly stage = 'input';
}

/** The work was cancelled (interrupt, Ctrl-C, timeout asked by the user). */
export class CancelledError extends PeregrineError {
  override readonly stage = 'runtime';
  constructor(message = 'cancelled', options: PeregrineErrorOptions = {}) {
    super('E_CANCELLED', message, options);
  }
}

export function isPeregrineError(e: unknown): e is PeregrineError {
  return e instanceof PeregrineError;
}

/** Position (1-based line/col) of `offset` inside `text`. */
export function spanAt(source: string, text: string, offset: number, length = 1): SourceSpan {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { source, line, col: end - lineStart + 1, offset: end, length, text };
}
