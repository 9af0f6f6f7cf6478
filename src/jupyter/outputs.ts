/**
 * A hunt session's outputs as Jupyter MIME bundles: every display and the execution summary carry `text/html` (a
 * table) and a `text/plain` twin that is exactly what `peregrine run` prints (the shared text renderers).
 */
import type { PeregrineError } from '../errors/index.ts';
import type { Display, Progress, VariableSummary } from '../hunt/session/index.ts';
import { renderErrorText } from '../render/error.ts';
import { escapeHtml, renderHtmlPre, renderHtmlTable } from '../render/html.ts';
import { cellText, renderResult, renderSummaryText, summaryTable } from '../render/index.ts';

export interface MimeBundle extends Record<string, unknown> {
  readonly data: Record<string, string>;
  readonly metadata: Record<string, unknown>;
}

/** Column indexes whose non-empty values are all numbers (right-aligned, as the text table does). */
function numericColumns(columns: readonly string[], rows: readonly (readonly unknown[])[]): Set<number> {
  const out = new Set<number>();
  columns.forEach((_, i) => {
    if (rows.length > 0 && rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number'))
      out.add(i);
  });
  return out;
}

/**
 * The text of one display exactly as `peregrine run` prints it in table format: taken from `renderResult` itself
 * (a one-display result, without the summary block that follows), so the two cannot drift apart.
 */
export function displayText(d: Display): string {
  const full = renderResult({ displays: [d], summary: [] }, 'table');
  const tail = '\n\n' + renderSummaryText([]);
  return full.endsWith(tail) ? full.slice(0, -tail.length) : full;
}

export function displayHtml(d: Display): string {
  switch (d.kind) {
    case 'table':
      return renderHtmlTable(d.columns, d.rows, {
        title: d.title,
        formatCell: cellText,
        numeric: numericColumns(d.columns, d.rows),
        footer: d.rows.length === 0 ? '(no rows)' : undefined,
      });
    case 'text':
      return (d.title ? `<p><b>${escapeHtml(d.title)}</b></p>\n` : '') + renderHtmlPre(d.text);
  }
}

export function displayBundle(d: Display): MimeBundle {
  return { data: { 'text/plain': displayText(d), 'text/html': displayHtml(d) }, metadata: {}, transient: {} };
}

/** The execution summary Kestrel shows after a cell, as an HTML table of the same columns as the text one. */
export function summaryHtml(summary: readonly VariableSummary[]): string {
  const t = summaryTable(summary);
  return renderHtmlTable(t.columns, t.rows, {
    title: 'Execution summary',
    formatCell: cellText,
    numeric: numericColumns(t.columns, t.rows),
    className: 'peregrine-summary',
    footer: '*related records cached: records of other types in the same observations',
  });
}

export function summaryBundle(summary: readonly VariableSummary[]): MimeBundle {
  return {
    data: { 'text/plain': renderSummaryText(summary), 'text/html': summaryHtml(summary) },
    metadata: {},
    transient: {},
  };
}

/** One progress line for the stderr stream: `file:///x.json: 12,000 observations (of 50,000) in 1.2 s`. */
export function progressLine(p: Progress): string {
  const total = p.total !== undefined ? ` of ${p.total.toLocaleString('en-US')}` : '';
  return `${p.source}: ${p.hits.toLocaleString('en-US')}${total} observations in ${(p.elapsedMs / 1000).toFixed(1)} s`;
}

/** A non-fatal problem, rendered as `peregrine run` does on stderr: the error layout, labelled `warning[…]`. */
export function warningText(w: PeregrineError): string {
  return renderErrorText(w).replace(/error\[/, 'warning[');
}
