/**
 * Output formats of every command that prints data (`--format table|json|jsonl|csv`). JSON of a run is ONE document
 * `{"variables":[{name,type,entities,records,…}],"displays":[…]}`; JSONL writes one line per display row (and one per
 * variable); CSV writes each table display (with a blank line between tables).
 */
import { csvTable, escapeControls } from '../common/index.ts';
import type { Display, ExecuteResult, VariableSummary } from '../hunt/session/types.ts';
import type { DisplayFiles } from './display-files.ts';
import { cellText, renderDisplayText, renderSummaryText } from './table.ts';

export const FORMATS = ['table', 'json', 'jsonl', 'csv'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export function isOutputFormat(s: string): s is OutputFormat {
  return (FORMATS as readonly string[]).includes(s);
}

export function displayToCsv(d: Display, files?: readonly string[]): string {
  if (d.kind === 'table') return csvTable(d.columns, d.rows, cellText);
  return renderDisplayText(d, {}, files);
}

function rowObjects(d: Display & { kind: 'table' }): Record<string, unknown>[] {
  return d.rows.map((r) => Object.fromEntries(d.columns.map((c, i) => [c, r[i] ?? null])));
}

/**
 * A display as plain JSON data: tables as row objects; graphics as their kind, text twin and the files they were
 * written to (the markup itself stays in the files).
 */
export function displayToJson(d: Display, files?: readonly string[]): Record<string, unknown> {
  const title = d.title ? { title: d.title } : {};
  switch (d.kind) {
    case 'text':
      return { kind: 'text', ...title, text: d.text };
    case 'table':
      return { kind: 'table', ...title, columns: d.columns, rows: rowObjects(d) };
    case 'markdown':
      return { kind: d.kind, ...title, text: d.markdown, ...(files ? { files } : {}) };
    default:
      return { kind: d.kind, ...title, text: d.text, ...(files ? { files } : {}) };
  }
}

function variableJson(v: VariableSummary): Record<string, unknown> {
  return {
    name: v.name,
    type: v.type,
    entities: v.entities,
    records: v.records,
    related: v.related,
    timeMs: v.timeMs,
  };
}

/**
 * Renders a whole execution result in `format`, safe to print on a terminal: data's control characters, C1 controls
 * and bidi overrides come out as `\uXXXX` — in JSON that is the same string, in CSV and tables a visible escape.
 * `files`: where graphic displays were written.
 */
export function renderResult(
  r: Pick<ExecuteResult, 'displays' | 'summary'>,
  format: OutputFormat,
  files?: DisplayFiles,
): string {
  return escapeControls(renderRaw(r, format, files));
}

function renderRaw(
  r: Pick<ExecuteResult, 'displays' | 'summary'>,
  format: OutputFormat,
  files?: DisplayFiles,
): string {
  switch (format) {
    case 'json':
      return JSON.stringify(
        {
          variables: r.summary.map(variableJson),
          displays: r.displays.map((d) => displayToJson(d, files?.get(d))),
        },
        null,
        2,
      );
    case 'jsonl': {
      const lines: string[] = [];
      r.displays.forEach((d, i) => {
        if (d.kind !== 'table')
          lines.push(JSON.stringify({ display: i, ...displayToJson(d, files?.get(d)) }));
        else
          for (const row of rowObjects(d))
            lines.push(JSON.stringify({ display: i, ...(d.title ? { title: d.title } : {}), row }));
      });
      for (const v of r.summary) lines.push(JSON.stringify({ variable: variableJson(v) }));
      return lines.join('\n');
    }
    case 'csv':
      return r.displays.map((d) => displayToCsv(d, files?.get(d))).join('\n\n');
    case 'table': {
      const parts = r.displays.map(
        (d) => (d.title ? `${d.title}\n` : '') + renderDisplayText(d, {}, files?.get(d)),
      );
      parts.push(renderSummaryText(r.summary));
      return parts.join('\n\n');
    }
  }
}

/**
 * The text of one display exactly as `peregrine run` prints it in table format: taken from `renderResult` itself
 * (a one-display result, without the summary block that follows), so the two cannot drift apart.
 */
export function displayText(d: Display, files?: readonly string[]): string {
  const full = renderResult(
    { displays: [d], summary: [] },
    'table',
    files ? new Map([[d, files]]) : undefined,
  );
  const tail = '\n\n' + renderSummaryText([]);
  return full.endsWith(tail) ? full.slice(0, -tail.length) : full;
}
