/**
 * The processor end to end on real traces with the shipped ttps.yaml: tees, alert vs enrich mode, live record
 * streams as input, the file and local (embedded store) exporters, and the CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readSysFlowFile } from '../../../../src/telemetry/sysflow/format/index.ts';
import {
  Pipeline,
  parsePipelineConfig,
  pipelineFromFlags,
  loadPolicyStage,
} from '../../../../src/telemetry/sysflow/processor/index.ts';
import { createExporter } from '../../../../src/telemetry/sysflow/export/registry.ts';
import { openStore } from '../../../../src/store/ecs/index.ts';
import { TelemetryError } from '../../../../src/errors/index.ts';
import { ROOT, TRACES } from '../helpers.ts';

const TTPS = join(ROOT, 'data', 'policies', 'ttps.yaml');
const SHELLSHOCK = join(TRACES, 'shellshock.sf');
const dir = mkdtempSync(join(tmpdir(), 'peregrine-sfp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const deps = { loadPolicy: loadPolicyStage, createExporter };
const lines = (p: string): string[] => readFileSync(p, 'utf8').split('\n').filter(Boolean);

test('tee: one alert-mode engine feeding a json file and an ecs file; both get every alert', async () => {
  const a = join(dir, 'tee-a.jsonl');
  const b = join(dir, 'tee-b.jsonl');
  const text = JSON.stringify({
    pipeline: [
      { processor: 'sysflowreader', in: 'sysflow sysflowchan', out: 'flat flattenerchan' },
      {
        processor: 'policyengine',
        in: 'flat flattenerchan',
        out: ['a eventchan', 'b eventchan'],
        policies: TTPS,
        mode: 'alert',
      },
      { processor: 'exporter', in: 'a eventchan', export: 'file', format: 'json', 'file.path': a },
      { processor: 'exporter', in: 'b eventchan', export: 'file', format: 'ecs', 'file.path': b },
    ],
  });
  const p = await Pipeline.build(parsePipelineConfig(text, 'tee.json', {}), deps);
  await p.run([{ kind: 'file', path: SHELLSHOCK }]);
  const stats = await p.close();
  assert.equal(stats.events, 56, 'shellshock has 56 event records (see record-counts.txt)');
  const ja = lines(a).map((l) => JSON.parse(l) as { type: string; policies: unknown[] });
  const jb = lines(b).map((l) => JSON.parse(l) as { event: { kind: string }; rule: unknown });
  assert.ok(ja.length > 0);
  assert.equal(ja.length, jb.length);
  assert.equal(stats.filtered, stats.events - ja.length);
  assert.ok(ja.every((d) => d.policies.length > 0));
  assert.ok(jb.every((d) => d.event.kind === 'alert' && d.rule));
  assert.deepEqual(
    stats.exporters.map((e) => e.written),
    [ja.length, jb.length],
  );
});

test('enrich mode passes every record; alerts are the matched subset', async () => {
  const out = join(dir, 'enrich.jsonl');
  const cfg = pipelineFromFlags(
    {
      policy: [TTPS],
      mode: 'enrich',
      export: ['file'],
      format: 'ecs',
      exporterOptions: { 'file.path': out },
    },
    {},
  );
  const p = await Pipeline.build(cfg, deps);
  await p.run([{ kind: 'file', path: SHELLSHOCK }]);
  const stats = await p.close();
  const docs = lines(out).map((l) => JSON.parse(l) as { event: { kind: string } });
  assert.equal(docs.length, stats.events - stats.dropped);
  const alerts = docs.filter((d) => d.event.kind === 'alert').length;
  assert.equal(alerts, stats.exporters[0].alerts);
  assert.ok(alerts > 0 && alerts < docs.length);
});

test('input: a live async stream of records (the collector) is processed like a file', async () => {
  async function* live() {
    for await (const r of readSysFlowFile(SHELLSHOCK)) {
      await new Promise((res) => setImmediate(res));
      yield r;
    }
  }
  const cfg = pipelineFromFlags({ policy: [TTPS], mode: 'alert', export: ['null'] }, {});
  const fromFile = await Pipeline.build(cfg, deps);
  await fromFile.run([{ kind: 'file', path: SHELLSHOCK }]);
  const fileStats = await fromFile.close();
  const fromLive = await Pipeline.build(cfg, deps);
  await fromLive.run([{ kind: 'records', name: 'collector', records: live() }]);
  const liveStats = await fromLive.close();
  assert.equal(liveStats.events, fileStats.events);
  assert.deepEqual(liveStats.exporters, fileStats.exporters);
});

test('a policyengine stage without a policy engine is refused; a missing policy file is an InputError', async () => {
  const cfg = pipelineFromFlags({ policy: [TTPS], export: ['null'] }, {});
  await assert.rejects(
    Pipeline.build(cfg, { createExporter }),
    (e) => e instanceof TelemetryError && e.code === 'E_POLICY_UNAVAILABLE',
  );
  const missing = pipelineFromFlags({ policy: [join(dir, 'nope.yaml')], export: ['null'] }, {});
  await assert.rejects(
    Pipeline.build(missing, deps),
    (e) => (e as { code?: string }).code === 'E_POLICY_FILE',
  );
});

test('local exporter: alerts and events land in the embedded store, re-export replaces instead of doubling', async () => {
  const store = join(dir, 'store.duckdb');
  const cfg = pipelineFromFlags(
    {
      policy: [TTPS],
      mode: 'enrich',
      export: ['local'],
      exporterOptions: { 'local.path': store, 'local.index': 'container1-sysflow' },
    },
    {},
  );
  let stats;
  for (let run = 0; run < 2; run++) {
    const p = await Pipeline.build(cfg, deps);
    await p.run([{ kind: 'file', path: SHELLSHOCK }]);
    stats = await p.close();
  }
  const s = await openStore(store, { mode: 'read' });
  try {
    const idx = Object.fromEntries((await s.indices()).map((i) => [i.name, i.docs]));
    const alerts = stats!.exporters[0].alerts;
    assert.equal(idx['container1-sysflow-alerts'], alerts);
    assert.equal(idx['container1-sysflow-events'], stats!.events - stats!.dropped - alerts);
  } finally {
    await s.close();
  }
});

test('CLI: sysflow process with short flags writes ECS alerts; sysflow read takes stdin', () => {
  const out = join(dir, 'cli.jsonl');
  const r = spawnSync(
    process.execPath,
    [
      'bin/peregrine.js',
      'sysflow',
      'process',
      '-p',
      TTPS,
      '-m',
      'alert',
      '-e',
      'file',
      '-o',
      out,
      '-f',
      'ecs',
      SHELLSHOCK,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /56 events read/);
  const docs = lines(out).map((l) => JSON.parse(l) as { event: { kind: string }; tags: string[] });
  assert.ok(docs.length > 0 && docs.every((d) => d.event.kind === 'alert' && d.tags.length > 0));

  const rd = spawnSync(process.execPath, ['bin/peregrine.js', 'sysflow', 'read', '-f', 'jsonl', '-'], {
    cwd: ROOT,
    input: readFileSync(SHELLSHOCK),
    encoding: 'utf8',
  });
  assert.equal(rd.status, 0, rd.stderr);
  assert.equal(
    rd.stdout.split('\n').filter(Boolean).length,
    90,
    'shellshock has 90 records (see record-counts.txt)',
  );

  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"pipeline": [{"processor": "sysflowreader", "in": "a b", "out": "c d"}]}');
  const e = spawnSync(
    process.execPath,
    ['bin/peregrine.js', 'sysflow', 'process', '--config', bad, SHELLSHOCK],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(e.status, 1);
  assert.match(e.stderr, /nothing consumes channel "c"/);
  assert.doesNotMatch(e.stderr, /at .*\.ts:\d+/, 'no stack trace');
});

test("CLI: --compat sf-processor gives sf-processor's 80 alerts on k8s_small.sf; each rule that depends on the reading is named once, at start", () => {
  const K8S = join(TRACES, 'k8s_small.sf');
  const run = (...extra: string[]) =>
    spawnSync(
      process.execPath,
      ['bin/peregrine.js', 'sysflow', 'process', '-p', TTPS, '-m', 'alert', '-e', 'null', ...extra, K8S],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
  const warnings = (stderr: string): string[] =>
    stderr.split('\n').filter((l) => l.includes('warning[W_POLICY_READING]'));
  const plain = run();
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stderr, /61 alerts/);
  const compat = run('--compat', 'sf-processor');
  assert.equal(compat.status, 0, compat.stderr);
  assert.match(compat.stderr, /80 alerts/);
  for (const r of [plain, compat]) {
    const w = warnings(r.stderr);
    assert.equal(w.length, 4, r.stderr);
    assert.ok(
      r.stderr.indexOf('warning[') < r.stderr.indexOf('sysflow process:'),
      'warnings come before the summary',
    );
    const setuid = w.find((l) => l.includes("rule 'Non sudo setuid'"));
    assert.match(
      setuid ?? '',
      /^.*ttps\.yaml:\d+: warning\[W_POLICY_READING\]: rule 'Non sudo setuid' depends on 'sf\.proc\.username' \(.*ttps\.yaml:\d+:\d+ via macro 'known_user_in_container'/,
    );
    assert.match(setuid ?? '', /--compat sf-processor/);
  }
  assert.match(
    warnings(plain.stderr)[0],
    /evaluated as Peregrine does; --compat sf-processor evaluates it as sf-processor does$/,
  );
  assert.match(warnings(compat.stderr)[0], /evaluated as sf-processor does \(--compat sf-processor\)$/);

  // --compat overrides the key of every policy stage of a pipeline file; a bad value is a positioned error.
  const cfg = join(dir, 'compat.json');
  const stage = (compat: string) =>
    JSON.stringify({
      pipeline: [
        { processor: 'sysflowreader', in: 'sysflow sysflowchan', out: 'flat flattenerchan' },
        {
          processor: 'policyengine',
          in: 'flat flattenerchan',
          out: 'evt eventchan',
          policies: TTPS,
          mode: 'alert',
          compat,
        },
        { processor: 'exporter', in: 'evt eventchan', export: 'null' },
      ],
    });
  writeFileSync(cfg, stage('peregrine'));
  const viaFile = spawnSync(
    process.execPath,
    ['bin/peregrine.js', 'sysflow', 'process', '-c', cfg, '--compat', 'sf-processor', K8S],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  assert.equal(viaFile.status, 0, viaFile.stderr);
  assert.match(viaFile.stderr, /80 alerts/);
  writeFileSync(cfg, stage('sf-processor'));
  const keyOnly = spawnSync(process.execPath, ['bin/peregrine.js', 'sysflow', 'process', '-c', cfg, K8S], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.match(keyOnly.stderr, /80 alerts/);
  const bad = run('--compat', 'sfprocessor');
  assert.equal(bad.status, 1);
  assert.match(
    bad.stderr,
    /error\[E_INPUT_FLAG\]: unknown --compat sfprocessor\nhint: --compat is sf-processor/,
  );
});

test('CLI: reading warnings print policy text sanitised (no raw control characters reach the terminal)', () => {
  const policy = join(dir, 'evil.yaml');
  writeFileSync(
    policy,
    `- rule: "evil\u001b[31m rule"\n  desc: d\n  condition: sf.proc.user\u0007name != root\n  priority: low\n`,
  );
  const r = spawnSync(
    process.execPath,
    ['bin/peregrine.js', 'sysflow', 'process', '-p', policy, '-m', 'alert', '-e', 'null', SHELLSHOCK],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!r.stderr.includes('\u0007') && !r.stderr.includes('\u001b'), 'no raw BEL or ESC');
  assert.match(r.stderr, /rule 'evil\\u001b\[31m rule' depends on 'sf\.proc\.user\\u0007name'/);
});
