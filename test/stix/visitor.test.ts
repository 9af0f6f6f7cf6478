/**
 * The visitor tables are exhaustive: a table missing a kind does not compile (checked by tsc through the
 * @ts-expect-error below), and a full table dispatches every node of a parsed pattern.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  dispatch,
  parsePattern,
  visit,
  type LiteralVisitor,
  type StixNode,
  type StixVisitor,
} from '../../src/stix/index.ts';

// @ts-expect-error — VarRef is missing, so this is not a LiteralVisitor.
const incomplete: LiteralVisitor<string> = {
  String: () => 's',
  Int: () => 'i',
  Float: () => 'f',
  Bool: () => 'b',
  Timestamp: () => 't',
  Hex: () => 'h',
  Binary: () => 'b',
  List: () => 'l',
};

const count: StixVisitor<number> = {
  Pattern: (p) => 1 + visit(p.expr, count),
  Observation: (o) => 1 + visit(o.expr, count),
  ObservationBinary: (b) => 1 + visit(b.left, count) + visit(b.right, count),
  Qualified: (q) => 1 + visit(q.expr, count),
  Comparison: (c) => 1 + visit(c.path, count) + (c.value ? visit(c.value, count) : 0),
  ComparisonBinary: (b) => 1 + visit(b.left, count) + visit(b.right, count),
  ObjectPath: () => 1,
  String: () => 1,
  Int: () => 1,
  Float: () => 1,
  Bool: () => 1,
  Timestamp: () => 1,
  Hex: () => 1,
  Binary: () => 1,
  List: (l) => 1 + l.values.reduce((n, v) => n + visit(v, count), 0),
  VarRef: () => 1,
};

test('a full table visits every node', () => {
  const p = parsePattern("[a:x IN (1, 'b') AND EXISTS a:y] FOLLOWEDBY [b:z = 2.5] WITHIN 5 SECONDS");
  // Pattern, FOLLOWEDBY, Observation, AND, Comparison(IN), path, List, 1, 'b', EXISTS, path,
  // Qualified, Observation, Comparison, path, 2.5
  assert.equal(visit(p as StixNode, count), 16);
});

test('dispatch on a partial union uses its own table', () => {
  const p = parsePattern("[a:x = 'v']");
  assert.ok(p.expr.kind === 'Observation' && p.expr.expr.kind === 'Comparison');
  const lit = p.expr.expr.value!;
  assert.equal(dispatch({ ...incomplete, VarRef: () => 'v' }, lit), 's');
});
