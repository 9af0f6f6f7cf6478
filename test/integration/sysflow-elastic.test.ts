/**
 * The Elastic/OpenSearch exporter against a real OpenSearch (scripts/opensearch.sh), reached through a TCP proxy
 * the test can cut and restore: template installed, alerts and events in separate indices, idempotent re-export,
 * an outage mid-stream (records spooled to disk, then delivered — none lost, none doubled) and lost responses
 * (the server got the bulk but the client never heard back — the resend is rejected as duplicates).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@opensearch-project/opensearch';
import { readSysFlowFile, resolveEvents } from '../../src/telemetry/sysflow/format/index.ts';
import { documentId } from '../../src/telemetry/sysflow/ecs/index.ts';
import { Pipeline, pipelineFromFlags, loadPolicyStage } from '../../src/telemetry/sysflow/processor/index.ts';
import { createExporter } from '../../src/telemetry/sysflow/export/registry.ts';
import type { SysFlowRecord } from '../../src/telemetry/sysflow/records/index.ts';
import { ROOT, TRACES } from '../telemetry/sysflow/helpers.ts';

const UPSTREAM = new URL(process.env.PEREGRINE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200');
const TTPS = join(ROOT, 'data', 'policies', 'ttps.yaml');
const RUN = `t${process.pid}${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), 'peregrine-sfes-'));
const os = new Client({ node: UPSTREAM.origin });

type Mode = 'up' | 'down' | 'drop-responses';

/** A TCP proxy in front of OpenSearch: `up` forwards, `down` refuses, `drop-responses` swallows the answers. */
class Proxy {
  mode: Mode = 'up';
  private server = net.createServer((c) => this.accept(c));
  private sockets = new Set<net.Socket>();
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  set(mode: Mode): void {
    this.mode = mode;
    if (mode !== 'up') for (const s of this.sockets) s.destroy();
  }
  private accept(client: net.Socket): void {
    if (this.mode === 'down') {
      client.destroy();
      return;
    }
    const mode = this.mode;
    const upstream = net.connect(Number(UPSTREAM.port || 80), UPSTREAM.hostname);
    this.sockets.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    if (mode === 'drop-responses') upstream.on('data', drop);
    else upstream.pipe(client);
  }
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const proxy = new Proxy();
before(() => proxy.start());
after(async () => {
  await proxy.stop();
  await os.indices.delete({ index: `${RUN}-*` }).catch(() => undefined);
  await os.indices.deleteIndexTemplate({ name: `${RUN}-*` } as never).catch(() => undefined);
  await os.close();
  rmSync(dir, { recursive: true, force: true });
});

async function count(index: string): Promise<number> {
  await os.indices.refresh({ index });
  return Number((await os.count({ index })).body.count);
}

async function distinctIds(paths: string[]): Promise<number> {
  const ids = new Set<string>();
  for (const p of paths) for await (const ev of resolveEvents(readSysFlowFile(p), p)) ids.add(documentId(ev));
  return ids.size;
}

function pipelineFor(prefix: string, extra: Record<string, string> = {}) {
  const cfg = pipelineFromFlags(
    {
      policy: [TTPS],
      mode: 'enrich',
      export: ['elastic'],
      exporterOptions: {
        'es.addresses': `http://127.0.0.1:${proxy.port}`,
        'es.index': prefix,
        'es.spool': join(dir, `${prefix}.spool`),
        'es.refresh': 'true',
        'es.backoff': '20',
        'es.retries': '2',
        'es.backoff.max': '400',
        'es.timeout': '5',
        ...extra,
      },
    },
    {},
  );
  return Pipeline.build(cfg, { loadPolicy: loadPolicyStage, createExporter });
}

test('export: template installed, alerts and events in separate indices, re-export adds nothing', async () => {
  const prefix = `${RUN}-c1-sysflow`;
  const inputs = [join(TRACES, 'shellshock.sf'), join(TRACES, 'tcp.sf')];
  const expected = await distinctIds(inputs);
  const run = async () => {
    const p = await pipelineFor(prefix);
    await p.run(inputs.map((path) => ({ kind: 'file' as const, path })));
    return p.close();
  };
  const first = await run();
  const ex = first.exporters[0];
  assert.equal(ex.written, first.events);
  assert.equal(ex.detail?.created, expected);
  assert.equal(await count(`${prefix}-alerts`), ex.alerts);
  assert.equal(await count(`${prefix}-events`), expected - ex.alerts);
  assert.ok(ex.alerts > 0);

  const tpl = await os.indices.getIndexTemplate({ name: `${prefix}-peregrine-sysflow` } as never);
  assert.equal((tpl.body as { index_templates: unknown[] }).index_templates.length, 1);
  const mapping = (await os.indices.getMapping({ index: `${prefix}-alerts` })).body as Record<
    string,
    { mappings: { properties: Record<string, { type?: string }> } }
  >;
  assert.equal(Object.values(mapping)[0].mappings.properties['@timestamp'].type, 'date_nanos');

  const alert = (
    await os.search({ index: `${prefix}-alerts`, body: { size: 1, query: { term: { tags: 'T1087' } } } })
  ).body as {
    hits: { hits: { _source: { event: { kind: string }; threat: { technique: { id: string[] } } } }[] };
  };
  assert.equal(alert.hits.hits[0]._source.event.kind, 'alert');
  assert.ok(alert.hits.hits[0]._source.threat.technique.id.some((t) => t.startsWith('T1087')));

  const second = await run();
  assert.equal(second.exporters[0].detail?.created, 0);
  assert.equal(second.exporters[0].detail?.duplicates, expected);
  assert.equal(
    (await count(`${prefix}-alerts`)) + (await count(`${prefix}-events`)),
    expected,
    'none doubled',
  );
});

/** Records of a trace, calling `at(i)` before the i-th record — to cut and restore the proxy mid-stream. */
async function* scripted(
  path: string,
  at: (i: number) => void | Promise<void>,
): AsyncGenerator<SysFlowRecord> {
  let i = 0;
  for await (const r of readSysFlowFile(path)) {
    await at(i++);
    yield r;
  }
}

test('outage mid-stream: records spool to disk while the server is unreachable and are delivered when it returns', async () => {
  const prefix = `${RUN}-outage-sysflow`;
  const trace = join(TRACES, 'mon.1531776712.sf');
  const expected = await distinctIds([trace]);
  const p = await pipelineFor(prefix, { 'es.bulk.size': '500' });
  await p.run([
    {
      kind: 'records',
      name: 'collector',
      records: scripted(trace, async (i) => {
        if (i === 1500) {
          proxy.set('down');
          // As if the server came back without its data: the template must be installed again.
          await os.indices.deleteIndexTemplate({ name: `${prefix}-peregrine-sysflow` } as never);
        }
        if (i === 4000) {
          proxy.set('up');
          await new Promise((r) => setTimeout(r, 100));
        }
      }),
    },
  ]);
  const stats = await p.close();
  const d = stats.exporters[0].detail!;
  assert.ok(Number(d.spooled) > 0, 'some records went through the spool');
  assert.equal(d.remaining, 0, 'the spool was emptied');
  assert.equal(Number(d.created) + Number(d.duplicates), expected);
  assert.equal(
    (await count(`${prefix}-alerts`)) + (await count(`${prefix}-events`)),
    expected,
    'none lost, none doubled',
  );
  assert.equal(existsSync(join(dir, `${prefix}.spool`)), false, 'spool file removed once delivered');
  const tpl = await os.indices.getIndexTemplate({ name: `${prefix}-peregrine-sysflow` } as never);
  assert.equal(
    (tpl.body as { index_templates: unknown[] }).index_templates.length,
    1,
    'template re-installed after the outage',
  );
});

test('lost responses: bulks the server applied but never acknowledged are resent and rejected as duplicates', async () => {
  const prefix = `${RUN}-lost-sysflow`;
  const trace = join(TRACES, 'shellshock.sf');
  const expected = await distinctIds([trace]);
  const p = await pipelineFor(prefix, { 'es.bulk.size': '10', 'es.retries': '1' });
  await p.run([
    {
      kind: 'records',
      name: 'collector',
      records: scripted(trace, (i) => {
        // The first bulks go through (template installed), then answers are lost for a while.
        if (i === 40) proxy.set('drop-responses');
        if (i === 75) proxy.set('up');
      }),
    },
  ]);
  const stats = await p.close();
  const d = stats.exporters[0].detail!;
  assert.ok(Number(d.duplicates) > 0, `resent documents were recognised as already there: ${JSON.stringify(d)}`);
  assert.ok(Number(d.created) < expected, 'some creations were never acknowledged');
  assert.equal(d.remaining, 0);
  assert.equal(
    (await count(`${prefix}-alerts`)) + (await count(`${prefix}-events`)),
    expected,
    'none lost, none doubled',
  );
});

test('server down for the whole run: the spool survives on disk and the next run delivers it', async () => {
  const prefix = `${RUN}-later-sysflow`;
  const trace = join(TRACES, 'shellshock.sf');
  const expected = await distinctIds([trace]);
  proxy.set('down');
  const p1 = await pipelineFor(prefix, { 'es.drain.timeout': '0.2' });
  await p1.run([{ kind: 'file', path: trace }]);
  const s1 = await p1.close();
  assert.equal(s1.exporters[0].detail?.remaining, expected, 'everything is waiting on disk');
  proxy.set('up');
  const p2 = await pipelineFor(prefix);
  await p2.run([]);
  const s2 = await p2.close();
  assert.equal(s2.exporters[0].detail?.created, expected);
  assert.equal((await count(`${prefix}-alerts`)) + (await count(`${prefix}-events`)), expected);
});
