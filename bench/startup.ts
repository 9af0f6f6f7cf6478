/**
 * Start-up and small calls of the `peregrine` command: each case is run as a fresh process, alternately through the
 * compiled JavaScript in dist/ (PEREGRINE_RUN=dist) and through the TypeScript sources under tsx (PEREGRINE_RUN=src),
 * and reported as CPU time of the whole process (user + system, all threads, read by a preloaded exit hook) and wall
 * time, each the median of the runs, as a ratio against `node -e 0` measured in the same run with the same hook.
 * Builds dist/ first when it is stale.
 *
 *     node --import tsx bench/startup.ts [RUNS]     (default 9)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleReason } from '../bin/source-state.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 9);
const tmp = mkdtempSync(join(tmpdir(), 'peregrine-startup-'));
const cpuFile = join(tmp, 'cpu');
const hook =
  "data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',()=>{const u=process.cpuUsage();" +
  'writeFileSync(process.env.PEREGRINE_BENCH_CPU,String(u.user+u.system))})';

if (staleReason(root) !== undefined) {
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.js'), '--quiet'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

const tiny = join(tmp, 'tiny.hf');
writeFileSync(
  tiny,
  `procs = GET process FROM file://${join(root, 'data/examples/test_bundle.json')} WHERE [process:name = 'svchost.exe']\n` +
    'DISP procs ATTR name, pid LIMIT 3\n',
);
const bin = join(root, 'bin/peregrine.js');
const cases: { name: string; args: string[] }[] = [
  { name: 'peregrine --version', args: [bin, '--version'] },
  {
    name: 'shifter translate elastic_ecs query',
    args: [bin, 'shifter', 'translate', 'elastic_ecs', 'query', '{}', "[process:name = 'bash']"],
  },
  { name: 'tiny hunt (GET from a file bundle, DISP)', args: [bin, 'run', tiny] },
];

interface Sample {
  cpuMs: number;
  wallMs: number;
}
function once(args: string[], run?: 'dist' | 'src'): Sample {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', hook, ...args], {
    cwd: tmp,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PEREGRINE_BENCH_CPU: cpuFile, PEREGRINE_RUN: run ?? '' },
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.toString()}`);
  return { cpuMs: Number(readFileSync(cpuFile, 'utf8')) / 1000, wallMs };
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const base: Sample[] = [];
const got = new Map<string, Sample[]>();
for (let i = 0; i < runs; i++) {
  base.push(once(['-e', '0']));
  for (const c of cases)
    for (const run of ['dist', 'src'] as const) {
      const k = `${c.name}|${run}`;
      if (!got.has(k)) got.set(k, []);
      got.get(k)!.push(once(c.args, run));
    }
}
const bCpu = median(base.map((s) => s.cpuMs));
const bWall = median(base.map((s) => s.wallMs));
const row = (name: string, s: Sample[]): string => {
  const cpu = median(s.map((x) => x.cpuMs));
  const wall = median(s.map((x) => x.wallMs));
  return `| ${name} | ${cpu.toFixed(0)} ms | ${(cpu / bCpu).toFixed(1)}× | ${wall.toFixed(0)} ms | ${(wall / bWall).toFixed(1)}× |`;
};
const out = [
  `median of ${runs} runs each; baseline \`node -e 0\`: ${bCpu.toFixed(0)} ms CPU, ${bWall.toFixed(0)} ms wall`,
  '| case | CPU | ÷ node -e 0 | wall | ÷ node -e 0 |',
  '|---|---|---|---|---|',
];
for (const c of cases) {
  out.push(row(`${c.name}, dist/`, got.get(`${c.name}|dist`)!));
  out.push(row(`${c.name}, sources through tsx`, got.get(`${c.name}|src`)!));
}
process.stdout.write(out.join('\n') + '\n');
rmSync(tmp, { recursive: true, force: true });
