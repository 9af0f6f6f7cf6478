/** Offsets → 1-based lines and line starts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineIndex } from '../../src/common/index.ts';

test('lines and their starts, first and last line, CRLF and a final newline', () => {
  const text = 'ab\ncd\r\n\nef';
  const lines = new LineIndex(text);
  assert.deepEqual(
    [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 99].map((o) => lines.lineOf(o)),
    [1, 1, 1, 2, 2, 2, 3, 4, 4, 4, 4],
  );
  assert.deepEqual([1, 2, 3, 4].map((l) => lines.lineStart(l)), [0, 3, 7, 8]);
  assert.equal(lines.lineStart(5), text.length);
  const col = (o: number) => o - lines.lineStart(lines.lineOf(o)) + 1;
  assert.deepEqual([0, 2, 3, 5, 8, 9].map(col), [1, 3, 1, 3, 1, 2]);
  const trailing = new LineIndex('x\n');
  assert.equal(trailing.lineOf(2), 2);
  assert.equal(new LineIndex('').lineOf(0), 1);
});
