/** Offsets → 1-based line/column spans over one policy file's text. */
import { LineIndex } from '../../../common/index.ts';
import type { Span } from './ast.ts';

/** The common line index with spans shaped as the policy AST wants them. */
export class PolicyLines extends LineIndex {
  /** The span of `length` characters starting at `offset`. */
  span(offset: number, length = 1): Span {
    const line = this.lineOf(offset);
    return { line, col: offset - this.lineStart(line) + 1, offset, length: Math.max(1, length) };
  }
}
