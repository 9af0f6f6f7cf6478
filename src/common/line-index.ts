/**
 * Offsets of one text → 1-based lines and columns, by a binary search over the offsets where lines start (built
 * once, one pass). A line ends at `\n`; a `\r` before it counts as a column of that line. Columns count UTF-16
 * code units, as offsets do.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** The 1-based line holding `offset` (an offset past the end is on the last line). */
  lineOf(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Offset of the first character of 1-based `line`; the text's length past the last line. */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }
}
