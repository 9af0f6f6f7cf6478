/** Deep freeze of fresh plain data: everything reachable ends frozen, shared and cyclic parts included. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deepFreeze } from '../../src/common/index.ts';

test('objects and arrays are frozen all the way down; the same value comes back', () => {
  const tree = { kind: 'Program', statements: [{ kind: 'Disp', attrs: ['pid', 'name'], span: { line: 1 } }] };
  const out = deepFreeze(tree);
  assert.equal(out, tree);
  assert.ok(Object.isFrozen(tree));
  assert.ok(Object.isFrozen(tree.statements));
  assert.ok(Object.isFrozen(tree.statements[0]));
  assert.ok(Object.isFrozen(tree.statements[0].attrs));
  assert.ok(Object.isFrozen(tree.statements[0].span));
  assert.throws(() => (tree.statements as unknown[]).push(1), TypeError);
  assert.deepEqual(JSON.parse(JSON.stringify(out)), {
    kind: 'Program',
    statements: [{ kind: 'Disp', attrs: ['pid', 'name'], span: { line: 1 } }],
  });
});

test('primitives and null pass through; shared subtrees and cycles end', () => {
  assert.equal(deepFreeze(null), null);
  assert.equal(deepFreeze(3), 3);
  assert.equal(deepFreeze('x'), 'x');
  const shared = { v: [1] };
  const a: Record<string, unknown> = { left: shared, right: shared };
  a.self = a;
  deepFreeze(a);
  assert.ok(Object.isFrozen(shared.v));
  assert.ok(Object.isFrozen(a));
});

test('a subtree frozen before is left as it is', () => {
  const inner = deepFreeze({ items: [1, 2] });
  const outer = deepFreeze({ inner, extra: { n: 1 } });
  assert.equal(outer.inner, inner);
  assert.ok(Object.isFrozen(outer.extra));
});
