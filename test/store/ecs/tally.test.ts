/** The tally every writer of store records keeps: exact counts, rejections kept up to a limit, sorted indices. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppendTally, documentProblem } from '../../../src/store/ecs/index.ts';

test('rejections name file, line and id where known; the count stays exact past the limit', () => {
  const t = new AppendTally(['a.ndjson'], 2);
  t.reject({ file: 0, line: 3, id: 'x' }, 'bad');
  t.reject({ file: 7, line: null, id: null }, 'worse');
  t.reject({}, 'not kept');
  t.accepted += 5;
  t.created += 4;
  t.updated += 1;
  t.indexed('b');
  t.indexed('a');
  t.indexed('b');
  const r = t.result();
  assert.deepEqual(r.rejections, [
    { file: 'a.ndjson', line: 3, id: 'x', reason: 'bad' },
    { file: '#7', reason: 'worse' },
  ]);
  assert.deepEqual([r.accepted, r.created, r.updated, r.rejected], [5, 4, 1, 3]);
  assert.deepEqual(r.indices, ['a', 'b']);
  assert.deepEqual(Object.keys(t.progress()), ['accepted', 'rejected', 'elapsedMs']);
});

test('documentProblem: only a JSON object is a document', () => {
  assert.equal(documentProblem('{"a":1}'), undefined);
  assert.equal(documentProblem('[1]'), 'the document is an array, not a JSON object');
  assert.equal(documentProblem('null'), 'the document is null, not a JSON object');
  assert.equal(documentProblem('"s"'), 'the document is a string, not a JSON object');
  assert.equal(documentProblem('7'), 'the document is a number, not a JSON object');
  assert.match(documentProblem('{"a":') ?? '', /^malformed JSON: /);
});
