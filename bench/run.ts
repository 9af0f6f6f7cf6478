/**
 * `npm run bench [-- NAME [ARGS…]]`: lists the benchmarks in bench/, or runs one (each prints its figures as ratios
 * against a baseline measured in the same run; see docs/performance.md for recorded results).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (!name) {
  process.stdout.write(`benchmarks (npm run bench -- NAME [ARGS…]):\n${benches.map((b) => `  ${b}`).join('\n')}\n`);
} else if (!benches.includes(name)) {
  process.stderr.write(`unknown benchmark "${name}"; known: ${benches.join(', ')}\n`);
  process.exitCode = 2;
} else {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, `${name}.ts`), ...args], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
}
