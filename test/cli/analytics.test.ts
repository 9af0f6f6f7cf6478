// `peregrine analytics`: the built-ins with their WITH arguments, the profiles of the configured files (a Python
// analytic and a TypeScript module), the interfaces — as text and as --json.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'peregrine-cli-analytics-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'analytics.yaml'),
  `profiles:\n  score: {module: score.py, func: run}\n  rare: {module: ${join(ROOT, 'examples', 'analytics', 'rare-names.ts')}}\n`,
);

function run(...args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'peregrine.js'), 'analytics', ...args], {
    encoding: 'utf8',
    env: { ...process.env, HOME: dir, PEREGRINE_ANALYTICS_CONFIG: join(dir, 'analytics.yaml') },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('peregrine analytics --json lists built-ins with their arguments, profiles and interfaces', () => {
  const out = JSON.parse(run('--json')) as {
    builtins: { name: string; uri: string; args: { name: string; type: string }[] }[];
    python: { name: string; uri: string; module: string; func: string }[];
    interfaces: { scheme: string }[];
  };
  const deob = out.builtins.find((b) => b.name === 'deobfuscate');
  assert.deepEqual(
    deob?.args.map((a) => [a.name, a.type]),
    [['attrs', 'list']],
  );
  assert.equal(deob?.uri, 'analytics://deobfuscate');
  assert.deepEqual(
    out.python.map((p) => [p.name, p.uri, p.func]),
    [
      ['score', 'python://score', 'run'],
      ['rare', 'rare', 'analytics'],
    ],
  );
  assert.equal(out.python[0]!.module, join(dir, 'score.py'));
  assert.deepEqual(
    out.interfaces.map((i) => i.scheme),
    ['analytics://NAME', 'python://NAME', 'docker://NAME', 'exec://PATH', 'file://PATH'],
  );
});

test('peregrine analytics prints each built-in with a WITH line per argument', () => {
  const out = run();
  assert.match(out, /^ {2}deobfuscate\n {6}decodes .*\n {6}WITH attrs=<list> {2}only these attributes/m);
  assert.match(out, /^ {2}python:\/\/score {2}\S+score\.py \(run\) from /m);
  assert.match(out, /^ {2}rare {2}\S+rare-names\.ts from /m);
});
