/**
 * A hunt session's outputs as Jupyter MIME bundles: every display and the execution summary carry `text/html` (a
 * table) and a `text/plain` twin that is exactly what `peregrine run` prints (the shared text renderers).
 */
import type { Display, Progress, VariableSummary } from '../hunt/session/index.ts';
import { renderHtmlPre, renderHtmlTable, escapeHtml } from '../render/html.ts';
import { formatCell, renderDisplayText, renderSummaryText } from '../render/index.ts';

export interface MimeBundle extends Record<string, unknown> {
  readonly data: Record<string, string>;
  readonly metadata: Record<string, unknown>;
}

/** Column indexes whose non-empty values are all numbers (right-aligned in HTML). */
function numericColumns(columns: readonly string[], rows: readonly (readonly unknown[])[]): Set<number> {
  const out = new Set<number>();
  columns.forEach((_, i) => {
    let any = false;
    for (const r of rows) {
      const v = r[i];
      if (v === null || v === undefined || v === '') continue;
      if (typeof v !== 'number' && typeof v !== 'bigint') return;
      any = true;
    }
    if (any) out.add(i);
  });
  return out;
}

export function displayHtml(d: Display): string {
  switch (d.kind) {
    case 'table':
      return renderHtmlTable(d.columns, d.rows, {
        title: d.title,
        formatCell,
        numeric: numericColumns(d.columns, d.rows),
        footer: d.rows.length === 0 ? 'no entities' : undefined,
      });
    case 'text':
      return (d.title ? `<p><b>${escapeHtml(d.title)}</b></p>\n` : '') + renderHtmlPre(d.text);
  }
}

export function displayBundle(d: Display): MimeBundle {
  return { data: { 'text/plain': renderDisplayText(d), 'text/html': displayHtml(d) }, metadata: {}, transient: {} };
}

/**
 * The execution summary as Kestrel shows it after a cell: one row per variable assigned, with the related records
 * cached per type as `type*` columns.
 */
export function summaryHtml(summary: readonly VariableSummary[]): string {
  const relatedTypes = [...new Set(summary.flatMap((s) => Object.keys(s.related)))].sort();
  const columns = ['VARIABLE', 'TYPE', '#(ENTITIES)', '#(RECORDS)', ...relatedTypes.map((t) => `${t}*`), 'TIME (s)'];
  const rows = summary.map((s) => [
    s.name,
    s.type,
    s.entities,
    s.records,
    ...relatedTypes.map((t) => s.related[t] ?? 0),
    (s.timeMs / 1000).toFixed(2),
  ]);
  const numeric = new Set(columns.map((_, i) => i).filter((i) => i >= 2));
  return renderHtmlTable(columns, rows, {
    title: 'Execution summary',
    formatCell: (v) => String(v),
    numeric,
    className: 'peregrine-summary',
    footer: relatedTypes.length > 0 ? '*Number of related records cached.' : undefined,
  });
}

export function summaryBundle(summary: readonly VariableSummary[]): MimeBundle {
  return { data: { 'text/plain': renderSummaryText(summary), 'text/html': summaryHtml(summary) }, metadata: {}, transient: {} };
}

/** One progress line for the stderr stream: `file:///x.json: 12,000 observations (of 50,000) in 1.2 s`. */
export function progressLine(p: Progress): string {
  const total = p.total !== undefined ? ` of ${p.total.toLocaleString('en-US')}` : '';
  return `${p.source}: ${p.hits.toLocaleString('en-US')}${total} observations in ${(p.elapsedMs / 1000).toFixed(1)} s`;
}
