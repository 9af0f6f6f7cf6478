/**
 * Benchmarks that measure each phase in its own process (so a phase's peak RSS is its own): run this same script as
 * `--child MODE ARGS…` and read the JSON line the child prints last.
 */
import { spawnSync } from 'node:child_process';

/** Runs `script --child mode ...args` under tsx and returns the last line it printed, parsed. */
export function runChild<T>(script: string, mode: string, ...args: string[]): T {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--child', mode, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}
