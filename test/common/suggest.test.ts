/** Edit distance and the "did you mean" pickers every stage shares. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, editDistance, nearNames, nearest } from '../../src/common/index.ts';

test('editDistance: insertions, deletions, substitutions; swaps cost one only when asked', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(editDistance('', ''), 0);
  assert.equal(editDistance('same', 'same'), 0);
  assert.equal(editDistance('GROPU', 'GROUP'), 2);
  assert.equal(editDistance('GROPU', 'GROUP', { transpositions: true }), 1);
  // optimal string alignment: a swapped pair is not edited again (true Damerau distance would be 2)
  assert.equal(editDistance('ca', 'abc', { transpositions: true }), 3);
  assert.equal(editDistance('Disp', 'DISP'), 3);
  assert.equal(editDistance('Disp', 'DISP', { ignoreCase: true }), 0);
});

test('nearest: the first of the closest, only within reach', () => {
  assert.equal(nearest('GRUOP', ['DISP', 'GROUP', 'SORT'], { within: 1, transpositions: true }), 'GROUP');
  assert.equal(nearest('GRUOP', ['DISP', 'GROUP', 'SORT'], { within: 1 }), undefined);
  assert.equal(nearest('cat', ['bat', 'hat'], { within: 1 }), 'bat');
  assert.equal(nearest('x', [], { within: 5 }), undefined);
  assert.equal(nearest('sort', ['SORT'], { within: 0, ignoreCase: true }), 'SORT');
});

test('nearNames: closest first, ties by name, prefixes count as one edit', () => {
  assert.deepEqual(nearNames('nmae', ['name', 'pid', 'names', 'nme']), ['nme', 'name']);
  assert.deepEqual(nearNames('command', ['command_line', 'cwd']), ['command_line']);
  assert.deepEqual(nearNames('ab', ['abcdef']), []);
  assert.deepEqual(nearNames('PID', ['pid', 'pid']), ['pid']);
  assert.deepEqual(nearNames('x', ['a', 'b', 'c', 'd'], 2), ['a', 'b']);
  assert.equal(didYouMean('nmae', ['name']), 'did you mean "name"?');
  assert.equal(didYouMean('zzzzzz', ['name']), undefined);
});
