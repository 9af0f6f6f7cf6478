/**
 * The compiled command equals the sources: bin/peregrine.js runs dist/ (built by `npm install`'s prepare script)
 * while it is fresh, else src/ through tsx. Each case runs once each way (PEREGRINE_RUN=dist / src) and must print
 * the same stdout and stderr and exit alike. The cases reach what a module finds beside itself — the STIX ↔ ECS
 * map and field types, the huntflow runtime with DuckDB, a TypeScript analytic module, Sigma's mappings — so a
 * data file the build did not carry, or a path that does not hold from dist/, shows up as a difference.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { staleReason } from '../../bin/source-state.js';
import { STIX_SHIFTER_DATA } from '../support/data.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'peregrine.js');
const tmp = mkdtempSync(join(tmpdir(), 'peregrine-bin-'));
/** Timestamps from this time on come from the clock of a run. */
const STARTED = Date.now() - 1000;

function peregrine(run: 'dist' | 'src', args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: tmp,
    input,
    encoding: 'utf8',
    env: { ...process.env, PEREGRINE_RUN: run, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  // A developer's checkout may hold edits newer than dist/: build it (the build swaps dist/ in whole).
  if (staleReason(ROOT) !== undefined) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--quiet'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
  }
  writeFileSync(
    join(tmp, 'mark.ts'),
    [
      'interface Row { readonly id: string; readonly [k: string]: unknown }',
      'export default function mark(input: { variables: readonly { rows: readonly Row[] }[] }) {',
      '  return { entities: input.variables.flatMap((v) => v.rows.map((r) => ({ id: r.id, x_mark: `port ${String(r.src_port)}` }))) };',
      '}',
    ].join('\n'),
  );
  const bundle = join(ROOT, 'data', 'examples', 'test_bundle.json');
  writeFileSync(
    join(tmp, 'hunt.hf'),
    `conns = GET network-traffic FROM file://${bundle} WHERE [network-traffic:dst_port = 22] ` +
      `START t'2020-06-30T19:25:00Z' STOP t'2020-06-30T19:26:00Z'\n` +
      'APPLY file://mark.ts ON conns\n' +
      'users = FIND user-account LINKED conns\n' +
      'DISP conns ATTR src_port, dst_port, x_mark SORT BY src_port LIMIT 5\n' +
      'DISP users\n',
  );
  writeFileSync(join(tmp, 'bad.hf'), "procs = GET process FROM file://x.json WHERE [ = 'node']\n");
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('dist/ carries every file of src/ that is not TypeScript, unchanged', () => {
  const missing: string[] = [];
  (function walk(dir: string): void {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.ts')) {
        const rel = relative(join(ROOT, 'src'), p);
        let copy: Buffer | undefined;
        try {
          copy = readFileSync(join(ROOT, 'dist', rel));
        } catch {
          copy = undefined;
        }
        if (!copy?.equals(readFileSync(p))) missing.push(rel);
      }
    }
  })(join(ROOT, 'src'));
  assert.deepEqual(missing, []);
});

const results = JSON.parse(readFileSync(join(STIX_SHIFTER_DATA, 'elastic_ecs_results.json'), 'utf8')) as {
  data_source_identity_used: unknown;
  entries: { input_ecs_doc: unknown }[];
};

/**
 * What differs between any two runs — run timings, random UUIDs (numbered in order of appearance, so references
 * between objects still have to agree), times taken from the clock — is masked; everything else must not differ.
 */
function untimed(s: string): string {
  const ids = new Map<string, number>();
  return s
    .replace(/"timeMs": \d+/g, '"timeMs": 0')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, (t) => (Date.parse(t) >= STARTED ? 'NOW' : t))
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (u) => {
      if (!ids.has(u)) ids.set(u, ids.size);
      return `uuid#${ids.get(u)}`;
    });
}

const CASES: { name: string; args: string[]; input?: string; status?: number }[] = [
  { name: '--version', args: ['--version'] },
  { name: '--help', args: ['--help'] },
  {
    name: 'shifter translate query',
    args: [
      'shifter',
      'translate',
      'elastic_ecs',
      'query',
      '{}',
      "[process:name = 'bash'] START t'2021-10-17T00:00:00Z' STOP t'2021-10-18T00:00:00Z'",
    ],
  },
  {
    name: 'shifter translate results',
    args: [
      'shifter',
      'translate',
      'elastic_ecs',
      'results',
      JSON.stringify(results.data_source_identity_used),
      JSON.stringify(results.entries.map((e) => e.input_ecs_doc)),
    ],
  },
  {
    name: 'shifter translate results from standard input',
    args: ['shifter', 'translate', 'elastic_ecs', 'results', '{}', '-', '{"stix_2.1": true}'],
    input: JSON.stringify(results.entries.map((e) => e.input_ecs_doc)),
  },
  { name: 'a hunt: GET, a TypeScript analytic, FIND, DISP', args: ['run', '--format', 'json', 'hunt.hf'] },
  { name: 'a syntax error, positioned', args: ['run', 'bad.hf'], status: 1 },
  { name: 'an unknown command', args: ['hnut'], status: 1 },
  { name: 'sigma export', args: ['sigma', 'export', 'hunt.hf'] },
];

for (const c of CASES)
  test(`dist/ and the sources agree: ${c.name}`, () => {
    const dist = peregrine('dist', c.args, c.input);
    const src = peregrine('src', c.args, c.input);
    assert.equal(dist.status, c.status ?? 0, dist.stderr);
    assert.deepEqual({ ...dist, stdout: untimed(dist.stdout) }, { ...src, stdout: untimed(src.stdout) });
    assert.ok(dist.stdout.length + dist.stderr.length > 0, 'the command printed nothing');
  });

test('a source newer than the build makes the bin run the sources; PEREGRINE_RUN=dist then refuses', () => {
  const file = join(ROOT, 'src', 'cli', 'main.ts');
  const was = statSync(file);
  try {
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(file, was.atime, future);
    assert.match(staleReason(ROOT) ?? '', /newer than dist/);
    const r = peregrine('dist', ['--version']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /E_DIST_STALE.*newer than dist/);
    const auto = spawnSync(process.execPath, [BIN, '--version'], {
      encoding: 'utf8',
      env: { ...process.env, PEREGRINE_RUN: '' },
    });
    assert.equal(auto.stdout.trim(), '0.1.0');
  } finally {
    utimesSync(file, was.atime, was.mtime);
  }
  assert.equal(staleReason(ROOT), undefined);
});
