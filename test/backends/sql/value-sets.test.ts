// Long IN lists on the store: a value set (one parameter, one hash semi-join) selects exactly what `=` and short IN
// lists select, on every pattern of the SQL fixture cases; and a 30k-value list stays one small statement.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileSql, selectSql, type SqlCompileOptions } from '../../../src/backends/sql/index.ts';
import { parsePattern } from '../../../src/stix/index.ts';
import type { ComparisonExpr, Literal, ObservationExpr, Pattern } from '../../../src/stix/ast.ts';
import { withStore } from '../../../src/store/ecs/index.ts';
import { parseCases } from '../../support/fixtures.ts';
import { corpus } from '../../store/ecs/corpus.ts';
import { corpusStore } from '../../store/ecs/helpers.ts';

const NOW = new Date('2024-06-01T00:00:00Z');
const storePath = corpusStore();
const cases = parseCases(readFileSync(join(import.meta.dirname, 'cases', 'patterns.txt'), 'utf8'));

/** Values no document of the corpus holds, of the literal's kind (so the list selects what its first value does). */
function padding(l: Literal, n: number): Literal[] {
  const span = l.span;
  return Array.from({ length: n }, (_, i): Literal => {
    if (l.kind === 'Int' || l.kind === 'Float') return { kind: 'Int', value: 987_654_000 + i, span };
    if (l.kind === 'Timestamp')
      return { kind: 'Timestamp', value: `1999-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`, span };
    // a separator in some: basename tests take those through the regexp
    return { kind: 'String', value: i % 7 === 0 ? `no/such-${i}` : `no-such-${i}`, span };
  });
}

/** Every `=` (and every IN) of the pattern as an IN of its values and `extra` values that match nothing. */
function widen(p: Pattern, extra: number): Pattern {
  const cmp = (e: ComparisonExpr): ComparisonExpr => {
    if (e.kind === 'ComparisonBinary') return { ...e, left: cmp(e.left), right: cmp(e.right) };
    if (!e.value || e.value.kind === 'VarRef') return e;
    if (e.op === '=' && e.value.kind !== 'List')
      return {
        ...e,
        op: 'IN',
        value: { kind: 'List', values: [e.value, ...padding(e.value, extra)], span: e.value.span },
      };
    if (e.op === 'IN' && e.value.kind === 'List' && e.value.values[0])
      return {
        ...e,
        value: { ...e.value, values: [...e.value.values, ...padding(e.value.values[0], extra)] },
      };
    return e;
  };
  const obs = (e: ObservationExpr): ObservationExpr => {
    if (e.kind === 'ObservationBinary') return { ...e, left: obs(e.left), right: obs(e.right) };
    if (e.kind === 'Qualified') return { ...e, expr: obs(e.expr) };
    return { ...e, expr: cmp(e.expr) };
  };
  return { ...p, expr: obs(p.expr) };
}

async function ids(pattern: Pattern, options: SqlCompileOptions): Promise<string> {
  const sql = compileSql({ entityType: 'process', pattern }, { now: NOW, ...options });
  const rows = await withStore(await storePath, 'read', (s) =>
    s.all(`SELECT _id FROM (${selectSql(sql, '_id')}) ORDER BY _id`, sql.params),
  );
  return rows.map((r) => String(r._id)).join(' ');
}

test('value sets select what = and short IN lists select, on every fixture pattern', async () => {
  let compared = 0;
  for (const c of cases) {
    const p = parsePattern(c.input.trim());
    const plain = await ids(p, {});
    const widened = widen(p, 20);
    if (JSON.stringify(widened) === JSON.stringify(p)) continue;
    assert.equal(await ids(widened, {}), plain, `${c.name}: as IN lists of 21+ values`);
    // the same lists as ORs of = (the short-list form) agree too
    assert.equal(await ids(widened, { valueSetFrom: 1_000 }), plain, `${c.name}: as ORs of =`);
    compared++;
  }
  assert.ok(compared >= 20, `compared ${compared} patterns`);
});

test('a 30k-value IN list is one statement of bounded size with its values in one parameter', async () => {
  const values = Array.from({ length: 30_000 }, (_, i) => 1000 + i * 3);
  const pattern = parsePattern(
    `[process:pid IN (${values.join(', ')})] START t'2019-01-01T00:00:00Z' STOP t'2025-01-01T00:00:00Z'`,
  );
  const sql = compileSql({ entityType: 'process', pattern }, { now: NOW });
  const text = selectSql(sql, '_id');
  assert.ok(text.length < 20_000, `statement of ${text.length} characters`);
  assert.ok(sql.params.length < 12, `${sql.params.length} parameters`);
  // every number written anywhere in the corpus: a small superset of its pids
  const inCorpus = new Set((JSON.stringify(corpus()).match(/\d+/g) ?? []).map(Number));
  const short = parsePattern(
    `[process:pid IN (${values.filter((v) => inCorpus.has(v)).join(', ')})] START t'2019-01-01T00:00:00Z' STOP t'2025-01-01T00:00:00Z'`,
  );
  const got = await ids(pattern, {});
  assert.ok(got.length > 0);
  assert.equal(
    got,
    await ids(short, { valueSetFrom: 1_000 }),
    'the values of the list the corpus holds, as ORs of =',
  );
});
