/**
 * The hunt cache's operations on a real cache holding Kestrel's `test_bundle.json` (100 observations: network
 * traffic between IPv4 addresses, user accounts): what each fills, in which order, and what it leaves alone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { compileCacheWhere } from '../../../src/backends/cache/index.ts';
import { parsePattern } from '../../../src/stix/index.ts';
import type { Observation } from '../../../src/stix/observation.ts';
import {
  copyTable,
  describeAttribute,
  groupInto,
  HuntCache,
  recordCounts,
  recordRows,
  releaseVariable,
  selectRecords,
  selectRelated,
  tableRows,
  unionRecords,
} from '../../../src/store/cache/index.ts';
import { KESTREL_TEST_DATA } from '../../support/data.ts';

let cache: HuntCache;
let batch: number;

async function* bundle(): AsyncIterable<Observation> {
  const b = JSON.parse(readFileSync(join(KESTREL_TEST_DATA, 'test_bundle.json'), 'utf8')) as {
    objects: { type: string }[];
  };
  for (const o of b.objects) if (o.type === 'observed-data') yield o as unknown as Observation;
}

/** The `attr` values of a records variable's rows, in its order. */
async function values(vid: number, type: string, attr: string): Promise<unknown[]> {
  const rows = await recordRows(cache, { vid, type, attributes: [attr], perRecord: true });
  return rows.map((r) => r[0]);
}

before(async () => {
  cache = await HuntCache.open();
  batch = (await cache.ingest(bundle())).batch;
});
after(() => cache.close());

test('selectRecords: a batch, a compiled WHERE, an order and a page', async () => {
  const all = cache.newVariableId();
  await selectRecords(cache, all, { from: { kind: 'batch', batch }, entityType: 'network-traffic' });
  assert.deepEqual(await recordCounts(cache, all), { records: 100, entities: 100 });
  const ssh = cache.newVariableId();
  const where = compileCacheWhere(parsePattern('[network-traffic:dst_port = 22]'), {
    center: 'network-traffic',
    mode: 'full',
  });
  await selectRecords(cache, ssh, {
    from: { kind: 'variable', vid: all },
    entityType: 'network-traffic',
    where,
    order: { attr: 'src_port', asc: false },
    limit: 3,
    offset: 1,
  });
  const ports = await values(ssh, 'network-traffic', 'src_port');
  assert.equal(ports.length, 3);
  assert.deepEqual(
    [...ports].sort((a, b) => Number(b) - Number(a)),
    ports,
  );
  assert.deepEqual(await values(ssh, 'network-traffic', 'dst_port'), [22, 22, 22]);
});

test('unionRecords keeps each record once, the first variable first', async () => {
  const ips = cache.newVariableId();
  await selectRecords(cache, ips, { from: { kind: 'batch', batch }, entityType: 'ipv4-addr', limit: 4 });
  const tail = cache.newVariableId();
  await selectRecords(cache, tail, {
    from: { kind: 'batch', batch },
    entityType: 'ipv4-addr',
    limit: 4,
    offset: 2,
  });
  const both = cache.newVariableId();
  await unionRecords(cache, both, [tail, ips]);
  const a = await values(ips, 'ipv4-addr', 'value');
  const b = await values(tail, 'ipv4-addr', 'value');
  assert.deepEqual(await values(both, 'ipv4-addr', 'value'), [...b, ...a.slice(0, 2)]);
});

test('releaseVariable drops the membership, not the records', async () => {
  const v = cache.newVariableId();
  await selectRecords(cache, v, { from: { kind: 'batch', batch }, entityType: 'user-account' });
  const counted = await recordCounts(cache, v);
  assert.ok(counted.records > 0);
  await releaseVariable(cache, { vid: v, storage: 'records' });
  assert.deepEqual(await recordCounts(cache, v), { records: 0, entities: 0 });
  const again = cache.newVariableId();
  await selectRecords(cache, again, { from: { kind: 'batch', batch }, entityType: 'user-account' });
  assert.deepEqual(await recordCounts(cache, again), counted);
});

test('recordRows: LIMIT read from a prefix of the records gives the rows of a full read', async () => {
  const v = cache.newVariableId();
  await selectRecords(cache, v, { from: { kind: 'batch', batch }, entityType: 'network-traffic' });
  const view = { vid: v, type: 'network-traffic', attributes: ['dst_port'], perRecord: false };
  const full = await recordRows(cache, view);
  assert.deepEqual(await recordRows(cache, { ...view, limit: 2, offset: 1 }), full.slice(1, 3));
  assert.deepEqual(
    full.map((r) => r[0]),
    [...new Set(full.map((r) => r[0]))],
  );
});

test('selectRelated follows references at entity level, from either side', async () => {
  const ssh = cache.newVariableId();
  await selectRecords(cache, ssh, {
    from: { kind: 'batch', batch },
    entityType: 'network-traffic',
    where: compileCacheWhere(parsePattern('[network-traffic:dst_port = 22]'), {
      center: 'network-traffic',
      mode: 'full',
    }),
  });
  const dst = cache.newVariableId();
  await selectRelated(cache, dst, {
    input: ssh,
    entityType: 'ipv4-addr',
    hops: [{ refs: ['dst_ref'], holder: 'input' }],
    sameObservation: false,
  });
  const servers = new Set(await values(dst, 'ipv4-addr', 'value'));
  assert.ok(servers.size > 0 && [...servers].every((s) => String(s).startsWith('10.0.0.')));
  const back = cache.newVariableId();
  await selectRelated(cache, back, {
    input: dst,
    entityType: 'network-traffic',
    hops: [{ refs: ['dst_ref'], holder: 'result' }],
    sameObservation: false,
  });
  // every connection to those servers, ssh or not
  assert.ok((await recordCounts(cache, back)).records >= (await recordCounts(cache, ssh)).records);
});

test('groupInto, copyTable, tableRows and describeAttribute over derived tables', async () => {
  const v = cache.newVariableId();
  await selectRecords(cache, v, { from: { kind: 'batch', batch }, entityType: 'network-traffic' });
  const g = cache.newVariableId();
  await groupInto(
    cache,
    g,
    { vid: v, storage: 'records', type: 'network-traffic' },
    [{ attr: 'dst_port', alias: 'port' }],
    [{ func: 'COUNT', attr: 'src_port', alias: 'n' }],
  );
  const grouped = await tableRows(cache, g, {});
  assert.deepEqual(grouped.columns, ['port', 'n']);
  assert.equal(
    grouped.rows.reduce((s, r) => s + Number(r[1]), 0),
    100,
  );
  const top = cache.newVariableId();
  await copyTable(cache, top, g, { sort: { attr: 'n', asc: false }, limit: 1 });
  const best = await tableRows(cache, top, { columns: ['n', 'no such column'] });
  assert.deepEqual(best.columns, ['n']);
  assert.equal(best.rows[0]![0], Math.max(...grouped.rows.map((r) => Number(r[1]))));
  const st = await describeAttribute(
    cache,
    { vid: v, storage: 'records', type: 'network-traffic' },
    'dst_port',
  );
  assert.equal(st.count, 100);
  assert.equal(st.unique, grouped.rows.length);
  assert.equal(st.top?.freq, best.rows[0]![0]);
});
