/**
 * The bulk writer shared by `peregrine ingest --to PROFILE` and the SysFlow exporter, against the real test
 * OpenSearch through the fault proxy: whole requests refused for a while and single items answered 429 are sent
 * again by the client's retry policy; what the policy cannot deliver comes back to the caller with the reason;
 * a failure that retrying cannot mend is thrown at once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ElasticClient,
  elasticSettings,
  sendBulk,
  type BulkItemAnswer,
} from '../../src/connectors/elastic/index.ts';
import { ConnectorError } from '../../src/errors/index.ts';
import { os, startFaultProxy, type FaultProxy } from './elastic-support.ts';

const INDEX = `peregrine-it-bulk-${process.pid}`;
let proxy: FaultProxy;

before(async () => {
  proxy = await startFaultProxy();
});
after(async () => {
  await proxy.close();
  await os('DELETE', `/${INDEX}`);
});

function client(retries: number, config: Record<string, unknown> = {}): ElasticClient {
  return new ElasticClient(
    elasticSettings({
      name: 'bulk',
      connector: 'elastic_ecs',
      connection: {
        host: 'http://127.0.0.1',
        port: proxy.port,
        indices: INDEX,
        options: { retries, timeout: 5 },
      },
      config,
      origin: 'test',
    }),
  );
}

/** Runs `fn` with a client of `retries` and the proxy doing `plan`; both are reset after. */
async function withClient(
  retries: number,
  plan: FaultProxy['plan'],
  fn: (c: ElasticClient) => Promise<void>,
  config: Record<string, unknown> = {},
): Promise<void> {
  const c = client(retries, config);
  proxy.plan = plan;
  try {
    await fn(c);
  } finally {
    proxy.plan = {};
    await c.close();
  }
}

interface Op {
  readonly id: string;
  readonly doc: Record<string, unknown>;
}
const ops = (prefix: string, n: number): Op[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, doc: { n: i, 'event.kind': 'event' } }));
const lines = (op: Op): string =>
  JSON.stringify({ index: { _index: INDEX, _id: op.id } }) + '\n' + JSON.stringify(op.doc);

async function send(c: ElasticClient, batch: Op[]) {
  const answers = new Map<string, BulkItemAnswer>();
  const r = await sendBulk(c, batch, {
    lines,
    onAnswer: (op, a) => answers.set(op.id, a),
    what: `bulk indexing into ${INDEX}`,
  });
  return { ...r, answers };
}

test('whole requests refused twice (503): sent again, every document arrives once', () =>
  withClient(3, { fail: { status: 503, count: 2, match: /_bulk/ } }, async (c) => {
    const r = await send(c, ops('a', 10));
    assert.equal(r.retries, 2);
    assert.deepEqual(r.undelivered, []);
    assert.equal(r.error, undefined);
    assert.deepEqual(
      [...r.answers.values()].map((a) => `${a.status} ${a.result}`),
      Array(10).fill('201 created'),
    );
  }));

test('single items answered 429: only those are sent again (and found written)', () =>
  withClient(3, { bulkItems: { status: 429, count: 3 } }, async (c) => {
    const r = await send(c, ops('b', 8));
    assert.equal(r.retries, 1);
    assert.deepEqual(r.undelivered, []);
    const results = [...r.answers.entries()].map(([id, a]) => `${id} ${a.result}`).sort();
    assert.deepEqual(results, [
      'b0 updated',
      'b1 updated',
      'b2 updated',
      'b3 created',
      'b4 created',
      'b5 created',
      'b6 created',
      'b7 created',
    ]);
  }));

test('more failures than the policy allows: everything comes back undelivered, with why', () =>
  withClient(2, { fail: { status: 503, count: 10, match: /_bulk/ } }, async (c) => {
    const r = await send(c, ops('c', 4));
    assert.equal(r.retries, 2);
    assert.deepEqual(
      r.undelivered.map((u) => u.op.id),
      ['c0', 'c1', 'c2', 'c3'],
    );
    assert.equal(r.error?.code, 'E_ELASTIC_UNAVAILABLE');
    assert.equal(r.answers.size, 0);

    proxy.plan = { bulkItems: { status: 429, count: 100 } };
    const items = await send(c, ops('d', 2));
    assert.equal(items.error, undefined);
    assert.deepEqual(
      items.undelivered.map((u) => `${u.op.id} ${u.answer?.status} ${u.answer?.error?.reason}`),
      ['d0 429 injected 429', 'd1 429 injected 429'],
    );
  }));

test('a failure retrying cannot mend (401) is thrown at once', () =>
  withClient(
    3,
    { auth: { username: 'hunter', password: 'right' } },
    async (c) => {
      await assert.rejects(
        send(c, ops('e', 1)),
        (e: unknown) => e instanceof ConnectorError && e.code === 'E_ELASTIC_AUTH',
      );
    },
    { auth: { username: 'hunter', password: 'wrong' } },
  ));
