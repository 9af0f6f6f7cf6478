/**
 * HTML renderings for the Jupyter kernel: tables of Displays and the execution summary. Every value is escaped;
 * cells are formatted by the caller-supplied `formatCell` so the HTML shows exactly what the text twin shows.
 */

import { escapeMarkup } from '../common/index.ts';

/** Escapes text for HTML element content and quoted attribute values (see {@link escapeMarkup}). */
export function escapeHtml(text: string): string {
  return escapeMarkup(text);
}

export interface HtmlTableOptions {
  /** Shown above the table. */
  readonly title?: string;
  /** Text form of one cell value. */
  readonly formatCell: (value: unknown) => string;
  /** Right-align these column indexes (numbers). */
  readonly numeric?: ReadonlySet<number>;
  /** Shown below the table, e.g. "showing 100 of 2,000 rows". */
  readonly footer?: string;
  /** Extra CSS class on the table. */
  readonly className?: string;
}

/** A `<table>` with a header row; `rows` is consumed once (any iterable). */
export function renderHtmlTable(
  columns: readonly string[],
  rows: Iterable<readonly unknown[]>,
  options: HtmlTableOptions,
): string {
  const out: string[] = [];
  if (options.title) out.push(`<p><b>${escapeHtml(options.title)}</b></p>`);
  out.push(`<table class="${escapeHtml(['peregrine-table', options.className].filter(Boolean).join(' '))}">`);
  // Alignment is explicit: JupyterLab's stylesheet right-aligns every cell, which suits numbers only.
  const align = (i: number): string => (options.numeric?.has(i) ? 'right' : 'left');
  out.push(
    '<thead><tr>' +
      columns.map((c, i) => `<th style="text-align:${align(i)}">${escapeHtml(c)}</th>`).join('') +
      '</tr></thead>',
  );
  out.push('<tbody>');
  for (const row of rows) {
    const cells = columns.map((_, i) => {
      const text = options.formatCell(row[i]);
      // short values without spaces (timestamps, addresses, names, numbers) never break across lines
      const nowrap = text.length <= 40 && !/\s/.test(text) ? ';white-space:nowrap' : '';
      return `<td style="text-align:${align(i)}${nowrap}">${escapeHtml(text)}</td>`;
    });
    out.push(`<tr>${cells.join('')}</tr>`);
  }
  out.push('</tbody></table>');
  if (options.footer) out.push(`<p><i>${escapeHtml(options.footer)}</i></p>`);
  return out.join('\n');
}

/** Preformatted text (for displays that have no tabular form). */
export function renderHtmlPre(text: string): string {
  return `<pre>${escapeHtml(text)}</pre>`;
}
