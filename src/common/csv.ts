/** Writing CSV (RFC 4180 quoting): the SAVE command's files and the `--format csv` output. */

/** One field: quoted when it holds a double quote, a comma or a line break, with double quotes inside doubled. */
export function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A header line and one line per row, joined with `\n` (no newline after the last); `text` turns each header name
 * and value into the field's text (callers differ in how they write null, numbers and objects).
 */
export function csvTable(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  text: (value: unknown) => string,
): string {
  const line = (cells: readonly unknown[]): string => cells.map((v) => csvField(text(v))).join(',');
  return [line(columns), ...rows.map(line)].join('\n');
}
