/**
 * Text rendering of displays, like Kestrel's DISP: aligned columns, long cells truncated in the middle of nowhere
 * but at the end with `…`, lists and objects as compact JSON, nulls blank.
 */
import { escapeControls } from '../common/index.ts';
import type { Display, VariableSummary } from '../hunt/session/types.ts';

export interface TableOptions {
  /** Longest cell, in characters (default 60; 0 = no limit). */
  readonly maxCell?: number;
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** One line of a cell, safe on a terminal: newlines as ↵, tabs as spaces, other controls and bidi as `\uXXXX`. */
function clip(s: string, max: number): string {
  const one = escapeControls(s.replace(/\r?\n/g, '↵').replace(/\t/g, ' '));
  if (max <= 0 || one.length <= max) return one;
  return one.slice(0, Math.max(1, max - 1)) + '…';
}

/** An aligned text table; numbers are right-aligned. */
export function renderTextTable(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  opts: TableOptions = {},
): string {
  const max = opts.maxCell ?? 60;
  if (columns.length === 0) return '(no rows)';
  const head = columns.map((c) => clip(c, max));
  const body = rows.map((r) => columns.map((_, i) => clip(cellText(r[i]), max)));
  const numeric = columns.map(
    (_, i) =>
      rows.length > 0 && rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number'),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of body) out.push(line(r));
  if (rows.length === 0) out.push('(no rows)');
  return out.join('\n');
}

/**
 * A display as text: tables aligned, graphics as their text twin followed by the files they were written to
 * (`files`, when the caller wrote them).
 */
export function renderDisplayText(d: Display, opts: TableOptions = {}, files?: readonly string[]): string {
  if (d.kind === 'text') return escapeControls(d.text);
  if (d.kind === 'table') return renderTextTable(d.columns, d.rows, opts);
  const text = escapeControls(d.kind === 'markdown' ? d.markdown : d.text);
  return files?.length ? `${text}\n${files.map((f) => `→ ${f}`).join('\n')}` : text;
}

/** The execution summary as a table: variable, type, #entities, #records, related records cached, time. */
export function summaryTable(summary: readonly VariableSummary[]): { columns: string[]; rows: unknown[][] } {
  const columns = ['VARIABLE', 'TYPE', '#(ENTITIES)', '#(RECORDS)', 'RELATED RECORDS*', 'TIME (ms)'];
  const rows = summary.map((s) => [
    s.name,
    s.type,
    s.entities,
    s.records,
    Object.entries(s.related)
      .filter(([, n]) => n > 0)
      .map(([t, n]) => `${t}: ${n}`)
      .join(', '),
    s.timeMs,
  ]);
  return { columns, rows };
}

export function renderSummaryText(summary: readonly VariableSummary[]): string {
  if (summary.length === 0) return 'no variable assigned';
  const t = summaryTable(summary);
  return `${renderTextTable(t.columns, t.rows, { maxCell: 0 })}\n*related records cached: records of other types in the same observations`;
}
