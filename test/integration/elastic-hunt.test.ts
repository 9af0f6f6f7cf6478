/* eslint-disable @typescript-eslint/no-explicit-any -- JSON output of the CLI */
/**
 * End to end: huntflows through the hunt runtime (`HuntSession`) over two `stixshifter://` profiles on the real test
 * OpenSearch, and `peregrine shifter execute|transmit|translate` as commands.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { HuntSession } from '../../src/hunt/session/index.ts';
import { execute, transmit } from '../../src/connectors/elastic/shifter-verbs.ts';
import { bulkLoad, ensureEcsTemplate, generateDocs, OS_URL } from './elastic-support.ts';

const run = promisify(execFile);
const host = new URL(OS_URL);
const conn = (indices: string) =>
  JSON.stringify({
    host: `http://${host.hostname}`,
    port: Number(host.port),
    indices,
    options: { page_size: 250 },
  });
const docs = generateDocs(1000);
// laptop1 holds the same kind of events, shifted to other pids and addresses
const laptop = generateDocs(400).map(({ id, doc }) => ({
  id,
  doc: {
    ...doc,
    host: { id: 'laptop1', ip: '10.9.9.9' },
    process: { ...(doc.process as object), pid: 90000 + Number(id.slice(1)) },
  },
}));

before(async () => {
  await ensureEcsTemplate('peregrine-it-hunt-*');
  await bulkLoad('peregrine-it-hunt-container1', docs);
  await bulkLoad('peregrine-it-hunt-laptop1', laptop);
  process.env.STIXSHIFTER_CONTAINER1_CONNECTION = conn('peregrine-it-hunt-container1');
  process.env.STIXSHIFTER_LAPTOP1_CONNECTION = conn('peregrine-it-hunt-laptop1');
});
after(() => {
  delete process.env.STIXSHIFTER_CONTAINER1_CONNECTION;
  delete process.env.STIXSHIFTER_LAPTOP1_CONNECTION;
});

const WINDOW = "START t'2020-06-30T00:00:00Z' STOP t'2020-07-01T00:00:00Z'";
const count = (xs: typeof docs, f: (d: any) => boolean): number => xs.filter((x) => f(x.doc)).length;

test('GET from two sources in one huntflow, then FIND over the cache', async () => {
  const s = await HuntSession.create({});
  try {
    const r = await s.execute(
      [
        `c = GET process FROM stixshifter://container1 WHERE name = 'curl' ${WINDOW}`,
        `l = GET process FROM stixshifter://laptop1 WHERE name = 'curl' ${WINDOW}`,
        `tagged = GET process FROM stixshifter://container1 WHERE x_ttp_tags[*] = 'mitre:T1059' ${WINDOW}`,
        'nt = FIND network-traffic CREATED BY c',
      ].join('\n'),
    );
    const by = Object.fromEntries(r.summary.map((v) => [v.name, v]));
    assert.equal(
      by.c.records,
      count(docs, (d) => d.process.name === 'curl'),
    );
    assert.equal(
      by.l.records,
      count(laptop, (d) => d.process.name === 'curl'),
    );
    assert.equal(
      by.tagged.records,
      count(docs, (d) => d.tags?.includes('mitre:T1059')),
    );
    assert.equal(
      by.nt.entities,
      count(docs, (d) => d.process.name === 'curl' && d.network !== undefined),
    );
  } finally {
    await s.close();
  }
});

async function cli(...args: string[]): Promise<any> {
  const r = await run(process.execPath, ['bin/peregrine.js', 'shifter', ...args], { maxBuffer: 64 << 20 });
  return JSON.parse(r.stdout);
}

test('shifter execute writes STIX 2.0 and 2.1 bundles (2.1 ids stable across runs)', async () => {
  const identity = JSON.stringify({
    type: 'identity',
    id: 'identity--3532c56d-ea72-48be-a2ad-1a53f4c9c6d3',
    name: 'ElasticEcs',
    identity_class: 'events',
  });
  const pattern = `[process:name = 'nginx' AND network-traffic:dst_port = 443] ${WINDOW}`;
  const want = count(docs, (d) => d.process.name === 'nginx' && d.destination?.port === 443);
  assert.ok(want > 0);
  const b20 = (await execute(
    'elastic_ecs',
    'elastic_ecs',
    identity,
    conn('peregrine-it-hunt-container1'),
    '{}',
    pattern,
  )) as any;
  assert.equal(b20.spec_version, '2.0');
  assert.equal(b20.objects.filter((o: any) => o.type === 'observed-data').length, want);
  const opts = '{"stix_2.1": true}';
  const a = await cli(
    'execute',
    'elastic_ecs',
    'elastic_ecs',
    identity,
    conn('peregrine-it-hunt-container1'),
    '{}',
    pattern,
    opts,
  );
  const b = (await execute(
    'elastic_ecs',
    'elastic_ecs',
    identity,
    conn('peregrine-it-hunt-container1'),
    '{}',
    pattern,
    opts,
  )) as any;
  const od = a.objects.filter((o: any) => o.type === 'observed-data');
  assert.equal(od.length, want);
  assert.ok(od.every((o: any) => o.spec_version === '2.1' && o.object_refs.length > 0));
  assert.deepEqual(a.objects.map((o: any) => o.id).sort(), b.objects.map((o: any) => o.id).sort());
});

test('shifter translate query | transmit results pages through the hits', async () => {
  const t = await cli('translate', 'elastic_ecs', 'query', '{}', `[process:name = 'sshd'] ${WINDOW}`);
  const searchId = JSON.stringify(t.queries[0]);
  const q = (await transmit('elastic_ecs', conn('peregrine-it-hunt-container1'), '{}', 'query', [
    searchId,
  ])) as any;
  assert.equal(q.success, true);
  const p1 = await cli(
    'transmit',
    'elastic_ecs',
    conn('peregrine-it-hunt-container1'),
    '{}',
    'results',
    q.search_id,
    '0',
    '150',
  );
  const p2 = (await transmit('elastic_ecs', conn('peregrine-it-hunt-container1'), '{}', 'results', [
    q.search_id,
    '150',
    '150',
  ])) as any;
  const all = [...p1.data, ...p2.data];
  assert.equal(
    all.length,
    count(docs, (d) => d.process.name === 'sshd'),
  );
  assert.ok(all.every((d: any) => d.process.name === 'sshd'));
  assert.equal(new Set(all.map((d: any) => d.process.pid)).size, all.length);
  const ping = (await transmit('elastic_ecs', conn('peregrine-it-hunt-container1'), '{}', 'ping', [])) as any;
  assert.equal(ping.success, true);
});
