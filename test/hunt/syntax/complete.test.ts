/** isComplete (REPL / Jupyter is_complete) and completionAt (what may be typed at the cursor, for H8's completion). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completionAt, isComplete, type Expectation } from '../../../src/hunt/syntax/index.ts';

const cases: [string, 'complete' | 'incomplete' | 'invalid'][] = [
  ['', 'complete'],
  ['DISP x', 'complete'],
  ['x = GET process', 'complete'],
  ['x = GET process WHERE', 'incomplete'],
  ["x = GET process WHERE [process:name = 'a'", 'incomplete'],
  ["x = GET process WHERE (name = 'a'", 'incomplete'],
  ["x = GET process WHERE name = 'a", 'incomplete'],
  ['x = GET process WHERE name =', 'incomplete'],
  ["x = GET process WHERE name = 'a' AND", 'incomplete'],
  ['x = GET process FROM', 'incomplete'],
  ["x = GET process WHERE pid = 1 START t'2021-01-01T00:00:00Z'", 'incomplete'],
  ['x = a +', 'incomplete'],
  ['x =', 'incomplete'],
  ['DISP x ATTR a,', 'incomplete'],
  ['DISP x LIMIT', 'incomplete'],
  ['x = FIND process CREATED', 'incomplete'],
  ['x = NEW process [', 'incomplete'],
  ['APPLY docker://x ON', 'incomplete'],
  ['GTE process', 'invalid'],
  ["x = GET process WHERE name = 'a' LIMIT ten", 'invalid'],
  ["x = GET process WHERE name = 'a\nDISP x", 'invalid'],
  ['DISP x ATTR a,, b', 'invalid'],
];

test('isComplete tells the REPL whether to wait for more lines', () => {
  for (const [text, want] of cases) assert.equal(isComplete(text), want, JSON.stringify(text));
});

const pre = "procs = GET process FROM stixshifter://h WHERE name = 'a'\n";
const kinds = (es: readonly Expectation[]): string[] => es.map((e) => e.kind).sort();
const words = (es: readonly Expectation[]): readonly string[] =>
  es.find((e) => e.kind === 'keyword')?.words ?? [];

function at(text: string): ReturnType<typeof completionAt> {
  return completionAt(pre + text, pre.length + text.length);
}

test('completion at a statement start offers commands and keeps the variables with their types', () => {
  const c = at('');
  assert.ok(kinds(c.expected).includes('statement'));
  assert.deepEqual(c.variables, ['procs']);
  assert.deepEqual(c.variableTypes, { procs: 'process' });
  const d = at('DI');
  assert.equal(d.prefix, 'DI');
  assert.equal(d.replaceFrom, pre.length);
});

test('completion after = offers result commands, transforms and variables', () => {
  const c = at('x = ');
  assert.ok(kinds(c.expected).includes('variable'));
  assert.ok(words(c.expected).includes('GET') && words(c.expected).includes('TIMESTAMPED'));
  assert.ok(!words(c.expected).includes('DISP'));
});

test('completion names the expected kind of token', () => {
  assert.deepEqual(kinds(at('x = GET ').expected), ['entityType']);
  assert.equal(at('x = GET pro').prefix, 'pro');
  assert.deepEqual(kinds(at('x = GET process FROM ').expected), ['source']);
  assert.deepEqual(kinds(at('x = FIND process ').expected), ['relation']);
  assert.deepEqual(kinds(at('x = FIND process CREATED ').expected), ['keyword', 'variable']);
  assert.deepEqual(kinds(at('x = GET process LAST 5 ').expected), ['timeUnit']);
  assert.deepEqual(kinds(at('g = GROUP procs BY name WITH ').expected), ['aggregate']);
  assert.deepEqual(kinds(at('x = GET process WHERE name ').expected), ['operator']);
  assert.deepEqual(kinds(at('x = GET process WHERE name = ').expected), ['value']);
});

test('completion of attributes knows the variable or the entity type', () => {
  assert.deepEqual(at('DISP procs ATTR ').expected, [{ kind: 'attribute', variable: 'procs' }]);
  assert.deepEqual(at('DISP procs ATTR pid, na').expected, [{ kind: 'attribute', variable: 'procs' }]);
  assert.equal(at('DISP procs ATTR pid, na').prefix, 'na');
  assert.deepEqual(at('DESCRIBE procs.').expected, [{ kind: 'attribute', variable: 'procs' }]);
  assert.deepEqual(at('x = procs WHERE ').expected, [{ kind: 'attribute', variable: 'procs' }]);
  assert.deepEqual(at('x = GET process WHERE ').expected, [{ kind: 'attribute', entityType: 'process' }]);
  assert.deepEqual(at('x = GET process WHERE [file:').expected, [{ kind: 'attribute', entityType: 'file' }]);
  assert.deepEqual(at("x = GET process WHERE [name = 'a' AND ").expected, [
    { kind: 'attribute', entityType: 'process' },
  ]);
});

test('completion after a complete clause offers the remaining clauses, not repeated ones', () => {
  const c = at("x = GET process WHERE name = 'a' ");
  assert.ok(words(c.expected).includes('LIMIT') && words(c.expected).includes('START'));
  assert.ok(!words(c.expected).includes('WHERE'));
  assert.ok(kinds(c.expected).includes('statement'));
  assert.deepEqual([...words(at('DISP procs ').expected)].sort(), [
    'ATTR',
    'LIMIT',
    'OFFSET',
    'SORT',
    'WHERE',
  ]);
});

test('completion never throws, even on invalid text', () => {
  for (const t of ['GTE ', '((((', "x = GET process WHERE 'a' ", '\u0000', 'DISP x ATTR ,,', '#']) {
    const c = completionAt(t, t.length);
    assert.ok(Array.isArray(c.expected));
  }
});

test('no completion inside a comment; a # inside a string is not a comment', () => {
  assert.deepEqual(at('x = GET # pro').expected, []);
  assert.deepEqual(at("x = GET process WHERE name = '#' ").expected.length > 0, true);
});
