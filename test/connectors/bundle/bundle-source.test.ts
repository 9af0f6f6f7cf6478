/**
 * The bundle data source over real bundles: Kestrel's test bundles (counts Kestrel 1.x gives), STIX-shifter's
 * STIX 2.0/2.1 samples, several URIs at once, a real HTTP server, and every error a user can cause.
 */
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import '../../../src/connectors/index.ts';
import { openSource } from '../../../src/connectors/registry.ts';
import type { Observation } from '../../../src/stix/observation.ts';
import type { SourceQuery } from '../../../src/hunt/plan/index.ts';
import { NO_TIME } from '../../../src/connectors/bundle/index.ts';
import { ConnectorError, InputError, isPeregrineError } from '../../../src/errors/index.ts';
import { parsePattern } from '../../../src/stix/index.ts';
import { renderErrorText } from '../../../src/render/error.ts';
import { KESTREL_TEST_DATA, STIX_SHIFTER_DATA } from '../../support/data.ts';

const CYBOX = join(STIX_SHIFTER_DATA, 'data/cybox');
const TEST_BUNDLE = join(KESTREL_TEST_DATA, 'test_bundle.json');
const tmp = mkdtempSync(join(tmpdir(), 'peregrine-bundle-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Q {
  entityType?: string;
  pattern?: string;
  timeRange?: SourceQuery['timeRange'];
  limit?: number;
}

async function collect(uri: string, q: Q): Promise<Observation[]> {
  const src = await openSource(uri);
  const query: SourceQuery = {
    entityType: q.entityType ?? '',
    pattern: q.pattern !== undefined ? parsePattern(q.pattern) : null,
    timeRange: q.timeRange,
    limit: q.limit,
  };
  const out: Observation[] = [];
  for await (const o of src.query(query)) out.push(o);
  return out;
}
const count = async (uri: string, q: Q): Promise<number> => (await collect(uri, q)).length;

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.fail('expected an error');
}

test('Kestrel counts on test_bundle.json', async () => {
  assert.equal(
    await count(TEST_BUNDLE, {
      entityType: 'network-traffic',
      pattern: '[network-traffic:dst_port < 10000]',
    }),
    100,
  );
  assert.equal(
    await count(TEST_BUNDLE, { entityType: 'network-traffic', pattern: '[network-traffic:dst_port = 22]' }),
    29,
  );
  const window = "START t'2020-06-30T19:25:00.000Z' STOP t'2020-06-30T19:26:00.000Z'";
  assert.equal(
    await count(TEST_BUNDLE, {
      entityType: 'network-traffic',
      pattern: `[network-traffic:dst_port = 22] ${window}`,
    }),
    7,
  );
  assert.equal(
    await count(TEST_BUNDLE, {
      entityType: 'network-traffic',
      pattern: '[network-traffic:dst_port = 22]',
      timeRange: { start: '2020-06-30T19:25:00.000Z', stop: '2020-06-30T19:26:00.000Z' },
    }),
    7,
  );
  assert.equal(
    await count(TEST_BUNDLE, { entityType: 'ipv4-addr', pattern: "[ipv4-addr:value ISSUBSET '10.0.0.0/8']" }),
    100,
  );
});

test('no pattern: every observation holding an object of the entity type', async () => {
  assert.equal(await count(TEST_BUNDLE, { entityType: 'network-traffic' }), 100);
  assert.equal(await count(TEST_BUNDLE, { entityType: 'process' }), 0);
  assert.equal(await count(join(KESTREL_TEST_DATA, 'doctored-1k.json'), { entityType: 'process' }), 974);
});

test('limit counts observations', async () => {
  assert.equal(await count(TEST_BUNDLE, { entityType: 'network-traffic', limit: 5 }), 5);
  assert.equal(await count(TEST_BUNDLE, { entityType: 'network-traffic', limit: 0 }), 0);
});

test('file:// URLs, bare relative paths and comma-separated lists', async () => {
  const url = pathToFileURL(TEST_BUNDLE).href;
  assert.equal(await count(url, { entityType: 'network-traffic' }), 100);
  assert.equal(await count(relative(process.cwd(), TEST_BUNDLE), { entityType: 'network-traffic' }), 100);
  const both = `${url}, ${join(KESTREL_TEST_DATA, 'test_bundle_2.json')}`;
  const single2 = await count(join(KESTREL_TEST_DATA, 'test_bundle_2.json'), {});
  assert.equal(await count(both, {}), 100 + single2);
  const src = await openSource(both);
  assert.equal(src.connector, 'bundle');
  const ex = src.explain({
    entityType: 'process',
    pattern: parsePattern("[process:name = 'x']"),
    limit: 3,
  }) as Record<string, unknown>;
  assert.deepEqual(ex.sources, [
    { file: TEST_BUNDLE },
    { file: join(KESTREL_TEST_DATA, 'test_bundle_2.json') },
  ]);
  assert.equal(ex.pattern, "[process:name = 'x']");
  assert.match(String(ex.evaluation), /local/);
});

test("STIX-shifter's STIX 2.0 bundles from real connectors read whole", async () => {
  const expected: Record<string, number> = {
    'bundle1.json': 1,
    'e2eStixBundle01.json': 1,
    'carbon_black/cb_observed_156.json': 156,
    'crowdstrike/crowdstrike_detections_20210723.json': 77,
    'crowdstrike_logscale/crowdstrike_edr_events_04042024.json': 5,
    'nozomi_vantage/nozomi_vantage_alerts_22022024.json': 5,
    'qradar/qradar_events_29092020.json': 101,
    'qradar/qradar_custom_process_observable.json': 106,
    'sysdig/sysdig_events_31012024.json': 5,
  };
  for (const [f, n] of Object.entries(expected)) assert.equal(await count(join(CYBOX, f), {}), n, f);
});

test('STIX 2.1: observed-data object_refs become a local objects map with rewritten references', async () => {
  const [o, ...rest] = await collect(join(CYBOX, 'stix-2.1.json'), {});
  assert.equal(rest.length, 0);
  assert.equal(o!.first_observed, '2021-07-28T19:46:00.809Z');
  const types = Object.values(o!.objects)
    .map((x) => x.type)
    .sort();
  assert.deepEqual(types, [
    'artifact',
    'ipv4-addr',
    'ipv4-addr',
    'ipv4-addr',
    'mac-addr',
    'network-traffic',
    'x-ibm-finding',
    'x-oca-event',
    'x-qradar',
  ]);
  const nt = Object.values(o!.objects).find((x) => x.type === 'network-traffic')!;
  assert.equal(o!.objects[nt.src_ref as string]!.value, '10.0.0.102');
  assert.equal(
    await count(join(CYBOX, 'stix-2.1.json'), {
      pattern:
        "[network-traffic:src_ref.resolves_to_refs[*].value = '00:00:00:00:00:00' AND network-traffic:dst_ref.value = '127.0.0.1']",
    }),
    1,
  );
});

test('STIX 2.1: references before their objects, and SCOs no observed-data reaches', async () => {
  const path = join(tmp, 'b21.json');
  writeFileSync(
    path,
    JSON.stringify({
      type: 'bundle',
      id: 'bundle--x',
      objects: [
        {
          type: 'observed-data',
          id: 'observed-data--1',
          first_observed: '2021-01-01T00:00:00Z',
          last_observed: '2021-01-01T00:00:01Z',
          number_observed: 1,
          object_refs: ['process--1'],
        },
        { type: 'process', id: 'process--1', pid: 4, image_ref: 'file--1' },
        { type: 'file', id: 'file--1', name: 'a.exe', parent_directory_ref: 'directory--1' },
        { type: 'directory', id: 'directory--1', path: 'C:\\' },
        {
          type: 'file',
          id: 'file--2',
          name: 'orphan.txt',
          ctime: '2022-02-02T00:00:00Z',
          parent_directory_ref: 'directory--2',
        },
        { type: 'directory', id: 'directory--2', path: '/tmp' },
        { type: 'ipv4-addr', id: 'ipv4-addr--1', value: '10.0.0.1' },
        { type: 'indicator', id: 'indicator--1', pattern: "[file:name = 'x']" },
      ],
    }),
  );
  const all = await collect(path, {});
  assert.equal(all.length, 3);
  const [od, orphanFile, orphanIp] = all;
  assert.equal(od!.id, 'observed-data--1');
  assert.equal(await count(path, { pattern: "[process:image_ref.parent_directory_ref.path = 'C:\\\\']" }), 1);
  assert.equal(orphanFile!.first_observed, '2022-02-02T00:00:00Z', 'time from the SCO itself');
  assert.deepEqual(
    Object.values(orphanFile!.objects).map((x) => x.type),
    ['file', 'directory'],
  );
  assert.equal(orphanIp!.first_observed, NO_TIME);
  assert.equal(
    await count(path, { timeRange: { start: '2000-01-01T00:00:00Z', stop: '2030-01-01T00:00:00Z' } }),
    2,
  );
});

let server: Server;
let base = '';
before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/test_bundle.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      createReadStream(TEST_BUNDLE, { highWaterMark: 4096 }).pipe(res);
    } else {
      res.writeHead(404).end('no such bundle');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('http(s) bundles stream from a real server', async () => {
  assert.equal(
    await count(`${base}/test_bundle.json`, {
      entityType: 'network-traffic',
      pattern: '[network-traffic:dst_port = 22]',
    }),
    29,
  );
  assert.equal(
    await count(`${base}/test_bundle.json, ${TEST_BUNDLE}`, { entityType: 'network-traffic', limit: 150 }),
    150,
  );
});

test('HTTP error status is a ConnectorError naming the status', async () => {
  const e = await failure(collect(`${base}/missing.json`, {}));
  assert.ok(e instanceof ConnectorError);
  assert.equal((e as ConnectorError).code, 'E_BUNDLE_HTTP');
  assert.match(e.message, /HTTP 404/);
});

test('a missing file is an InputError naming the path, at open time', async () => {
  const e = await failure(openSource(join(tmp, 'nope.json')));
  assert.ok(e instanceof InputError);
  assert.equal((e as InputError).code, 'E_BUNDLE_NOT_FOUND');
  assert.ok(e.message.includes(join(tmp, 'nope.json')));
  assert.ok((e as InputError).hint);
});

test('malformed JSON: InputError with line:col in the bundle file', async () => {
  const path = join(tmp, 'bad.json');
  writeFileSync(
    path,
    '{\n  "type": "bundle",\n  "objects": [\n    {"type": "observed-data",\n     "objects": {"0": {"type": "file" "name": "x"}}}\n  ]\n}\n',
  );
  const e = await failure(collect(path, {}));
  assert.ok(e instanceof InputError && isPeregrineError(e));
  assert.equal(e.code, 'E_BUNDLE_JSON');
  assert.deepEqual([e.span?.source, e.span?.line, e.span?.col], [path, 5, 39]);
  assert.match(e.message, /expected ',' or '}'/);
  const shown = renderErrorText(e).split('\n');
  assert.equal(shown[2], '5 |      "objects": {"0": {"type": "file" "name": "x"}}}');
  assert.equal(shown[3], `  | ${' '.repeat(38)}^`);

  const truncated = join(tmp, 'truncated.json');
  writeFileSync(truncated, '{"type": "bundle", "objects": [{"type": "observed-data"');
  const t = (await failure(collect(truncated, {}))) as InputError;
  assert.equal(t.code, 'E_BUNDLE_JSON');
  assert.match(t.message, /unexpected end of file/);
});

test('not a bundle: the hint says what was found', async () => {
  const single = join(tmp, 'single.json');
  writeFileSync(
    single,
    JSON.stringify({ type: 'observed-data', id: 'observed-data--1', objects: { '0': { type: 'file' } } }),
  );
  const e = (await failure(collect(single, {}))) as InputError;
  assert.equal(e.code, 'E_NOT_A_BUNDLE');
  assert.match(e.message, /a single "observed-data" object/);
  assert.match(e.hint ?? '', /wrap it in a bundle/);
  const csv = join(tmp, 'x.csv');
  writeFileSync(csv, 'a,b\n1,2\n');
  const c = (await failure(collect(csv, {}))) as InputError;
  assert.equal(c.code, 'E_NOT_A_BUNDLE');
  assert.match(c.message, /does not start with a JSON object/);
});
