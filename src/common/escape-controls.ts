/**
 * Making untrusted text safe to print on a terminal: a user's file may hold NUL bytes, terminal escape sequences,
 * bytes that are not UTF-8 (decoded as U+FFFD) or invisible bidirectional controls. Each becomes a visible `\uXXXX`.
 */

/** C0 controls but tab and newline, DEL, C1 controls, zero-width and bidi controls, the BOM, U+FFFD. */
const UNSAFE_CLASS =
  '[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff\\ufffd]';
const UNSAFE = new RegExp(UNSAFE_CLASS, 'g');
const UNSAFE_ONE = new RegExp(UNSAFE_CLASS);

function escapeOne(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

const LINE_BREAKS = /[\t\n\r]/g;
const LINE_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * `text` with every unsafe character written as `\uXXXX` (tabs and newlines are kept, unless `oneLine`: then they are
 * written `\t`, `\n`, `\r`, so a value cannot start a new row of a table). The one sanitiser of terminal output:
 * tables, EXPLAIN, errors, `sysflow read`, the REPL, doctor, ingest summaries all pass data through it.
 */
export function escapeControls(text: string, opts: { readonly oneLine?: boolean } = {}): string {
  const safe = UNSAFE_ONE.test(text) ? text.replace(UNSAFE, escapeOne) : text;
  return opts.oneLine ? safe.replace(LINE_BREAKS, (c) => LINE_ESCAPES[c]!) : safe;
}

/** Whether `text` holds a character {@link escapeControls} would escape (a sign of binary data). */
export function hasControls(text: string): boolean {
  return UNSAFE_ONE.test(text);
}
