/**
 * Long IN lists on the real OpenSearch: GET + prefetch of 50,000 processes, whose prefetch is an IN list of 50,000
 * identifiers, runs as `terms` searches in batches within the index's `index.max_terms_count` (set low here, 5,000,
 * so the batches are many and run in parallel), each document once; a limited query keeps the earliest hits of all
 * batches.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HuntSession } from '../../src/hunt/session/index.ts';
import { openSource } from '../../src/connectors/index.ts';
import { parsePattern } from '../../src/stix/index.ts';
import type { Observation } from '../../src/stix/observation.ts';
import { bulkLoad, ensureEcsTemplate, os, OS_URL } from './elastic-support.ts';

const N = 50_000;
const LATER = N / 4;
const MAX_TERMS = 5_000;
const index = `peregrine-it-batches-${process.pid}`;
const profile = `BATCHES${process.pid}`;
const T0 = Date.parse('2020-06-30T00:00:00Z');
const WINDOW = "START t'2020-06-29T00:00:00Z' STOP t'2020-07-02T00:00:00Z'";

function docs(): Array<{ id: string; doc: unknown }> {
  const out: Array<{ id: string; doc: unknown }> = [];
  const proc = (i: number, cmd: string) => ({
    pid: 100_000 + i,
    entity_id: `p${i}`,
    name: 'ping',
    command_line: cmd,
    parent: { pid: 1 },
  });
  for (let i = 0; i < N; i++)
    out.push({
      id: `a${i}`,
      doc: { '@timestamp': new Date(T0 + i * 1000).toISOString(), process: proc(i, 'ping -c 1 a') },
    });
  // every fourth process has a later record the GET's pattern does not select: only the prefetch finds it
  for (let i = 0; i < N; i += 4)
    out.push({
      id: `b${i}`,
      doc: { '@timestamp': new Date(T0 + i * 1000 + 500).toISOString(), process: proc(i, 'ping -c 1 b') },
    });
  return out;
}

before(async () => {
  await ensureEcsTemplate('peregrine-it-batches-*');
  await bulkLoad(index, docs());
  await os('PUT', `/${index}/_settings`, { index: { max_terms_count: MAX_TERMS } });
  const host = new URL(OS_URL);
  process.env[`STIXSHIFTER_${profile}_CONNECTION`] = JSON.stringify({
    host: `http://${host.hostname}`,
    port: Number(host.port),
    indices: index,
    options: { page_size: 5000 },
  });
});
after(async () => {
  delete process.env[`STIXSHIFTER_${profile}_CONNECTION`];
  await os('DELETE', `/${index}`);
});

test(`GET + prefetch of ${N} processes: terms in batches within index.max_terms_count, each document once`, async () => {
  const s = await HuntSession.create({});
  try {
    const r = await s.execute(
      `p = GET process FROM stixshifter://${profile.toLowerCase()} WHERE command_line = 'ping -c 1 a' ${WINDOW}`,
    );
    const p = r.summary.find((x) => x.name === 'p');
    assert.equal(p?.entities, N);
    assert.equal(p?.records, N + LATER, 'the prefetch found the later records of every fourth process');
    const e = await s.execute('EXPLAIN p');
    const text = e.displays.map((d) => ('text' in d ? String(d.text) : '')).join('\n');
    assert.match(
      text,
      new RegExp(`IN list of ${N} values is searched in ${N / MAX_TERMS} batches of at most ${MAX_TERMS}`),
    );
    assert.ok(text.length < 50_000, `EXPLAIN of ${text.length} characters`);
  } finally {
    await s.close();
  }
});

test('a limited query over a batched IN list keeps the earliest hits of all batches', async () => {
  const src = await openSource(`stixshifter://${profile.toLowerCase()}`);
  try {
    // odd entity ids, listed from the latest: the earliest matches are in the last batch
    const ids = Array.from({ length: 20_000 }, (_, k) => `'p${N - 1 - 2 * k}'`);
    const obs: Observation[] = [];
    for await (const o of src.query({
      entityType: 'process',
      pattern: parsePattern(`[process:x_unique_id IN (${ids.join(', ')})] ${WINDOW}`),
      limit: 3,
    }))
      obs.push(o);
    const pids = obs.map((o) => Object.values(o.objects).find((x) => x.type === 'process')?.pid);
    assert.deepEqual(pids, [110_001, 110_003, 110_005]);
  } finally {
    await src.close?.();
  }
});
