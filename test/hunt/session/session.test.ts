/**
 * The session API end to end on the real cache (DuckDB) and the real bundle connector: cancellation leaves the
 * session usable, SAVE/LOAD round-trips, variables() reports summaries, and `peregrine run --json` prints one
 * document with the Kestrel counts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CancelledError } from '../../../src/errors/index.ts';
import { HuntSession } from '../../../src/hunt/session/index.ts';
import { KESTREL_TEST_DATA } from '../../support/data.ts';

const TD = KESTREL_TEST_DATA;
const tmp = mkdtempSync(join(tmpdir(), 'peregrine-hunt-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('an aborted execution throws CancelledError and the session stays usable', async () => {
  const s = await HuntSession.create();
  try {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      s.execute(`x = GET process FROM file://${TD}/doctored-1k.json WHERE name = 'cmd.exe'`, {
        signal: ac.signal,
      }),
      CancelledError,
    );
    const ac2 = new AbortController();
    const pending = s.execute(`x = GET process FROM file://${TD}/doctored-1k.json WHERE name LIKE '%'`, {
      signal: ac2.signal,
    });
    ac2.abort();
    await assert.rejects(pending, CancelledError);
    assert.deepEqual(s.variables(), []);
    const r = await s.execute(`a = GET process FROM file://${TD}/doctored-1k.json WHERE name = "cmd.exe"`);
    assert.deepEqual(
      r.summary.map((v) => [v.name, v.entities, v.records]),
      [['a', 14, 14]],
    );
  } finally {
    await s.close();
  }
});

test('cancelling during a GET interrupts the ingest, assigns nothing, and the session stays usable', async () => {
  const file = join(tmp, 'big.json');
  const objs: string[] = [];
  for (let i = 0; i < 12000; i++) {
    objs.push(
      JSON.stringify({
        type: 'observed-data',
        id: `observed-data--${i}`,
        first_observed: '2020-06-30T19:25:00Z',
        last_observed: '2020-06-30T19:25:00Z',
        number_observed: 1,
        objects: {
          '0': { type: 'ipv4-addr', value: `10.0.${i >> 8}.${i & 255}` },
          '1': { type: 'network-traffic', src_ref: '0', dst_port: 22 },
        },
      }),
    );
  }
  writeFileSync(file, `{"type":"bundle","id":"bundle--1","objects":[${objs.join(',')}]}`);
  const s = await HuntSession.create();
  try {
    const ac = new AbortController();
    let progress = 0;
    await assert.rejects(
      s.execute(`big = GET network-traffic FROM file://${file} WHERE dst_port = 22`, {
        signal: ac.signal,
        onProgress: () => {
          progress++;
          ac.abort();
        },
      }),
      CancelledError,
    );
    assert.ok(progress >= 1);
    assert.deepEqual(s.variables(), []);
    const r = await s.execute(`small = GET network-traffic FROM file://${file} WHERE dst_port = 22 LIMIT 10`);
    assert.deepEqual(
      r.summary.map((v) => [v.name, v.entities, v.records]),
      [['small', 10, 10]],
    );
  } finally {
    await s.close();
  }
});

test('variables() keeps every variable across executions; displays stream through onDisplay', async () => {
  const s = await HuntSession.create({ timeWindowMinutes: 1 });
  try {
    await s.execute(`conns = GET network-traffic FROM file://${TD}/test_bundle.json WHERE dst_port = 22`);
    const seen: unknown[] = [];
    const r = await s.execute('srcs = FIND ipv4-addr CREATED conns\nDISP srcs ATTR value LIMIT 2', {
      onDisplay: (d) => seen.push(d),
    });
    assert.equal(seen.length, 1);
    assert.deepEqual(r.displays, seen);
    assert.deepEqual(
      s.variables().map((v) => [v.name, v.type, v.entities]),
      [
        ['conns', 'network-traffic', 29],
        ['srcs', 'ipv4-addr', 24],
      ],
    );
    assert.equal(s.variables()[0]?.related['ipv4-addr'], 58);
    assert.equal(s.variables()[0]?.related['user-account'], 29);
  } finally {
    await s.close();
  }
});

for (const ext of ['csv', 'json', 'parquet']) {
  test(`SAVE to ${ext} and LOAD back gives the same entities`, async () => {
    const s = await HuntSession.create();
    try {
      const path = join(tmp, `conns.${ext}`);
      await s.execute(
        `conns = GET network-traffic FROM file://${TD}/test_bundle.json WHERE dst_port = 22\nSAVE conns TO ${path}`,
      );
      const r = await s.execute(
        `back = LOAD ${path} AS network-traffic\nDISP back ATTR src_port, dst_port SORT BY src_port ASC LIMIT 1`,
      );
      assert.equal(r.summary[0]?.entities, 29);
      const d = r.displays[0];
      assert.equal(d?.kind, 'table');
      if (d?.kind === 'table') assert.deepEqual(d.rows, [[49468, 22]]);
    } finally {
      await s.close();
    }
  });
}

test('peregrine run --json prints one document with variables and displays', () => {
  const file = join(tmp, 'flow.hf');
  writeFileSync(
    file,
    `conns = GET network-traffic FROM file://${TD}/test_bundle.json WHERE dst_port = 22\ng = GROUP conns BY dst_port\nDISP g\n`,
  );
  const r = spawnSync(process.execPath, ['bin/peregrine.js', 'run', file, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    variables: { name: string; type: string; entities: number; records: number }[];
    displays: unknown[];
  };
  assert.deepEqual(
    doc.variables.map((v) => [v.name, v.type, v.entities, v.records]),
    [
      ['conns', 'network-traffic', 29, 29],
      ['g', 'network-traffic', 1, 1],
    ],
  );
  assert.deepEqual(doc.displays, [
    {
      kind: 'table',
      title: 'DISP g',
      columns: ['dst_port', 'number_observed'],
      rows: [{ dst_port: 22, number_observed: 29 }],
    },
  ]);
});

test('peregrine run exits non-zero with a positioned error', () => {
  const file = join(tmp, 'bad.hf');
  writeFileSync(
    file,
    `conns = GET network-traffic FROM file://${TD}/test_bundle.json WHERE dst_port = 22\nDISP conn\n`,
  );
  const r = spawnSync(process.execPath, ['bin/peregrine.js', 'run', file], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /bad\.hf:2:6: error\[E_UNKNOWN_VARIABLE\]/);
  assert.match(r.stderr, /did you mean "conns"/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
});

test('columns of grouped variables are known in later executions (no spurious attribute warnings)', async () => {
  const s = await HuntSession.create();
  try {
    await s.execute(
      `conns = GET network-traffic FROM file://${TD}/test_bundle.json WHERE dst_port < 10000\ng = GROUP conns BY dst_port WITH COUNT(src_port) AS n`,
    );
    const r = await s.execute('DISP g ATTR dst_port, n SORT BY n LIMIT 1');
    assert.deepEqual(r.warnings, []);
    const d = r.displays[0];
    if (d?.kind === 'table') assert.deepEqual(d.rows, [[514, 40]]);
    const w = await s.execute('DISP g ATTR nn');
    assert.equal(w.warnings[0]?.code, 'W_UNKNOWN_ATTRIBUTE');
  } finally {
    await s.close();
  }
});

test('peregrine explain prints what was pushed to the source and what ran on the cache', () => {
  const file = join(tmp, 'explain.hf');
  writeFileSync(
    file,
    `conns = GET network-traffic FROM file://${TD}/test_bundle.json WHERE dst_port = 22 LIMIT 5\nsrcs = FIND ipv4-addr CREATED conns\n`,
  );
  const r = spawnSync(process.execPath, ['bin/peregrine.js', 'explain', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /conns \(network-traffic\) = GET\npushed to file:\/\/.*test_bundle\.json \(connector bundle\):\n {2}pattern: \[network-traffic:dst_port = 22\]\n {2}limit: 5 records\n {2}native query:/,
  );
  assert.match(
    r.stdout,
    /srcs \(ipv4-addr\) = FIND\non the cache: follow network-traffic\.src_ref from the entities of conns/,
  );
  assert.match(r.stdout, /time range: \[2020-06-30T19:2\d:\d\d\.\d+Z, 2020-06-30T19:3\d:\d\d\.\d+Z\)/);
});

test('the inferred time window follows timeWindowMinutes / PEREGRINE_TIME_WINDOW', async () => {
  const flow = `conns = GET network-traffic FROM file://${TD}/test_bundle.json WHERE dst_port = 22 START t'2020-06-30T19:25:00.000Z' STOP t'2020-06-30T19:25:30.000Z'
more = GET network-traffic FROM file://${TD}/test_bundle.json WHERE dst_port = conns.dst_port
EXPLAIN more`;
  const run = async (opts: { timeWindowMinutes?: number }): Promise<{ records: number; text: string }> => {
    const s = await HuntSession.create(opts);
    try {
      const r = await s.execute(flow);
      const d = r.displays[0];
      return {
        records: r.summary.find((v) => v.name === 'more')!.records,
        text: d?.kind === 'text' ? d.text : '',
      };
    } finally {
      await s.close();
    }
  };
  const narrow = await run({ timeWindowMinutes: 0 });
  const wide = await run({ timeWindowMinutes: 5 });
  assert.match(narrow.text, /inferred from conns ±0 min/);
  assert.match(wide.text, /inferred from conns ±5 min/);
  assert.equal(wide.records, 29);
  assert.ok(
    narrow.records < wide.records,
    `±0 min (${narrow.records}) should find fewer records than ±5 min (${wide.records})`,
  );
  process.env.PEREGRINE_TIME_WINDOW = '0';
  try {
    assert.equal((await run({})).records, narrow.records);
  } finally {
    delete process.env.PEREGRINE_TIME_WINDOW;
  }
});

test('a file-backed cache survives the session: reopened, it keeps observations and fetches nothing twice', async () => {
  const cachePath = join(tmp, 'cache.duckdb');
  const flow = `conns = GET network-traffic FROM file://${TD}/test_bundle.json WHERE dst_port = 22`;
  const s1 = await HuntSession.create({ cachePath });
  await s1.execute(flow);
  await s1.close();
  const s2 = await HuntSession.create({ cachePath });
  try {
    const r = await s2.execute(
      `${flow}\nall = GET network-traffic FROM file://${TD}/test_bundle.json WHERE dst_port < 10000\nDISP conns ATTR dst_port LIMIT 1`,
    );
    assert.deepEqual(
      r.summary.map((v) => [v.name, v.entities, v.records]),
      [
        ['conns', 29, 29],
        ['all', 100, 100],
      ],
    );
    assert.deepEqual(r.summary[0]?.related, { 'ipv4-addr': 58, 'network-traffic': 0, 'user-account': 29 });
  } finally {
    await s2.close();
  }
});

test('DISP row counts and columns follow Kestrel (test_timestamped_disp)', async () => {
  const s = await HuntSession.create();
  try {
    const r = await s.execute(
      [
        `conns = GET network-traffic FROM file://${TD}/test_bundle.json WHERE [network-traffic:dst_port = 22]`,
        'DISP conns',
        'DISP TIMESTAMPED(conns)',
        'DISP TIMESTAMPED(conns) LIMIT 5',
        'DISP TIMESTAMPED(conns) ATTR src_ref.value, src_port',
      ].join('\n'),
    );
    const tables = r.displays.map((d) => (d.kind === 'table' ? d : undefined));
    assert.deepEqual(
      tables.map((t) => t?.rows.length),
      [29, 29, 5, 29],
    );
    assert.ok(!tables[0]?.columns.includes('first_observed'));
    assert.equal(tables[1]?.columns[0], 'first_observed');
    assert.deepEqual(tables[3]?.columns, ['first_observed', 'src_ref.value', 'src_port']);
  } finally {
    await s.close();
  }
});
