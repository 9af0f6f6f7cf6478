/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers */
/**
 * The elastic_ecs connector against the real test OpenSearch (started by `npm test`): ECS template, bulk-loaded
 * documents, GET through profiles, paging past max_result_window, set semantics, limit, cancellation, progress —
 * each answer checked against the STIX matcher run locally over the same documents.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openSource } from '../../src/connectors/index.ts';
import { ElasticDataSource, observationId } from '../../src/connectors/elastic/index.ts';
import type { Observation } from '../../src/stix/observation.ts';
import type { SourceQuery } from '../../src/hunt/plan/index.ts';
import { CancelledError } from '../../src/errors/index.ts';
import { toObservation } from '../../src/mapping/index.ts';
import { compileObservationFilter, matchPattern, parsePattern } from '../../src/stix/index.ts';
import { bulkLoad, ensureEcsTemplate, generateDocs, OS_URL } from './elastic-support.ts';
import { SYSFLOW_DATA } from '../support/data.ts';

const INDEX = 'peregrine-it-conn-events';
const N = 1500;
const docs = generateDocs(N);
const sysflow = JSON.parse(readFileSync(join(SYSFLOW_DATA, 'ecs_examples.json'), 'utf8')).documents.map(
  (d: any, i: number) => ({ id: `sf${i}`, doc: d._source }),
);
const all = [...docs, ...sysflow];
const local: Observation[] = all.map((d) => toObservation(d.doc, observationId(INDEX, d.id)));
const host = new URL(OS_URL);

before(async () => {
  await ensureEcsTemplate('peregrine-it-conn-*');
  await bulkLoad(INDEX, all);
  process.env.STIXSHIFTER_ITEST_CONNECTION = JSON.stringify({
    host: `http://${host.hostname}`,
    port: Number(host.port),
    indices: 'peregrine-it-conn-*',
    options: { page_size: 137 },
  });
  // the same indices with the default page size (5,000), larger than their index.max_result_window (500)
  process.env.STIXSHIFTER_ITESTBIG_CONNECTION = JSON.stringify({
    host: `http://${host.hostname}`,
    port: Number(host.port),
    indices: 'peregrine-it-conn-*',
  });
});

async function ids(q: SourceQuery, src?: ElasticDataSource): Promise<string[]> {
  const s = src ?? ((await openSource('stixshifter://itest')) as ElasticDataSource);
  const out: string[] = [];
  for await (const o of s.query(q)) out.push(o.id);
  if (!src) await s.close();
  return out.sort();
}

function expected(pattern: string): string[] {
  const f = compileObservationFilter(parsePattern(pattern));
  return local
    .filter(f)
    .map((o) => o.id)
    .sort();
}

const WINDOW = "START t'2019-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'";
const PATTERNS = [
  `[process:name = 'curl'] ${WINDOW}`,
  `[process:binary_ref.name = 'python3'] ${WINDOW}`,
  `[process:x_ttp_tags[*] = 'mitre:T1059' AND process:pid > 1100] ${WINDOW}`,
  `[network-traffic:dst_port IN (443, 8080) AND ipv4-addr:value = '93.184.216.34'] ${WINDOW}`,
  `[process:command_line LIKE '%--run 1_'] ${WINDOW}`,
  `[process:command_line MATCHES 'run 14[0-9]$'] ${WINDOW}`,
  `[ipv4-addr:value ISSUBSET '192.168.1.0/28'] ${WINDOW}`,
  `([file:name = 'f7.sh'] OR [process:pid = 1001]) ${WINDOW}`,
  `[process:pid > 2400] ${WINDOW}`,
  `[user-account:account_login = 'root'] START t'2020-06-30T00:10:00Z' STOP t'2020-06-30T00:11:00Z'`,
  `[file:parent_directory_ref.path = '/tmp'] ${WINDOW}`,
];

for (const p of PATTERNS) {
  test(`GET ${p.slice(0, 70)} = the local matcher's answer`, async () => {
    const want = expected(p);
    assert.ok(want.length > 0, 'the fixture has matches for this pattern');
    assert.deepEqual(await ids({ entityType: 'process', pattern: parsePattern(p) }), want);
  });
}

test('pages larger than index.max_result_window shrink to it (whole refusal or per-shard failures)', async () => {
  const p = `[process:pid >= 0] ${WINDOW}`;
  const src = (await openSource('itestbig')) as ElasticDataSource;
  assert.equal(src.settings.pageSize, 5000);
  assert.deepEqual(await ids({ entityType: 'process', pattern: parsePattern(p) }, src), expected(p));
  await src.close();
});

test('STOP is exclusive', async () => {
  const p = "[process:pid = 1010] START t'2020-06-30T00:00:00Z' STOP t'2020-06-30T00:00:10Z'";
  assert.deepEqual(await ids({ entityType: 'process', pattern: parsePattern(p) }), []);
  const q = "[process:pid = 1010] START t'2020-06-30T00:00:10Z' STOP t'2020-06-30T00:00:11Z'";
  assert.equal((await ids({ entityType: 'process', pattern: parsePattern(q) })).length, 1);
});

test('more hits than index.max_result_window, over many pages: no cap, no duplicates, nothing skipped', async () => {
  const p = `[process:pid >= 0] ${WINDOW}`;
  const got = await ids({ entityType: 'process', pattern: parsePattern(p) });
  assert.equal(got.length, all.length);
  assert.equal(new Set(got).size, got.length);
  assert.deepEqual(got, expected(p));
});

test('sliced parallel pull: every hit once, progress summed over slices', async () => {
  const src = (await openSource('itest')) as ElasticDataSource;
  const sliced = new ElasticDataSource('stixshifter://itest', { ...src.settings, slices: 3 });
  const seen: Array<{ hits: number; total?: number }> = [];
  const got: string[] = [];
  for await (const o of sliced.query(
    { entityType: 'process', pattern: parsePattern(`[process:pid >= 0] ${WINDOW}`) },
    { onProgress: (p) => seen.push(p) },
  ))
    got.push(o.id);
  assert.deepEqual(got.sort(), expected(`[process:pid >= 0] ${WINDOW}`));
  assert.equal(seen.at(-1)!.hits, all.length);
  assert.equal(seen.at(-1)!.total, all.length);
  await src.close();
  await sliced.close();
});

test('a null pattern fetches every document with the entity type in the time range', async () => {
  const got = await ids({
    entityType: 'network-traffic',
    pattern: null,
    timeRange: { start: '2020-06-30T00:00:00Z', stop: '2020-06-30T00:01:00Z' },
  });
  assert.equal(got.length, 20); // every 3rd second of the first minute
});

test('set semantics: AND / FOLLOWEDBY hold over the fetched set or nothing is returned', async () => {
  const both = parsePattern(`([process:pid = 1003] AND [process:pid = 1004]) ${WINDOW}`);
  const got = await ids({ entityType: 'process', pattern: both });
  assert.equal(got.length, 2);
  assert.ok(
    matchPattern(
      both,
      local.filter((o) => got.includes(o.id)),
    ),
  );
  assert.deepEqual(
    await ids({
      entityType: 'process',
      pattern: parsePattern(`([process:pid = 1003] AND [process:pid = 999999]) ${WINDOW}`),
    }),
    [],
  );
  assert.equal(
    (
      await ids({
        entityType: 'process',
        pattern: parsePattern(`([process:pid = 1003] FOLLOWEDBY [process:pid = 1004]) ${WINDOW}`),
      })
    ).length,
    2,
  );
  assert.deepEqual(
    await ids({
      entityType: 'process',
      pattern: parsePattern(`([process:pid = 1004] FOLLOWEDBY [process:pid = 1003]) ${WINDOW}`),
    }),
    [],
  );
});

test('limit, progress and EXPLAIN', async () => {
  const src = (await openSource('itest')) as ElasticDataSource;
  const q: SourceQuery = {
    entityType: 'process',
    pattern: parsePattern(`[process:name = 'bash'] ${WINDOW}`),
    limit: 150,
  };
  const seen: Array<{ hits: number; total?: number }> = [];
  const out: Observation[] = [];
  for await (const o of src.query(q, { onProgress: (p) => seen.push(p) })) out.push(o);
  assert.equal(out.length, 150);
  assert.ok(seen.length >= 2 && seen[seen.length - 1].hits === 150);
  assert.ok(seen[0].total !== undefined && seen[0].total >= 150);
  // with a limit the earliest observations come first
  const times = out.map((o) => o.first_observed);
  assert.deepEqual(times, [...times].sort());
  const ex = src.explain(q) as any;
  assert.equal(ex.host, `${host.hostname}:${host.port}`);
  assert.ok(JSON.stringify(ex.query).includes('"process.name"'));
  await src.close();
});

test('cancellation through AbortSignal stops the pull with CancelledError', async () => {
  const src = (await openSource('itest')) as ElasticDataSource;
  const ac = new AbortController();
  let n = 0;
  await assert.rejects(async () => {
    for await (const _ of src.query(
      { entityType: 'process', pattern: parsePattern(`[process:pid >= 0] ${WINDOW}`) },
      { signal: ac.signal },
    )) {
      if (++n === 10) ac.abort();
    }
  }, CancelledError);
  assert.ok(n < all.length);
  await src.close();
});

after(async () => {
  delete process.env.STIXSHIFTER_ITEST_CONNECTION;
});

test('LIKE and MATCHES on an ip field are searched as "exists" and filtered locally (the cluster rejects wildcards there)', async () => {
  const p = `[ipv4-addr:value LIKE '192.168.1.1_'] ${WINDOW}`;
  const src = (await openSource('itest')) as ElasticDataSource;
  await src.loadFieldTypes();
  const plan = src.plan({ entityType: 'ipv4-addr', pattern: parsePattern(p) });
  assert.equal(plan.local, 'observation');
  const want = expected(p);
  assert.ok(want.length > 0);
  assert.deepEqual(await ids({ entityType: 'ipv4-addr', pattern: parsePattern(p) }, src), want);
  await src.close();
});
