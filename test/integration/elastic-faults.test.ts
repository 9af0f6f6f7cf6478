/**
 * Bad inputs and faults, through a proxy in front of the real test OpenSearch: wrong credentials, unreachable host,
 * missing index, TLS on a plain port, malformed answers, timeouts, shard failures, the server dying mid-pull, and
 * retries that succeed. Each is a ConnectorError naming the profile and host with a hint; partial results are never
 * returned as complete. Also `peregrine doctor`, which must tell wrong password, wrong port and missing index apart.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ElasticDataSource, elasticSettings } from '../../src/connectors/elastic/index.ts';
import { elasticProfilesCheck } from '../../src/connectors/elastic/doctor.ts';
import type { SourceProfile } from '../../src/connectors/types.ts';
import type { SourceQuery } from '../../src/hunt/plan/index.ts';
import { ConnectorError } from '../../src/errors/index.ts';
import { renderErrorText } from '../../src/render/error.ts';
import { parsePattern } from '../../src/stix/index.ts';
import {
  bulkLoad,
  ensureEcsTemplate,
  generateDocs,
  OS_URL,
  startFaultProxy,
  type FaultProxy,
} from './elastic-support.ts';

const run = promisify(execFile);
const INDEX = 'peregrine-it-faults';
const SECRET = 'correct-horse-battery';
let proxy: FaultProxy;

before(async () => {
  await ensureEcsTemplate('peregrine-it-faults*');
  await bulkLoad(INDEX, generateDocs(600));
  proxy = await startFaultProxy();
});
after(async () => {
  await proxy.close();
});

function source(conn: Record<string, unknown> = {}, config: Record<string, unknown> = {}): ElasticDataSource {
  const profile: SourceProfile = {
    name: 'faulty',
    connector: 'elastic_ecs',
    connection: {
      host: 'http://127.0.0.1',
      port: proxy.port,
      indices: INDEX,
      ...conn,
      options: { page_size: 100, retries: 2, timeout: 5, ...((conn.options as object) ?? {}) },
    },
    config,
    origin: 'test',
  };
  return new ElasticDataSource('stixshifter://faulty', elasticSettings(profile));
}

const Q: SourceQuery = {
  entityType: 'process',
  pattern: parsePattern("[process:pid >= 0] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'"),
};

async function drain(src: ElasticDataSource, q = Q): Promise<number> {
  let n = 0;
  try {
    for await (const _ of src.query(q)) n++;
  } finally {
    await src.close();
  }
  return n;
}

async function fails(src: ElasticDataSource, code: string, message: RegExp): Promise<ConnectorError> {
  let err: unknown;
  try {
    await drain(src);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConnectorError, `expected a ConnectorError, got ${String(err)}`);
  assert.equal(err.code, code);
  assert.match(err.message, /data source "faulty" \(127\.0\.0\.1:\d+\)/);
  assert.match(err.message, message);
  assert.ok(err.hint, 'has a hint');
  assert.ok(!renderErrorText(err, { debug: true }).includes(SECRET), 'no secret in the rendered error');
  return err;
}

test('through the proxy, with the right password, all documents arrive', async () => {
  proxy.plan = { auth: { username: 'hunter', password: SECRET } };
  assert.equal(await drain(source({}, { auth: { username: 'hunter', password: SECRET } })), 600);
});

test('wrong password → E_ELASTIC_AUTH', async () => {
  proxy.plan = { auth: { username: 'hunter', password: SECRET } };
  await fails(
    source({}, { auth: { username: 'hunter', password: 'wrong' } }),
    'E_ELASTIC_AUTH',
    /authentication failed \(HTTP 401\)/,
  );
});

test('nothing listening → E_ELASTIC_UNREACHABLE', async () => {
  proxy.plan = {};
  await fails(source({ port: 1 }), 'E_ELASTIC_UNREACHABLE', /connection refused/);
});

test('missing index → E_ELASTIC_NO_INDEX', async () => {
  proxy.plan = {};
  await fails(source({ indices: 'no-such-index' }), 'E_ELASTIC_NO_INDEX', /no such index/);
});

test('https against a plain-HTTP port → E_ELASTIC_TLS', async () => {
  proxy.plan = {};
  const err = await fails(source({ host: 'https://127.0.0.1' }), 'E_ELASTIC_TLS', /TLS handshake failed/);
  assert.match(err.hint!, /http:\/\//);
});

test('an answer that is not JSON → E_ELASTIC_MALFORMED', async () => {
  proxy.plan = { malformed: true };
  await fails(source(), 'E_ELASTIC_MALFORMED', /not valid JSON|no hits array/);
});

test('no answer within the timeout → E_ELASTIC_TIMEOUT', async () => {
  proxy.plan = { delayMs: 2500 };
  await fails(source({ options: { timeout: 1, retries: 0 } }), 'E_ELASTIC_TIMEOUT', /no answer within 1s/);
});

test('a failed shard → E_ELASTIC_PARTIAL, not a short answer', async () => {
  proxy.plan = { shardFailure: true };
  await fails(source(), 'E_ELASTIC_PARTIAL', /shard\(s\) failed.*incomplete/);
});

test('the server dying mid-pull → E_ELASTIC_INTERRUPTED after the hits so far, flagged incomplete', async () => {
  proxy.searches = 0;
  proxy.plan = { dieAfterSearches: 3 };
  const err = await fails(
    source(),
    'E_ELASTIC_INTERRUPTED',
    /stopped after (\d+) hits; the results are incomplete/,
  );
  assert.ok(Number(/after (\d+) hits/.exec(err.message)![1]) > 0);
  proxy.plan = {};
  assert.equal(await drain(source()), 600, 'a rerun succeeds');
});

test('429 and 503 are retried with backoff, then the pull completes', async () => {
  proxy.plan = { fail: { status: 503, count: 2, match: /_search/ } };
  assert.equal(await drain(source()), 600);
  proxy.plan = { fail: { status: 429, count: 1 } };
  assert.equal(await drain(source()), 600);
  proxy.plan = { fail: { status: 503, count: 10 } };
  await fails(source({ options: { retries: 1 } }), 'E_ELASTIC_UNAVAILABLE', /HTTP 503.*after retries/);
});

/**
 * `peregrine doctor --profile doc`: as a command when `cli` (exit status and output), else the same check group
 * in process (the command prints exactly these findings), which keeps the test fast.
 */
async function doctor(
  conn: Record<string, unknown>,
  config: Record<string, unknown> = {},
  cli = false,
): Promise<{ code: number; out: string }> {
  const env = {
    ...process.env,
    HOME: '/nonexistent',
    STIXSHIFTER_DOC_CONNECTION: JSON.stringify({
      host: 'http://127.0.0.1',
      port: proxy.port,
      indices: INDEX,
      options: { retries: 0 },
      ...conn,
    }),
    STIXSHIFTER_DOC_CONFIG: JSON.stringify(config),
  };
  if (!cli) {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const findings = await elasticProfilesCheck.run({ profile: 'doc' });
      const label = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' } as const;
      const out = findings.map((f) => `${label[f.status]}  ${f.check}: ${f.detail}\n`).join('');
      return { code: findings.some((f) => f.status === 'fail') ? 1 : 0, out };
    } finally {
      for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  }
  try {
    const r = await run(process.execPath, ['bin/peregrine.js', 'doctor', '--profile', 'doc'], { env });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const x = e as { code: number; stdout: string };
    return { code: x.code, out: x.stdout };
  }
}

test('peregrine doctor names wrong password, wrong port and missing index apart', async () => {
  proxy.plan = { auth: { username: 'hunter', password: SECRET } };
  const good = await doctor({}, { auth: { username: 'hunter', password: SECRET } });
  assert.equal(good.code, 0, good.out);
  assert.match(good.out, /ok {4}stixshifter:\/\/doc fields: \d+ of \d+ mapped ECS fields present/);
  const pw = await doctor({}, { auth: { username: 'hunter', password: 'nope' } }, true);
  assert.equal(pw.code, 1);
  assert.match(pw.out, /ok {4}stixshifter:\/\/doc reachable/);
  assert.match(pw.out, /FAIL {2}stixshifter:\/\/doc auth: .*authentication failed \(HTTP 401\)/);
  assert.ok(!pw.out.includes('nope') && !good.out.includes(SECRET), 'no secret printed');
  const port = await doctor({ port: 1 });
  assert.match(port.out, /FAIL {2}stixshifter:\/\/doc reachable: .*connection refused/);
  proxy.plan = {};
  const idx = await doctor({ indices: 'peregrine-it-nope' });
  assert.match(idx.out, /ok {4}stixshifter:\/\/doc auth/);
  assert.match(idx.out, /FAIL {2}stixshifter:\/\/doc indices: index "peregrine-it-nope" does not exist/);
  const pat = await doctor({ indices: 'peregrine-it-nope-*' });
  assert.match(pat.out, /index pattern "peregrine-it-nope-\*" matches no index/);
  void OS_URL;
});
