// `peregrine ingest` end to end: the real CLI in a child process, real files, a real store.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { withStore } from '../../src/store/ecs/index.ts';
import { corpusNdjson } from '../store/ecs/corpus.ts';
import { tempDir } from '../store/ecs/helpers.ts';
import { KESTREL_TEST_DATA, STIX_SHIFTER_DATA } from '../support/data.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function peregrine(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'peregrine.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function counts(store: string): Promise<Record<string, number>> {
  return withStore(store, 'read', async (s) =>
    Object.fromEntries((await s.indices()).map((i) => [i.name, i.docs])),
  );
}

describe('peregrine ingest', () => {
  const dir = tempDir();
  const store = join(dir, 'store.duckdb');

  test('NDJSON: summary with accepted/rejected and file:line reasons; re-ingest adds no duplicates', async () => {
    const file = join(dir, 'docs.ndjson');
    writeFileSync(file, corpusNdjson() + '{"broken": \n[1]\n\n{"last":true}\n');
    const n = corpusNdjson().trim().split('\n').length;
    const r = peregrine(['ingest', file, '--index', 'corpus', '--store', store]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${n + 1} accepted \\(${n + 1} new, 0 replaced\\), 2 rejected`));
    assert.match(
      r.stderr,
      new RegExp(`rejected ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${n + 1}: malformed JSON`),
    );
    assert.match(r.stderr, new RegExp(`:${n + 2}: the document is an array, not a JSON object`));
    const again = peregrine(['ingest', file, '--index', 'corpus', '--store', store]);
    assert.match(again.stderr, new RegExp(`${n + 1} accepted \\(0 new, ${n + 1} replaced\\)`));
    assert.deepEqual(await counts(store), { corpus: n + 1 });
  });

  test('Elastic bulk files: _index and _id from action lines; unsupported actions rejected', async () => {
    const file = join(dir, 'bulk.ndjson');
    writeFileSync(
      file,
      [
        '{"index":{"_index":"bulk-a","_id":"1"}}',
        '{"process":{"name":"one"}}',
        '{"create":{"_id":"2"}}',
        '{"process":{"name":"two"}}',
        '{"delete":{"_id":"1"}}',
        '{"update":{"_id":"2"}}',
        '{"doc":{"x":1}}',
        '{"index":{"_index":"bulk-a","_id":"1"}}',
        '{"process":{"name":"one again"}}',
      ].join('\n') + '\n',
    );
    const r = peregrine(['ingest', file, '--index', 'bulk-default', '--store', store]);
    assert.equal(r.code, 0, r.stderr);
    // _id 1 twice in one file: the second is a repeat within this ingest, not a replacement of a stored document
    assert.match(r.stderr, /3 accepted \(2 new, 0 replaced, 1 repeating an id given earlier in this ingest\), 2 rejected/);
    assert.match(r.stderr, /bulk\.ndjson:5: "delete" actions are not supported/);
    assert.match(r.stderr, /bulk\.ndjson:7 \(id 2\): "update" actions are not supported/);
    const c = await counts(store);
    assert.equal(c['bulk-a'], 1);
    assert.equal(c['bulk-default'], 1);
    const src = await withStore(store, 'read', (s) =>
      s.all(`SELECT _source FROM ecs_docs WHERE _index = 'bulk-a' AND _id = '1'`),
    );
    assert.deepEqual(src, [{ _source: '{"process":{"name":"one again"}}' }]);
  });

  test('STIX bundles become their ECS equivalents', async () => {
    const file = join(KESTREL_TEST_DATA, 'test_bundle.json');
    const r = peregrine(['ingest', file, '--index', 'stix-nt', '--store', store]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /100 accepted \(100 new, 0 replaced\), 0 rejected/);
    const rows = await withStore(store, 'read', (s) =>
      s.all(
        `SELECT "source.ip" AS s, "destination.port" AS p, "@timestamp"::VARCHAR AS t FROM ecs_docs WHERE _index = 'stix-nt' ORDER BY "@timestamp", _id LIMIT 1`,
      ),
    );
    assert.deepEqual(rows, [{ s: '192.168.212.97', p: '22', t: '2020-06-30 19:25:09.447726' }]);
  });

  test('STIX 2.1 bundles, and a bundle cut short: what came before is kept, the break is a rejection', async () => {
    const ss = JSON.parse(readFileSync(join(STIX_SHIFTER_DATA, 'elastic_ecs_results.json'), 'utf8')) as {
      stix_2_1_example_for_first_doc: unknown;
    };
    const b21 = join(dir, 'b21.json');
    writeFileSync(b21, JSON.stringify(ss.stix_2_1_example_for_first_doc));
    const cut = join(dir, 'cut.json');
    writeFileSync(
      cut,
      '{"type":"bundle","objects":[{"type":"observed-data","id":"observed-data--1","first_observed":"2020-01-01T00:00:00Z",' +
        '"last_observed":"2020-01-01T00:00:00Z","number_observed":1,"objects":{"0":{"type":"process","pid":4,"name":"x"}}}, {"type": ',
    );
    const r = peregrine(['ingest', b21, cut, '--index', 'stix-mixed', '--format', 'stix', '--store', store]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /2 accepted \(2 new, 0 replaced\), 1 rejected/);
    assert.match(r.stderr, /cut\.json:2: malformed JSON in bundle/);
    const rows = await withStore(store, 'read', (s) =>
      s.all(
        `SELECT "source.ip" AS ip, "process.pid" AS pid FROM ecs_docs WHERE _index = 'stix-mixed' ORDER BY _id`,
      ),
    );
    assert.deepEqual(rows, [
      { ip: null, pid: '4' },
      { ip: '107.0.0.48', pid: '609' },
    ]);
  });

  test('errors: no --index, unreadable file, unknown format, unreadable store', () => {
    const file = join(dir, 'docs.ndjson');
    let r = peregrine(['ingest', file, '--store', store]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--index NAME is required/);
    r = peregrine(['ingest', join(dir, 'missing.ndjson'), '--index', 'x', '--store', store]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read .*missing\.ndjson: no such file/);
    r = peregrine(['ingest', file, '--index', 'x', '--format', 'xml', '--store', store]);
    assert.match(r.stderr, /unknown format "xml"/);
    const junk = join(dir, 'junk.duckdb');
    writeFileSync(junk, 'not a database'.repeat(500));
    r = peregrine(['ingest', file, '--index', 'x', '--store', junk]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot open the store/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });

  test('PEREGRINE_STORE chooses the store when --store is absent', async () => {
    const other = join(dir, 'env.duckdb');
    const r = peregrine(['ingest', join(dir, 'bulk.ndjson'), '--index', 'env-idx'], {
      PEREGRINE_STORE: other,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`store ${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok((await counts(other))['env-idx'] > 0);
  });
});
