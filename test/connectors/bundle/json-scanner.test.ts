/**
 * The incremental bundle scanner cuts exactly the elements JSON.parse sees, whatever the chunk boundaries —
 * inside strings, between a backslash and what it escapes, inside numbers — and reports positions of bad input.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BundleScanner, ScanError } from '../../../src/connectors/bundle/index.ts';
import { KESTREL_TEST_DATA } from '../../support/data.ts';

const tricky = JSON.stringify(
  {
    type: 'bundle',
    id: 'bundle--1',
    note: { nested: [1, { x: ']' }] },
    objects: [
      { type: 'a', s: 'quote " and backslash \\', t: '\\\\"', u: 'ünïcødé ☃ 😀', n: [1.5e3, -2, true, null] },
      { type: 'b', deep: { a: [[[{ b: '}' }]]] }, esc: '\\"\\\\\\"' },
      {},
      { type: 'c', s: '\\' },
    ],
    spec_version: '2.0',
  },
  null,
  2,
);

function scan(text: string, size: number): { elements: unknown[]; top: Record<string, unknown> } {
  const buf = Buffer.from(text, 'utf8');
  const s = new BundleScanner();
  const elements: unknown[] = [];
  for (let i = 0; i < buf.length; i += size) {
    for (const el of s.feed(buf.subarray(i, i + size))) elements.push(JSON.parse(el.text));
  }
  s.end();
  return { elements, top: s.top };
}

test('elements are cut exactly, for any chunk size', () => {
  const truth = JSON.parse(tricky) as { objects: unknown[] };
  for (const size of [1, 2, 3, 5, 7, 16, 64, 1 << 20]) {
    const r = scan(tricky, size);
    assert.deepEqual(r.elements, truth.objects, `chunk size ${size}`);
    assert.deepEqual(r.top, {
      type: 'bundle',
      id: 'bundle--1',
      note: { nested: [1, { x: ']' }] },
      spec_version: '2.0',
    });
  }
});

test('a real bundle scans to the same objects as JSON.parse', () => {
  const text = readFileSync(join(KESTREL_TEST_DATA, 'test_bundle.json'), 'utf8');
  const truth = JSON.parse(text) as { objects: unknown[] };
  for (const size of [97, 4096]) assert.deepEqual(scan(text, size).elements, truth.objects);
});

test('a root array is taken as the objects list; empty lists are fine', () => {
  assert.deepEqual(scan('[{"type":"a"},{"type":"b"}]', 3).elements, [{ type: 'a' }, { type: 'b' }]);
  assert.deepEqual(scan('{"type":"bundle","objects":[]}', 4).elements, []);
});

function scanError(text: string): ScanError {
  try {
    scan(text, 3);
  } catch (e) {
    if (e instanceof ScanError) return e;
    throw e;
  }
  assert.fail('expected a ScanError');
}

test('structural errors carry line and column', () => {
  const e1 = scanError('{\n  "type": "bundle",\n  "objects": [\n    {"a": 1}\n    {"b": 2}\n  ]\n}');
  assert.deepEqual([e1.line, e1.col, e1.code], [5, 5, 'E_BUNDLE_JSON']);
  assert.match(e1.message, /expected ',' or '\]' after objects\[0\]/);
  const e2 = scanError('{"type": "bundle", "objects": [{"a": 1}, ]}');
  assert.deepEqual([e2.line, e2.col], [1, 42]);
  const e3 = scanError('{"type": "bundle", "objects": [{"a": "unterminated');
  assert.match(e3.message, /unexpected end of file inside a string/);
  const e4 = scanError('hello');
  assert.equal(e4.code, 'E_NOT_A_BUNDLE');
  const e5 = scanError('{"objects": [1, 2]}');
  assert.equal(e5.code, 'E_NOT_A_BUNDLE');
  assert.match(e5.message, /objects\[0\] is not a JSON object/);
  assert.equal(scanError('').message, 'the file is empty');
  assert.match(scanError('{"objects": []} x').message, /after the end of the bundle/);
  const lines = scanError('{"@timestamp": "x", "a": 1}\n{"@timestamp": "y", "a": 2}\n');
  assert.deepEqual([lines.code, lines.line, lines.col], ['E_NOT_A_BUNDLE', 2, 1]);
  assert.match(lines.hint ?? '', /peregrine ingest/);
});
