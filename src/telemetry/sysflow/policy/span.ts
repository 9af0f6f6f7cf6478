/** Offsets → 1-based line/column spans over one policy file's text. */
import type { SourceSpan } from '../../../errors/index.ts';
import type { Span } from './ast.ts';

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  /** The span of `length` characters starting at `offset`. */
  span(offset: number, length = 1): Span {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo] + 1, offset, length: Math.max(1, length) };
  }
  /** Offset of the first character of 1-based `line`. */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }
  get lineCount(): number {
    return this.starts.length;
  }
}

/** A span of the given file as the error tree wants it (with the text, for the caret line). */
export function sourceSpan(source: string, text: string, span: Span): SourceSpan {
  return { source, line: span.line, col: span.col, offset: span.offset, length: span.length, text };
}
