import { isPeregrineError, type PeregrineError } from '../errors/index.ts';

/**
 * Renders an error as text: `source:line:col: error[CODE]: message`, the offending line, a caret under the column
 * and the hint. Non-Peregrine errors are internal faults: they say so and ask for `--debug`.
 */
export function renderErrorText(err: unknown, options: { debug?: boolean } = {}): string {
  if (!isPeregrineError(err)) {
    const e = err instanceof Error ? err : new Error(String(err));
    const lines = [`internal error: ${e.message}`];
    lines.push(options.debug ? (e.stack ?? '') : 'hint: this is a bug in Peregrine; rerun with --debug for the stack trace and report it');
    return lines.join('\n');
  }
  return renderPeregrineError(err, options.debug ?? false);
}

function renderPeregrineError(err: PeregrineError, debug: boolean): string {
  const out: string[] = [];
  const where = err.span ? `${err.span.source}:${err.span.line}:${err.span.col}: ` : '';
  out.push(`${where}error[${err.code}]: ${err.message}`);
  const span = err.span;
  if (span?.text !== undefined) {
    const lineText = (span.text.split('\n')[span.line - 1] ?? '').replace(/\r$/, '');
    const gutter = String(span.line);
    out.push(`${' '.repeat(gutter.length)} |`);
    out.push(`${gutter} | ${lineText.replace(/\t/g, ' ')}`);
    const width = Math.max(1, Math.min(span.length ?? 1, Math.max(1, lineText.length - span.col + 1)));
    out.push(`${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, span.col - 1))}${'^'.repeat(width)}`);
  }
  if (err.hint) out.push(`hint: ${err.hint}`);
  let cause = err.cause;
  while (cause !== undefined) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    out.push(`caused by: ${msg}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (debug && err.stack) out.push(err.stack);
  return out.join('\n');
}
