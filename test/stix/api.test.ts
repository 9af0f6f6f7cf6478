/**
 * The entry points other stages call: offsets into a larger text (a huntflow), prefix parsing, frozen results.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseComparisonExpression,
  parseComparisonPrefix,
  parsePattern,
  printPattern,
} from '../../src/stix/index.ts';
import { ParseError } from '../../src/errors/index.ts';

const flow =
  "procs = GET process FROM file://x.json\n  WHERE name = 'cmd.exe'\n    AND pid > 4 SORT BY pid\n";

test('a WHERE inside a huntflow: spans and errors are positions in the whole text', () => {
  const start = flow.indexOf('name');
  const end = flow.indexOf(' SORT');
  const e = parseComparisonExpression(flow, {
    defaultType: 'process',
    offset: start,
    end,
    source: 'hunt.hf',
  });
  assert.equal(printPattern(e), "process:name = 'cmd.exe' AND process:pid > 4");
  assert.deepEqual([e.span.line, e.span.col, e.span.start, e.span.end], [2, 9, start, end]);
  assert.ok(e.kind === 'ComparisonBinary');
  assert.deepEqual([e.right.span.line, e.right.span.col], [3, 9]);

  const bad = "x = GET process\n  WHERE name = 'a' AND > 4\n";
  try {
    parseComparisonExpression(bad, {
      defaultType: 'process',
      offset: bad.indexOf('name'),
      source: 'hunt.hf',
    });
    assert.fail('expected a ParseError');
  } catch (err) {
    assert.ok(err instanceof ParseError);
    assert.deepEqual([err.span?.source, err.span?.line, err.span?.col], ['hunt.hf', 2, 24]);
  }
});

test('parseComparisonPrefix stops at the first token that cannot continue the condition', () => {
  const start = flow.indexOf('name');
  const r = parseComparisonPrefix(flow, { defaultType: 'process', offset: start });
  assert.equal(flow.slice(r.end), ' SORT BY pid\n');
  assert.equal(printPattern(r.expr), "process:name = 'cmd.exe' AND process:pid > 4");
});

test('results are frozen plain data', () => {
  const p = parsePattern("[process:name = 'a']");
  assert.ok(Object.isFrozen(p) && Object.isFrozen(p.expr));
  assert.throws(() => {
    (p as { source: string }).source = 'x';
  }, TypeError);
});

test('a given line/col of the offset gives the same spans as counting, and # comments can be white space', () => {
  const text = "x = 1\n# note\ny = GET process WHERE name = 'a' # shell\n  AND pid > 4\n";
  const start = text.indexOf('name');
  const counted = parseComparisonExpression(text.replace('# shell', '       '), {
    defaultType: 'process',
    offset: start,
  });
  const placed = parseComparisonExpression(text, {
    defaultType: 'process',
    offset: start,
    line: 3,
    col: 23,
    comments: true,
  });
  assert.deepEqual(placed, counted);
  assert.ok(placed.kind === 'ComparisonBinary');
  assert.deepEqual([placed.right.span.line, placed.right.span.col], [4, 7]);
  assert.throws(
    () => parseComparisonExpression(text, { defaultType: 'process', offset: start }),
    /unexpected character '#'/,
  );
  try {
    parseComparisonExpression(text.replace('pid > 4', 'pid >> 4'), {
      defaultType: 'process',
      offset: start,
      line: 3,
      col: 23,
      comments: true,
    });
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof ParseError);
    assert.deepEqual([e.span?.line, e.span?.col], [4, 12]);
  }
});

test('parsePattern over a range of a longer text: spans in the text, source is the range', () => {
  const text = "x = GET process\n  WHERE [process:pid = 4] AND\n    [file:name = 'a']\nDISP x\n";
  const start = text.indexOf('[');
  const end = text.indexOf('\nDISP');
  const p = parsePattern(text, { offset: start, end, line: 2, col: 9 });
  assert.equal(p.source, text.slice(start, end));
  assert.ok(p.expr.kind === 'ObservationBinary');
  assert.deepEqual(
    [p.expr.right.span.line, p.expr.right.span.col, p.expr.right.span.start],
    [3, 5, text.indexOf('[file')],
  );
  assert.deepEqual(parsePattern(text, { offset: start, end }), p);
});
