import { isPeregrineError, type PeregrineError } from '../errors/index.ts';
import { escapeControls } from './escape.ts';

/**
 * Renders an error as text: `source:line:col: error[CODE]: message`, the offending line, a caret under the column
 * and the hint. Non-Peregrine errors are internal faults: they say so and ask for `--debug`.
 */
export function renderErrorText(err: unknown, options: { debug?: boolean } = {}): string {
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
  return renderPeregrineError(err, options.debug ?? false);
}

function renderPeregrineError(err: PeregrineError, debug: boolean): string {
  const out: string[] = [];
  const where = err.span ? `${err.span.source}:${err.span.line}:${err.span.col}: ` : '';
  out.push(`${escapeControls(where)}error[${err.code}]: ${escapeControls(err.message)}`);
  const span = err.span;
  if (span?.text !== undefined) {
    const lineText = (span.text.split('\n')[span.line - 1] ?? '').replace(/\r$/, '');
    const gutter = String(span.line);
    out.push(`${' '.repeat(gutter.length)} |`);
    // Control bytes in the line are shown escaped (never raw on a terminal); the caret moves with them.
    const col = Math.max(1, span.col);
    const before = escapeControls(lineText.slice(0, col - 1)).replace(/\t/g, ' ');
    const rawWidth = Math.max(1, Math.min(span.length ?? 1, Math.max(1, lineText.length - col + 1)));
    const marked = lineText.slice(col - 1, col - 1 + rawWidth);
    const width = Math.max(1, escapeControls(marked).length);
    out.push(`${gutter} | ${escapeControls(lineText).replace(/\t/g, ' ')}`);
    out.push(`${' '.repeat(gutter.length)} | ${' '.repeat(before.length)}${'^'.repeat(width)}`);
  }
  if (err.hint) out.push(`hint: ${escapeControls(err.hint)}`);
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
