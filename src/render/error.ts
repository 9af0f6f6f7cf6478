// The one helper, not common/'s index: that pulls in re2js, and every start of the CLI loads this renderer.
import { escapeControls } from '../common/escape-controls.ts';
import { isPeregrineError, type PeregrineError } from '../errors/index.ts';

/**
 * Styling of the parts of a rendered error (e.g. ANSI colours for the Jupyter kernel's traceback, which JupyterLab
 * shows as coloured HTML). Each function receives already-escaped text of one line and must keep its visible width.
 */
export interface ErrorPaint {
  /** `error[CODE]` in the first line. */
  readonly label: (text: string) => string;
  /** The `N |` gutter of the source line and the caret line. */
  readonly gutter: (text: string) => string;
  /** The carets under the offending text. */
  readonly caret: (text: string) => string;
  /** `hint:` */
  readonly hint: (text: string) => string;
}

const plain = (text: string): string => text;
const NO_PAINT: ErrorPaint = { label: plain, gutter: plain, caret: plain, hint: plain };

export interface RenderErrorOptions {
  /** Add the stack trace. */
  readonly debug?: boolean;
  readonly paint?: ErrorPaint;
}

/**
 * Renders an error as text: `source:line:col: error[CODE]: message`, the offending line, a caret under the column
 * and the hint. Non-Peregrine errors are internal faults: they say so and ask for `--debug`.
 */
export function renderErrorText(err: unknown, options: RenderErrorOptions = {}): string {
  if (!isPeregrineError(err)) {
    const e = err instanceof Error ? err : new Error(String(err));
    const lines = [`internal error: ${e.message}`];
    lines.push(
      options.debug
        ? (e.stack ?? '')
        : 'hint: this is a bug in Peregrine; rerun with --debug for the stack trace and report it',
    );
    return lines.join('\n');
  }
  return renderPeregrineError(err, options.debug ?? false, options.paint ?? NO_PAINT);
}

/** Longest stretch of a source line shown, and how much of it comes before the column. */
const MAX_LINE = 160;
const BEFORE_COL = 60;

function renderPeregrineError(err: PeregrineError, debug: boolean, paint: ErrorPaint): string {
  const out: string[] = [];
  const where = err.span ? `${err.span.source}:${err.span.line}:${err.span.col}: ` : '';
  out.push(
    `${escapeControls(where)}${paint.label(`error[${escapeControls(err.code)}]`)}: ${escapeControls(err.message)}`,
  );
  const span = err.span;
  if (span?.text !== undefined) {
    const lineText = (span.text.split('\n')[span.line - 1] ?? '').replace(/\r$/, '');
    const gutter = String(span.line);
    out.push(paint.gutter(`${' '.repeat(gutter.length)} |`));
    // Control bytes in the line are shown escaped (never raw on a terminal); the caret moves with them. A long
    // line (minified JSON, generated huntflows) is cut to a window around the column, marked with '…'.
    const col = Math.max(1, span.col);
    const from =
      lineText.length > MAX_LINE
        ? Math.max(0, Math.min(col - 1 - BEFORE_COL, lineText.length - MAX_LINE))
        : 0;
    const to = Math.min(lineText.length, from + MAX_LINE);
    const lead = from > 0 ? '…' : '';
    const show = (t: string): string => escapeControls(t).replace(/\t/g, ' ');
    const rawWidth = Math.max(1, Math.min(span.length ?? 1, Math.max(1, to - col + 1)));
    const before = lead + show(lineText.slice(from, col - 1));
    const width = Math.max(1, show(lineText.slice(col - 1, col - 1 + rawWidth)).length);
    out.push(
      `${paint.gutter(`${gutter} |`)} ${lead}${show(lineText.slice(from, to))}${to < lineText.length ? '…' : ''}`,
    );
    out.push(
      `${paint.gutter(`${' '.repeat(gutter.length)} |`)} ${' '.repeat(before.length)}${paint.caret('^'.repeat(width))}`,
    );
  }
  if (err.hint) out.push(`${paint.hint('hint:')} ${escapeControls(err.hint)}`);
  // The chain of causes, without the part the message already says (a message often ends with its cause's text).
  const causes: string[] = [];
  for (let c = err.cause, n = 0; c !== undefined && n < 10; n++) {
    causes.push(c instanceof Error ? c.message : String(c));
    c = c instanceof Error ? c.cause : undefined;
  }
  let said = -1;
  causes.forEach((m, i) => {
    if (m !== '' && err.message.includes(m)) said = i;
  });
  for (const m of causes.slice(said + 1)) out.push(`caused by: ${escapeControls(m)}`);
  if (debug && err.stack) out.push(err.stack);
  return out.join('\n');
}

/** A non-fatal problem, rendered as `peregrine run` does on stderr: the error layout, labelled `warning[…]`. */
export function warningText(w: PeregrineError): string {
  return renderErrorText(w).replace(/error\[/, 'warning[');
}
