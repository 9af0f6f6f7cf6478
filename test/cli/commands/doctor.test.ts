/**
 * `peregrine doctor` through the real CLI: it checks `local` profiles (the embedded store), a profile that cannot be
 * read is one failure among the others' findings, and what profiles hold reaches the terminal escaped.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'peregrine-doctor-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function cli(args: string[], env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', HOME: tmp };
  for (const k of Object.keys(base)) if (k.startsWith('STIXSHIFTER_') || k.startsWith('KESTREL_')) delete base[k];
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/peregrine.js'), ...args], {
    cwd: tmp,
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `status  check` of every finding about stixshifter profiles. */
function findings(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.includes('stixshifter://'))
    .map((l) => l.replace(/^(\S+)\s+(\S+ \S+?):.*$/, '$1 $2'));
}

test('doctor checks local profiles, and one broken profile does not stop it checking the others', () => {
  const store = join(tmp, 'store.duckdb');
  writeFileSync(join(tmp, 'd.ndjson'), '{"@timestamp": "2024-01-01T00:00:00Z", "process": {"name": "a"}}\n');
  const ing = cli(['ingest', '--index', 'ev-1', '--store', store, 'd.ndjson'], {});
  assert.equal(ing.code, 0, ing.stderr);
  const r = cli(['doctor'], {
    STIXSHIFTER_BAD_CONNECTION: '{"host": ',
    STIXSHIFTER_HOSTILE_CONNECTOR: 'local',
    STIXSHIFTER_HOSTILE_CONNECTION: JSON.stringify({ path: store, indices: 'ev-\u001b]0;owned\u0007\u202e*' }),
    STIXSHIFTER_LOC_CONNECTOR: 'local',
    STIXSHIFTER_LOC_CONNECTION: JSON.stringify({ path: store, indices: 'ev-*' }),
    STIXSHIFTER_NOPE_CONNECTOR: 'local',
    STIXSHIFTER_NOPE_CONNECTION: JSON.stringify({ path: join(tmp, 'missing.duckdb') }),
    STIXSHIFTER_REFUSED_CONNECTOR: 'elastic_ecs',
    STIXSHIFTER_REFUSED_CONNECTION: '{"host": "127.0.0.1", "port": 1, "indices": "a"}',
    STIXSHIFTER_SILLY_CONNECTOR: 'elastic_ecs',
    STIXSHIFTER_SILLY_CONNECTION: '{"host": "not an ip!!", "port": 9200, "indices": "a"}',
  });
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stdout + r.stderr, /internal error|Invalid URL/);
  assert.equal(RAW.exec(r.stdout + r.stderr), null, 'no raw control character');
  assert.deepEqual(findings(r.stdout), [
    'FAIL stixshifter://bad profile',
    'ok stixshifter://refused profile',
    'FAIL stixshifter://refused reachable',
    'skip stixshifter://refused auth',
    'skip stixshifter://refused indices',
    'FAIL stixshifter://silly profile',
    'ok stixshifter://hostile profile',
    'ok stixshifter://hostile store',
    'FAIL stixshifter://hostile indices',
    'ok stixshifter://loc profile',
    'ok stixshifter://loc store',
    'ok stixshifter://loc indices',
    'ok stixshifter://nope profile',
    'FAIL stixshifter://nope store',
  ]);
  assert.match(r.stdout, /ev-\\u001b\]0;owned\\u0007\\u202e\*/, 'the hostile index pattern is shown escaped');
  assert.match(r.stdout, /"ev-\*": 1 index\(es\), 1 documents/);

  const one = cli(['doctor', '-p', 'loc'], {
    STIXSHIFTER_LOC_CONNECTOR: 'local',
    STIXSHIFTER_LOC_CONNECTION: JSON.stringify({ path: store, indices: 'ev-*' }),
  });
  assert.deepEqual(findings(one.stdout), [
    'ok stixshifter://loc profile',
    'ok stixshifter://loc store',
    'ok stixshifter://loc indices',
  ]);
  assert.doesNotMatch(one.stdout, /no elastic_ecs profile/);
});
