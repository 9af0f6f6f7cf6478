// GET + prefetch of many entities on the embedded store: the prefetch of N processes is one query whose values are
// one parameter (a hash semi-join), so N reaches the hundreds of thousands without deep recursion or per-entity
// query text. Size: PEREGRINE_SCALE_ENTITIES (default 200,000 here; `npm run bench` runs 1M).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HuntSession } from '../../../src/hunt/session/index.ts';
import { openStore } from '../../../src/store/ecs/index.ts';
import { tempDir } from '../../store/ecs/helpers.ts';

const N = Number(process.env.PEREGRINE_SCALE_ENTITIES ?? 200_000);
/** Every fourth process has a second record the GET's pattern does not select: only the prefetch finds it. */
const LATER = Math.floor(N / 4);
const T0 = Date.parse('2024-03-01T00:00:00Z');

function* processes(): Generator<object> {
  for (let i = 0; i < N; i++) {
    yield {
      '@timestamp': new Date(T0 + i * 10).toISOString(),
      event: { action: 'exec' },
      host: { name: `h${i % 50}` },
      process: {
        pid: 100_000 + i,
        entity_id: `p${i}`,
        name: 'ping',
        command_line: 'ping -c 1 a',
        parent: { pid: 1 },
      },
    };
  }
  for (let i = 0; i < N; i += 4) {
    yield {
      '@timestamp': new Date(T0 + i * 10 + 1).toISOString(),
      event: { action: 'exit' },
      host: { name: `h${i % 50}` },
      process: {
        pid: 100_000 + i,
        entity_id: `p${i}`,
        name: 'ping',
        command_line: 'ping -c 1 b',
        parent: { pid: 1 },
      },
    };
  }
}

const dir = tempDir('peregrine-scale-');
const store = join(dir, 'scale.duckdb');
const profile = 'SCALE' + process.pid;

before(async () => {
  const s = await openStore(store, { mode: 'write' });
  try {
    await s.append('procs', processes());
  } finally {
    await s.close();
  }
  process.env[`STIXSHIFTER_${profile}_CONNECTOR`] = 'local';
  process.env[`STIXSHIFTER_${profile}_CONNECTION`] = JSON.stringify({ path: store, indices: 'procs' });
});
after(() => {
  delete process.env[`STIXSHIFTER_${profile}_CONNECTOR`];
  delete process.env[`STIXSHIFTER_${profile}_CONNECTION`];
});

test(`GET + prefetch of ${N} processes from the store (PEREGRINE_SCALE_ENTITIES)`, async () => {
  const session = await HuntSession.create({ cachePath: join(dir, 'cache.duckdb') });
  try {
    const r = await session.execute(
      `p = GET process FROM stixshifter://${profile.toLowerCase()} WHERE command_line = 'ping -c 1 a' ` +
        `START 2024-02-29T00:00:00Z STOP 2024-03-30T00:00:00Z`,
    );
    const p = r.summary.find((x) => x.name === 'p');
    assert.equal(p?.entities, N, 'one entity per process (its entity_id)');
    assert.equal(p?.records, N + LATER, 'the prefetch adds the records the pattern did not select');
    // EXPLAIN: the prefetch's values travel as one parameter, not as query text, and are shown by their first ones
    const e = await session.execute(`EXPLAIN p`);
    const text = e.displays.map((d) => ('text' in d ? String(d.text) : '')).join('\n');
    assert.match(text, new RegExp(`a list of ${N} values, shown by its first 10`));
    assert.match(text, new RegExp(`\\(${N} values: (p\\d+, ){5}…\\)`));
    assert.ok(text.length < 20_000, `EXPLAIN of ${text.length} characters`);
  } finally {
    await session.close();
  }
});
