/** Positions inside a JSON text, for errors that point at the offending character or key. */

/** Offset of a JSON.parse failure (V8 reports "at position N" or "line L column C"); end of text when unknown. */
export function jsonErrorOffset(text: string, message: string): number {
  const pos = /position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) {
    const lines = text.split('\n');
    let off = 0;
    for (let i = 0; i < Number(lc[1]) - 1 && i < lines.length; i++) off += lines[i].length + 1;
    return off + Number(lc[2]) - 1;
  }
  return text.length;
}

/**
 * Offset of the value at `path` (keys) inside a JSON text — found by walking the keys in order through the text,
 * which is right for the JSON people write in environment variables. Falls back to the last key found, then 0.
 */
export function jsonPathOffset(text: string, path: readonly (string | number)[]): number {
  let from = 0;
  let found = 0;
  for (const k of path) {
    if (typeof k === 'number') continue;
    const i = text.indexOf(JSON.stringify(k), from);
    if (i < 0) break;
    found = i;
    from = i + 1;
  }
  return found;
}
