/**
 * Errors of the Sigma engine: one class, a stable code, the span in the rule file and — when the rule is valid Sigma
 * the engine does not support — the name of the feature it lacks, so a batch check can count rules by feature.
 */
import { PeregrineError, type PeregrineErrorOptions, type SourceSpan } from '../errors/index.ts';
import type { Span } from './ast.ts';

export interface SigmaErrorOptions extends PeregrineErrorOptions {
  /** Set when the input is valid Sigma that Peregrine does not support (`correlation rules`, `near`, …). */
  readonly feature?: string;
}

export class SigmaError extends PeregrineError {
  override readonly stage = 'sigma';
  readonly feature?: string;
  constructor(code: string, message: string, options: SigmaErrorOptions = {}) {
    super(code, message, options);
    if (options.feature !== undefined) this.feature = options.feature;
  }
}

/** Where errors of one rule file point: its name and text, to turn {@link Span}s into the error tree's spans. */
export interface RuleSource {
  readonly name: string;
  readonly text: string;
}

/** An error at `span` of `src`. */
export function sigmaError(
  src: RuleSource | undefined,
  span: Span | undefined,
  code: string,
  message: string,
  options: Omit<SigmaErrorOptions, 'span'> = {},
): SigmaError {
  const at: SourceSpan | undefined =
    src && span
      ? {
          source: src.name,
          line: span.line,
          col: span.col,
          offset: span.offset,
          length: span.length,
          text: src.text,
        }
      : undefined;
  return new SigmaError(code, message, { ...options, ...(at ? { span: at } : {}) });
}
