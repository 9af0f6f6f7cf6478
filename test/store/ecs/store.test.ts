import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { StoreError } from '../../../src/errors/index.ts';
import {
  defaultStorePath,
  openStore,
  resolveIndexPattern,
  resolveStorePath,
  withStore,
} from '../../../src/store/ecs/index.ts';
import { tempDir } from './helpers.ts';

describe('index names and patterns', () => {
  const existing = [
    'container1-sysflow-alerts',
    'container1-sysflow-events',
    'container2-sysflow-events',
    'logs',
  ];
  test('wildcards, comma lists and exclusions resolve like Elastic', () => {
    assert.deepEqual(resolveIndexPattern('container1-sysflow-*', existing), [
      'container1-sysflow-alerts',
      'container1-sysflow-events',
    ]);
    assert.deepEqual(resolveIndexPattern('*-events, logs', existing), [
      'container1-sysflow-events',
      'container2-sysflow-events',
      'logs',
    ]);
    assert.deepEqual(resolveIndexPattern('container*,-container2-*', existing), [
      'container1-sysflow-alerts',
      'container1-sysflow-events',
    ]);
    assert.deepEqual(resolveIndexPattern('_all', existing), [...existing].sort());
  });
  test('an unknown name or a pattern matching nothing is a StoreError listing the indices', () => {
    for (const p of ['nope', 'x-*', 'logs,nope']) {
      assert.throws(
        () => resolveIndexPattern(p, existing),
        (e: unknown) =>
          e instanceof StoreError &&
          e.code === 'E_STORE_NO_INDEX' &&
          /container1-sysflow-alerts, container1-sysflow-events/.test(e.hint ?? ''),
      );
    }
  });
});

describe('store location', () => {
  test('flag, then PEREGRINE_STORE, then XDG_DATA_HOME, then ~/.local/share', () => {
    assert.equal(defaultStorePath({ XDG_DATA_HOME: '/data' }), '/data/peregrine/store.duckdb');
    assert.match(defaultStorePath({}), /\.local\/share\/peregrine\/store\.duckdb$/);
    assert.equal(
      resolveStorePath(undefined, { PEREGRINE_STORE: '/s/x.duckdb', XDG_DATA_HOME: '/data' }),
      '/s/x.duckdb',
    );
    assert.equal(resolveStorePath('/flag.duckdb', { PEREGRINE_STORE: '/s/x.duckdb' }), '/flag.duckdb');
  });
});

describe('append', () => {
  test('documents of any shape are kept verbatim; typed columns are filled; re-append replaces', async () => {
    const path = join(tempDir(), 's.duckdb');
    await withStore(path, 'write', async (s) => {
      const docs = [
        {
          '@timestamp': '2021-01-01T00:00:00.123456789Z',
          process: { pid: 4, name: 'a', args: 'single' },
          tags: ['x', 'y'],
        },
        {
          '@timestamp': 1609459200000,
          'process.name': 'dotted',
          custom: { deep: { field: [1, { two: 2 }] } },
        },
        { '@timestamp': '2021-01-01T01:00:00+01:00', process: { pid: '17', name: ['m1', 'm2'] } },
      ];
      const r1 = await s.append('idx-a', docs);
      assert.deepEqual([r1.accepted, r1.created, r1.updated, r1.rejected], [3, 3, 0, 0]);
      const r2 = await s.append('idx-a', docs);
      assert.deepEqual([r2.accepted, r2.created, r2.updated], [3, 0, 3]);
      assert.deepEqual(await s.indices(), [{ name: 'idx-a', docs: 3 }]);
      const rows = await s.all(
        `SELECT "@timestamp"::VARCHAR AS ts, "process.pid" AS pid, "process.name" AS name, "process.args" AS args, tags, _irregular, _source FROM ecs_docs ORDER BY _source`,
      );
      const bySource = new Map(rows.map((r) => [r._source as string, r]));
      for (const d of docs) assert.ok(bySource.has(JSON.stringify(d)), 'the document text is kept as given');
      const r0 = bySource.get(JSON.stringify(docs[0]))!;
      assert.deepEqual(
        [r0.ts, r0.pid, r0.name, r0.args, r0.tags, r0._irregular],
        ['2021-01-01 00:00:00.123456', '4', 'a', ['single'], ['x', 'y'], false],
      );
      const rd = bySource.get(JSON.stringify(docs[1]))!;
      assert.deepEqual(
        [rd.ts, rd._irregular],
        ['2021-01-01 00:00:00', true],
        'epoch millis; dotted keys make a row irregular',
      );
      const rm = bySource.get(JSON.stringify(docs[2]))!;
      assert.deepEqual(
        [rm.ts, rm.pid, rm._irregular],
        ['2021-01-01 00:00:00', '17', true],
        'offsets converted to UTC; an array in a scalar column is irregular',
      );
    });
  });

  test('malformed lines and non-objects are rejected with file:line and reason; the rest is stored', async () => {
    const path = join(tempDir(), 's.duckdb');
    await withStore(path, 'write', async (s) => {
      const lines = ['{"a":1}', '{"a":', '[1,2]', '"text"', 'null', '{"b":2}'];
      const r = await s.appendRecords(
        lines.map((source, i) => ({ source, file: 0, line: i + 1 })),
        { index: 'mixed', files: ['in.ndjson'], batchSize: 2 },
      );
      assert.equal(r.accepted, 2);
      assert.equal(r.rejected, 4);
      assert.deepEqual(
        r.rejections.map((x) => `${x.file}:${x.line} ${x.reason.replace(/:.*/, '')}`),
        [
          'in.ndjson:2 malformed JSON',
          'in.ndjson:3 the document is an array, not a JSON object',
          'in.ndjson:4 the document is a string, not a JSON object',
          'in.ndjson:5 the document is null, not a JSON object',
        ],
      );
      assert.deepEqual(await s.indices(), [{ name: 'mixed', docs: 2 }]);
    });
  });

  test('an invalid index name is refused', async () => {
    const path = join(tempDir(), 's.duckdb');
    await withStore(path, 'write', async (s) => {
      await assert.rejects(
        s.append('Bad Name', [{}]),
        (e: unknown) => e instanceof StoreError && e.code === 'E_STORE_INDEX_NAME',
      );
    });
  });

  test('large batches keep ids stable across runs (MD5 of the text when none is given)', async () => {
    const path = join(tempDir(), 's.duckdb');
    const docs = Array.from({ length: 25_000 }, (_, i) => ({
      '@timestamp': '2021-01-01T00:00:00Z',
      n: i % 20_000,
    }));
    await withStore(path, 'write', async (s) => {
      const r = await s.append('big', docs, { batchSize: 4096 });
      assert.equal(r.accepted, 25_000);
      assert.equal(r.created, 20_000, 'identical documents share an id');
      const again = await s.append('big', docs.slice(0, 100));
      assert.equal(again.created, 0);
      assert.deepEqual(await s.indices(), [{ name: 'big', docs: 20_000 }]);
    });
  });
});

describe('opening', () => {
  test('a missing store read-only, and a file that is not a store, are clear StoreErrors', async () => {
    const dir = tempDir();
    await assert.rejects(
      openStore(join(dir, 'none.duckdb')),
      (e: unknown) =>
        e instanceof StoreError && e.code === 'E_STORE_MISSING' && /peregrine ingest/.test(e.hint ?? ''),
    );
    const junk = join(dir, 'junk.duckdb');
    writeFileSync(junk, 'this is not a database\n'.repeat(100));
    await assert.rejects(
      openStore(junk),
      (e: unknown) => e instanceof StoreError && e.code === 'E_STORE_UNREADABLE',
    );
    await assert.rejects(
      openStore(junk, { mode: 'write' }),
      (e: unknown) => e instanceof StoreError && e.code === 'E_STORE_UNREADABLE',
    );
  });

  test('a writer in another process holds the store: readers wait, then fail naming its pid and start time', async () => {
    const path = join(tempDir(), 'locked.duckdb');
    await withStore(path, 'write', (s) => s.append('seed', [{ a: 1 }]));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'lock-holder.ts'), path],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const out: string[] = [];
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out.push(String(d));
        if (out.join('').includes('holding')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
    });
    try {
      await assert.rejects(
        openStore(path, { mode: 'read', lockTimeoutMs: 300 }),
        (e: unknown) =>
          e instanceof StoreError &&
          e.code === 'E_STORE_LOCKED' &&
          e.message.includes(`locked by pid ${child.pid}`) &&
          /writing since \d{4}-\d\d-\d\dT/.test(e.message),
      );
      await assert.rejects(
        openStore(path, { mode: 'write', lockTimeoutMs: 200 }),
        (e: unknown) => e instanceof StoreError && e.code === 'E_STORE_LOCKED',
      );
      // a reader that waits long enough gets in once the writer is done
      const waiting = openStore(path, { mode: 'read', lockTimeoutMs: 60_000 });
      child.stdin.write('release\n');
      const s = await waiting;
      try {
        assert.deepEqual(await s.indices(), [
          { name: 'held', docs: 1 },
          { name: 'seed', docs: 1 },
        ]);
      } finally {
        await s.close();
      }
    } finally {
      child.kill();
    }
  });
});
