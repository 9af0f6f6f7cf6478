/**
 * Fixture cases `test/cases/elastic/*.txt`: a STIX pattern (optionally preceded by a `-- {json options}` line with
 * `entityType`, `timeRange`, `defaultWindowMinutes`) ==> the compiled plan: local evaluation mode, notes, DSL.
 * "Now" is pinned to 2024-01-01T00:00:00Z.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- DSL JSON */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { runCases } from '../../support/fixtures.ts';
import { compileElastic } from '../../../src/backends/elastic/index.ts';
import { parsePattern } from '../../../src/stix/index.ts';
import { renderErrorText } from '../../../src/render/error.ts';

const NOW = new Date('2024-01-01T00:00:00Z');

/** JSON with small values on one line, for readable expectations. */
function compact(v: unknown, indent = ''): string {
  const flat = JSON.stringify(v);
  if (flat.length + indent.length <= 100 || v === null || typeof v !== 'object') return flat;
  const inner = indent + '  ';
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + compact(x, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(v as Record<string, unknown>);
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${compact(x, inner)}`).join(',\n')}\n${indent}}`;
}

runCases(join(import.meta.dirname, 'cases'), (input) => {
  let text = input;
  let opts: {
    entityType?: string;
    timeRange?: { start: string; stop: string };
    defaultWindowMinutes?: number;
  } = {};
  const m = /^-- (\{.*\})\n/.exec(text);
  if (m) {
    opts = JSON.parse(m[1]);
    text = text.slice(m[0].length);
  }
  try {
    const pattern = text.trim() === '' ? null : parsePattern(text.trim());
    const plan = compileElastic(
      { entityType: opts.entityType ?? 'process', pattern, timeRange: opts.timeRange },
      { now: NOW, defaultWindowMinutes: opts.defaultWindowMinutes ?? 0 },
    );
    return [`local: ${plan.local}`, ...plan.notes.map((n) => `note: ${n}`), compact(plan.query)].join('\n');
  } catch (e) {
    return `error: ${renderErrorText(e).split('\n')[0]}`;
  }
});

test('IN with many values (a batched FIND) splits into terms clauses of at most 10,000 values', () => {
  const values = Array.from(
    { length: 25_000 },
    (_, i) => `'10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}'`,
  ).join(', ');
  const plan = compileElastic(
    { entityType: 'ipv4-addr', pattern: parsePattern(`[network-traffic:dst_ref.value IN (${values})]`) },
    { defaultWindowMinutes: 0 },
  );
  const clauses = JSON.stringify(plan.query).match(/"terms":\{"[^"]+":\[/g) ?? [];
  assert.equal(clauses.length, 2 * 3); // destination.ip and server.ip, 3 chunks each
  const sizes = (plan.query as any).bool.should.map(
    (q: any) => (Object.values(q.terms)[0] as unknown[]).length,
  );
  assert.deepEqual(sizes, [10_000, 10_000, 5_000, 10_000, 10_000, 5_000]);
});
