/**
 * FIND … PEER OF, the cross-host pivot, between two hosts whose connecting flows are known — host B's data in a
 * STIX bundle, in the embedded store and in OpenSearch (when it answers): the peer that accepted host A's C&C
 * connection is found (its record has the tuple with the sides swapped), the same tuple an hour earlier and other
 * connections are not; with NAT the peer's endpoint alone matches, so a connection whose client address was
 * translated is found too. The peer's network-traffic, and EXPLAIN's one query per source, are checked too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HuntSession } from '../../../src/hunt/session/index.ts';
import { ingest } from '../../../src/ingest/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'peregrine-peer-test-'));
const run = `peer-${process.pid}`;
const OS = new URL(process.env.PEREGRINE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200');
let osUp = false;

type Conn = [
  id: string,
  pid: number,
  name: string,
  src: string,
  sport: number,
  dst: string,
  dport: number,
  at: string,
];

/** One observation per connection: the process that holds it and its network-traffic (ids unique per host). */
function bundle(file: string, host: number, conns: Conn[]): string {
  const objects = conns.map(([id, pid, name, src, sport, dst, dport, at], i) => ({
    type: 'observed-data',
    id: `observed-data--00000000-0000-4000-8000-${host}${String(i).padStart(11, '0')}`,
    first_observed: at,
    last_observed: at,
    number_observed: 1,
    objects: {
      '0': { type: 'process', x_unique_id: id, pid, name, opened_connection_refs: ['1'] },
      '1': {
        type: 'network-traffic',
        src_ref: '2',
        src_port: sport,
        dst_ref: '3',
        dst_port: dport,
        protocols: ['ipv4', 'tcp'],
      },
      '2': { type: 'ipv4-addr', value: src },
      '3': { type: 'ipv4-addr', value: dst },
    },
  }));
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify({ type: 'bundle', id: 'bundle--1', objects }));
  return path;
}

const hostA = bundle('hostA.json', 1, [
  ['a-curl', 300, 'curl', '10.0.0.1', 40000, '10.0.0.2', 4444, '2024-05-01T12:00:00.000Z'],
  ['a-ssh', 301, 'ssh', '10.0.0.1', 40001, '10.0.0.3', 22, '2024-05-01T12:00:00.000Z'],
]);
const hostB = bundle('hostB.json', 2, [
  // the peer: it records local → remote, so the tuple is swapped
  ['b-nc', 77, 'nc', '10.0.0.2', 4444, '10.0.0.1', 40000, '2024-05-01T12:00:01.000Z'],
  // the same tuple an hour earlier: another connection
  ['b-old', 78, 'old', '10.0.0.2', 4444, '10.0.0.1', 40000, '2024-05-01T11:00:00.000Z'],
  // another service of B, at the same time
  ['b-web', 79, 'nginx', '10.0.0.2', 80, '10.0.0.1', 40002, '2024-05-01T12:00:00.000Z'],
  // the C&C port again, its client translated on the way (NAT): client → server as recorded
  ['b-nat', 80, 'socat', '192.168.7.7', 61000, '10.0.0.2', 4444, '2024-05-01T12:00:00.500Z'],
]);
const storePath = join(dir, 'store.duckdb');

before(async () => {
  process.env.STIXSHIFTER_PEERLOC_CONNECTOR = 'local';
  process.env.STIXSHIFTER_PEERLOC_CONNECTION = JSON.stringify({ path: storePath, indices: `${run}-b` });
  const s = await ingest({ files: [hostB], index: `${run}-b`, store: storePath });
  assert.deepEqual(s.rejections, []);
  osUp = await fetch(OS).then(
    (r) => r.ok,
    () => false,
  );
  if (osUp) {
    process.env.STIXSHIFTER_PEEROS_CONNECTION = JSON.stringify({
      host: OS.hostname,
      port: Number(OS.port || 9200),
      scheme: OS.protocol.replace(':', ''),
      indices: `${run}-b`,
    });
    const o = await ingest({ files: [hostB], index: `${run}-b`, to: 'PEEROS', refresh: true });
    assert.deepEqual(o.rejections, []);
  }
});

after(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (osUp) await fetch(new URL(`/${run}-*`, OS), { method: 'DELETE' }).catch(() => undefined);
});

async function names(session: HuntSession, v: string): Promise<string[]> {
  const r = await session.execute(`DISP ${v} ATTR name`);
  const d = r.displays.at(-1);
  assert.ok(d && d.kind === 'table');
  return [...new Set(d.rows.map((row) => String(row[0])))].sort();
}

const sources: [string, string, () => boolean][] = [
  ['a STIX bundle', `file://${hostB}`, () => true],
  ['the embedded store', 'stixshifter://peerloc', () => true],
  ['OpenSearch', 'stixshifter://peeros', () => osUp],
];

for (const [what, uri, available] of sources) {
  test(`pivot from host A's C&C connection to the process on host B (${what})`, async (t) => {
    if (!available()) return t.skip(`OpenSearch does not answer at ${OS.origin}`);
    const session = await HuntSession.create();
    try {
      await session.execute(`conns = GET network-traffic FROM file://${hostA} WHERE dst_port > 0`);
      await session.execute(`peers = FIND process PEER OF conns FROM ${uri}`);
      assert.deepEqual(await names(session, 'peers'), ['nc']);
      await session.execute(`peer_nt = FIND network-traffic PEER OF conns FROM ${uri}`);
      const nt = await session.execute('DISP peer_nt ATTR src_ref.value, src_port, dst_ref.value, dst_port');
      const d = nt.displays.at(-1)!;
      assert.ok(d.kind === 'table');
      assert.deepEqual(d.rows, [['10.0.0.2', 4444, '10.0.0.1', 40000]]);
      // NAT: the peer's endpoint alone
      await session.execute(`nat = FIND process PEER OF conns FROM ${uri} NAT`);
      assert.deepEqual(await names(session, 'nat'), ['nc', 'socat']);
      // a wide window reaches the same tuple an hour earlier
      await session.execute(`wide = FIND process PEER OF conns FROM ${uri} WITHIN 2 HOURS`);
      assert.deepEqual(await names(session, 'wide'), ['nc', 'old']);
      const ex = JSON.stringify((await session.execute('EXPLAIN peers')).displays);
      assert.match(ex, /pivot: 2 flows of conns → their other end at /);
      assert.equal(ex.match(/peer query \(/g)?.length, 1, 'one query for the two flows');
    } finally {
      await session.close();
    }
  });
}

test('FIND … PEER OF errors point at their place', async () => {
  const session = await HuntSession.create();
  try {
    await session.execute(`procs = GET process FROM file://${hostA} WHERE name = 'curl'`);
    await session.execute(`conns = GET network-traffic FROM file://${hostA} WHERE dst_port > 0`);
    for (const [text, code, col] of [
      ['x = FIND process PEER OF procs FROM stixshifter://peerloc', 'E_PEER_INPUT', 26],
      ['x = FIND file PEER OF procs FROM stixshifter://peerloc', 'E_PEER_TYPE', 10],
      ['x = FIND process PEER OF procs', 'E_HUNT_MISSING_SOURCE', 31],
      ['x = FIND process PEER OF conns FROM procs', 'E_PEER_SOURCE', 37],
    ] as const) {
      await assert.rejects(session.execute(text), (e: { code: string; span?: { col: number } }) => {
        assert.equal(e.code, code, text);
        assert.equal(e.span?.col, col, text);
        return true;
      });
    }
  } finally {
    await session.close();
  }
});
