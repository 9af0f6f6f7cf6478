// The planner's notes on what the cache cannot evaluate come from the pattern's AST, not from its printed text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planLocal } from '../../../src/hunt/plan/index.ts';
import { parsePattern } from '../../../src/stix/index.ts';

const notes = (p: string): readonly string[] =>
  planLocal('process', parsePattern(p), undefined, undefined).notes;

test('WITHIN/REPEATS and FOLLOWEDBY are noted, in that order, wherever they nest', () => {
  assert.deepEqual(
    notes('([process:pid = 1] FOLLOWEDBY [process:pid = 2]) OR ([process:pid = 3] REPEATS 2 TIMES)'),
    [
      'WITHIN/REPEATS qualifiers are evaluated by data sources only; ignored on the cache',
      'FOLLOWEDBY is evaluated as AND on the cache',
    ],
  );
  assert.deepEqual(notes('[process:pid = 1] WITHIN 5 SECONDS'), [
    'WITHIN/REPEATS qualifiers are evaluated by data sources only; ignored on the cache',
  ]);
});

test('START/STOP, AND and OR need no note; neither do the words inside a string', () => {
  assert.deepEqual(
    notes(
      "[process:pid = 1] AND [process:pid = 2] START t'2020-01-01T00:00:00Z' STOP t'2020-01-02T00:00:00Z'",
    ),
    [],
  );
  assert.deepEqual(notes("[process:name = 'FOLLOWEDBY WITHIN REPEATS']"), []);
});
