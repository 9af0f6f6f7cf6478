// The `local` connector: profiles from YAML and env vars, queries, EXPLAIN, errors, and a huntflow on it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { openSource } from '../../../src/connectors/index.ts';
import { observationId } from '../../../src/connectors/elastic/index.ts';
import type { Observation } from '../../../src/stix/observation.ts';
import { StoreError } from '../../../src/errors/index.ts';
import { HuntSession } from '../../../src/hunt/session/index.ts';
import { parsePattern } from '../../../src/stix/index.ts';
import { corpusStore, tempDir } from '../../store/ecs/helpers.ts';

const W = "START t'2019-01-01T00:00:00Z' STOP t'2025-01-01T00:00:00Z'";

async function all(it: AsyncIterable<Observation>): Promise<Observation[]> {
  const out: Observation[] = [];
  for await (const o of it) out.push(o);
  return out;
}

describe('local connector', () => {
  let store = '';
  const dir = tempDir();
  before(async () => {
    store = await corpusStore(dir);
    const yaml = join(dir, 'stixshifter.yaml');
    writeFileSync(
      yaml,
      `profiles:\n  yamlloc:\n    connector: local\n    connection:\n      path: ${JSON.stringify(store)}\n      indices: corpus-*\n`,
    );
    process.env.KESTREL_STIXSHIFTER_CONFIG = yaml;
    process.env.STIXSHIFTER_ENVLOC_CONNECTOR = 'local';
    process.env.STIXSHIFTER_ENVLOC_CONNECTION = JSON.stringify({
      path: store,
      indices: 'corpus-b',
      options: { result_limit: 5 },
    });
    process.env.STIXSHIFTER_NOIDX_CONNECTOR = 'local';
    process.env.STIXSHIFTER_NOIDX_CONNECTION = JSON.stringify({ path: store, indices: 'nope-*' });
  });

  test('a YAML profile queries the store; observations carry the Elastic connector ids', async () => {
    const src = await openSource('stixshifter://yamlloc');
    assert.equal(src.connector, 'local');
    const obs = await all(
      src.query({ entityType: 'process', pattern: parsePattern(`[process:name = 'dotted'] ${W}`) }),
    );
    assert.equal(obs.length, 1);
    assert.equal(obs[0].id, observationId('corpus-b', 'doc-56'));
    assert.ok(Object.values(obs[0].objects).some((o) => o.type === 'process' && o.name === 'dotted'));
  });

  test('env profiles: index lists and result_limit', async () => {
    const src = await openSource('stixshifter://envloc');
    const obs = await all(
      src.query({ entityType: 'process', pattern: parsePattern(`[process:pid > 0] ${W}`) }),
    );
    assert.equal(obs.length, 5, 'result_limit');
    const few = await all(
      src.query({ entityType: 'process', pattern: parsePattern(`[process:pid > 0] ${W}`), limit: 2 }),
    );
    assert.equal(few.length, 2);
  });

  test('EXPLAIN shows the SQL with the values as parameters', async () => {
    const src = await openSource('stixshifter://yamlloc');
    const e = src.explain({
      entityType: 'process',
      pattern: parsePattern(`[process:command_line = 'x y z'] ${W}`),
    }) as { sql: string; params: unknown[]; local: string };
    assert.match(
      e.sql,
      /^SELECT _index, _id, _source, "@timestamp" FROM ecs_docs WHERE _index IN .* AND NOT _irregular AND .* UNION ALL SELECT .* AND _irregular AND /,
    );
    assert.ok(!e.sql.includes('x y z'));
    assert.ok(e.params.includes('x y z'));
    assert.equal(e.local, 'none');
  });

  test('an index pattern matching nothing names the indices that exist', async () => {
    const src = await openSource('stixshifter://noidx');
    await assert.rejects(
      all(src.query({ entityType: 'process', pattern: parsePattern(`[process:pid > 0] ${W}`) })),
      (e: unknown) =>
        e instanceof StoreError && e.code === 'E_STORE_NO_INDEX' && /corpus-a, corpus-b/.test(e.hint ?? ''),
    );
  });

  test('a huntflow runs on a local profile unchanged', async () => {
    const session = await HuntSession.create();
    try {
      const r = await session.execute(
        `procs = GET process FROM stixshifter://yamlloc WHERE name = 'curl' ${W}\ng = GROUP procs BY name WITH COUNT(pid) AS n\nDISP g`,
      );
      const procs = r.summary.find((v) => v.name === 'procs');
      assert.ok(procs && procs.entities > 0);
      const table = r.displays[0];
      assert.equal(table.kind, 'table');
      if (table.kind === 'table') assert.ok(table.rows.some((row) => row.includes('curl')));
    } finally {
      await session.close();
    }
  });
});
