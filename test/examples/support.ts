/** Shared by the huntbook tests: run an example as a new user would, from the repository root, as JSON. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface ExampleRun {
  displays: { rows: Record<string, unknown>[] }[];
  variables: { name: string; entities: number; records: number }[];
}

/** `peregrine run examples/NAME.hf --format json` from the repository root; fails the test on a non-zero exit. */
export function runExample(name: string): ExampleRun {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'peregrine.js'), 'run', `examples/${name}.hf`, '--format', 'json'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ExampleRun;
}
