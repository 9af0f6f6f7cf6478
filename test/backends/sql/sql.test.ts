// STIX pattern → Elastic DSL and DuckDB SQL side by side, and the documents the SQL selects from the corpus.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileElastic } from '../../../src/backends/elastic/index.ts';
import { compileSql, selectSql } from '../../../src/backends/sql/index.ts';
import { parsePattern } from '../../../src/stix/index.ts';
import { withStore } from '../../../src/store/ecs/index.ts';
import { runCases } from '../../support/fixtures.ts';
import { stringLiterals } from '../../support/pattern-strings.ts';
import { corpusStore } from '../../store/ecs/helpers.ts';

const NOW = new Date('2024-06-01T00:00:00Z');
const storePath = corpusStore();

runCases(join(import.meta.dirname, 'cases'), async (input) => {
  const pattern = parsePattern(input);
  const q = { entityType: 'process', pattern };
  const dsl = compileElastic(q, { now: NOW });
  const sql = compileSql(q, { now: NOW });
  // values are parameters, never spliced into the text
  for (const s of stringLiterals(pattern)) {
    if (/[^a-z0-9_.]/.test(s))
      assert.ok(!(sql.where + sql.whereIrregular).includes(s), `value ${s} appears in the SQL text`);
  }
  const rows = await withStore(await storePath, 'read', (s) =>
    s.all(`SELECT _id FROM (${selectSql(sql, '_id')}) ORDER BY CAST(substr(_id, 5) AS INTEGER)`, sql.params),
  );
  return [
    `-- elastic_ecs (local: ${dsl.local})`,
    JSON.stringify(dsl.query),
    `-- local (local: ${sql.local}), regular rows`,
    sql.where,
    `-- local, irregular rows`,
    sql.whereIrregular,
    `-- params`,
    JSON.stringify(sql.params),
    `-- rows`,
    rows.map((r) => String(r._id).slice(4)).join(' ') || '(none)',
  ].join('\n');
});

test('a query without pattern selects the entity type in the time range', async () => {
  const sql = compileSql({
    entityType: 'network-traffic',
    pattern: null,
    timeRange: { start: '2021-03-01T10:00:00Z', stop: '2021-03-01T10:10:00Z' },
  });
  const rows = await withStore(await storePath, 'read', (s) =>
    s.all(`SELECT count(*) AS n FROM (${selectSql(sql, '_id')})`, sql.params),
  );
  assert.equal(
    Number(rows[0].n),
    3,
    'documents 1, 4, 7 of the synthetic run have ports in the first ten minutes',
  );
});

test('fields no document holds compile to FALSE when the store says which top-level keys exist', async () => {
  const pattern = parsePattern(
    "[ipv4-addr:value = '10.0.1.7'] START t'2019-01-01T00:00:00Z' STOP t'2025-01-01T00:00:00Z'",
  );
  const q = { entityType: 'ipv4-addr', pattern };
  const keys = await withStore(await storePath, 'read', (s) => s.presentKeys(['corpus-a', 'corpus-b']));
  assert.ok(keys?.has('process') && keys.has('dns') && !keys.has('server') && !keys.has('client'));
  const full = compileSql(q, { now: NOW });
  const pruned = compileSql(q, { now: NOW, presentKeys: keys });
  assert.ok(full.where.includes('"client"') && !pruned.where.includes('"client"'));
  assert.ok(pruned.params.length < full.params.length);
  const rows = async (p: typeof full) =>
    (
      await withStore(await storePath, 'read', (s) =>
        s.all(`SELECT _id FROM (${selectSql(p, '_id')}) ORDER BY _id`, p.params),
      )
    ).map((r) => r._id);
  assert.deepEqual(await rows(pruned), await rows(full));
});
