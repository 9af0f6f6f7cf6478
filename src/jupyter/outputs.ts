/**
 * A hunt session's outputs as Jupyter MIME bundles: every display and the execution summary carry `text/html` (a
 * table) and a `text/plain` twin that is exactly what `peregrine run` prints (the shared text renderers). Errors
 * are the same text with ANSI colours (JupyterLab and Notebook 7 show them as coloured HTML, the caret in red).
 *
 * Each display kind has its bundle function in {@link BUNDLES}, a `Record` over the kinds: a new kind of display
 * (APPLY's SVG, PNG, HTML, Vega-Lite, Markdown) does not compile until it has one. A bundle's data maps MIME types to
 * strings, or to JSON values for `+json` types (`application/vnd.vegalite.v5+json` is a spec object, which
 * JupyterLab renders natively with its Vega extension); PNG is base64 without line breaks.
 */
import type { Display, VariableSummary } from '../hunt/session/index.ts';
import { renderErrorText, type ErrorPaint } from '../render/error.ts';
import { escapeHtml, renderHtmlPre, renderHtmlTable } from '../render/html.ts';
import { cellText, displayText, renderSummaryText, summaryTable } from '../render/index.ts';

export interface MimeBundle extends Record<string, unknown> {
  /** MIME type → content: text, base64 (images) or a JSON value (`…+json` types). */
  readonly data: Record<string, unknown>;
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

type DisplayOf<K extends Display['kind']> = Extract<Display, { kind: K }>;

/** The MIME data of each kind of display. */
const BUNDLES: { readonly [K in Display['kind']]: (d: DisplayOf<K>) => Record<string, unknown> } = {
  table: (d) => ({
    'text/plain': displayText(d),
    'text/html': renderHtmlTable(d.columns, d.rows, {
      title: d.title,
      formatCell: cellText,
      numeric: numericColumns(d.columns, d.rows),
      footer: d.rows.length === 0 ? '(no rows)' : undefined,
    }),
  }),
  text: (d) => ({
    'text/plain': displayText(d),
    'text/html': (d.title ? `<p><b>${escapeHtml(d.title)}</b></p>\n` : '') + renderHtmlPre(d.text),
  }),
  html: (d) => ({ 'text/plain': displayText(d), 'text/html': d.html }),
  svg: (d) => ({ 'text/plain': displayText(d), 'image/svg+xml': d.svg }),
  png: (d) => ({ 'text/plain': displayText(d), 'image/png': d.png }),
  'vega-lite': (d) => ({ 'text/plain': displayText(d), 'application/vnd.vegalite.v5+json': d.spec }),
  markdown: (d) => ({ 'text/plain': d.markdown, 'text/markdown': d.markdown }),
};

export function displayBundle(d: Display): MimeBundle {
  const data = (BUNDLES[d.kind] as (d: Display) => Record<string, unknown>)(d);
  return { data, metadata: {}, transient: {} };
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

const sgr =
  (code: string) =>
  (text: string): string =>
    `\x1b[${code}m${text}\x1b[0m`;

/** ANSI colours of an error's parts, as rustc and IPython colour theirs. */
export const ANSI_ERROR_PAINT: ErrorPaint = {
  label: sgr('1;31'),
  gutter: sgr('34'),
  caret: sgr('1;31'),
  hint: sgr('1;36'),
};

/** The `traceback` of an `error` message: the positioned error, one line per element, in ANSI colours. */
export function errorTraceback(failure: unknown, debug: boolean): string[] {
  return renderErrorText(failure, { debug, paint: ANSI_ERROR_PAINT }).split('\n');
}
