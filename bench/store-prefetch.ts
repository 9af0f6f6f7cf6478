/**
 * GET + prefetch of N matching processes from the embedded store (issue 11): a store holding N process records
 * that `GET process … WHERE command_line = 'ping -c 1 a'` selects and N/4 later records of the same processes
 * (same entity_id) that only the prefetch finds. Reported as the GET's wall time ÷ a plain DuckDB `SELECT _source`
 * of the same N + N/4 documents read into JavaScript (the floor: reading the documents at all), measured in the same
 * run; and the GET's peak RSS (VmHWM; goal under 1 GB at 1M). Each phase runs in its own child process so its peak
 * RSS is its own; the cache is a temporary DuckDB file.
 *
 *     node --import tsx bench/store-prefetch.ts [N,N,…=10000,100000,1000000]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild } from './support/child.ts';

const self = fileURLToPath(import.meta.url);
const T0 = Date.parse('2024-03-01T00:00:00Z');

function* processes(n: number): Generator<object> {
  const doc = (i: number, cmd: string, dt: number) => ({
    '@timestamp': new Date(T0 + i * 10 + dt).toISOString(),
    host: { name: `h${i % 50}` },
    process: { pid: 100_000 + i, entity_id: `p${i}`, name: 'ping', command_line: cmd, parent: { pid: 1 } },
  });
  for (let i = 0; i < n; i++) yield doc(i, 'ping -c 1 a', 0);
  for (let i = 0; i < n; i += 4) yield doc(i, 'ping -c 1 b', 1);
}

/** Peak resident set of this process, from /proc (VmHWM), in MB. */
function peakRssMB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

async function child(mode: string, store: string, dir: string): Promise<void> {
  let t = performance.now();
  let n = 0;
  let entities = 0;
  if (mode === 'generate') {
    const { openStore } = await import('../src/store/ecs/index.ts');
    const s = await openStore(store, { mode: 'write' });
    await s.append('procs', processes(Number(dir)));
    await s.close();
  } else if (mode === 'select') {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(store, { access_mode: 'READ_ONLY' });
    const c = await db.connect();
    t = performance.now();
    const r = await c.stream(`SELECT _source FROM ecs_docs WHERE _index = 'procs'`);
    for (;;) {
      const chunk = await r.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const v of chunk.getColumnValues(0)) if (JSON.parse(String(v))) n++;
    }
    c.closeSync();
    db.closeSync();
  } else {
    process.env.STIXSHIFTER_BENCH_CONNECTOR = 'local';
    process.env.STIXSHIFTER_BENCH_CONNECTION = JSON.stringify({ path: store, indices: 'procs' });
    const { HuntSession } = await import('../src/hunt/session/index.ts');
    const s = await HuntSession.create({ cachePath: join(dir, 'cache.duckdb') });
    t = performance.now(); // module loading and session start-up are not part of GET
    const r = await s.execute(
      `p = GET process FROM stixshifter://bench WHERE command_line = 'ping -c 1 a' START 2024-02-29T00:00:00Z STOP 2024-04-01T00:00:00Z`,
    );
    n = r.summary[0]?.records ?? 0;
    entities = r.summary[0]?.entities ?? 0;
    await s.close();
  }
  process.stdout.write(JSON.stringify({ n, entities, ms: performance.now() - t, rssMB: peakRssMB() }) + '\n');
}

interface Phase {
  n: number;
  entities: number;
  ms: number;
  rssMB: number;
}

function run(mode: string, store: string, dir: string): Phase {
  return runChild<Phase>(self, mode, store, dir);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  const sizes = (process.argv[2] ?? '10000,100000,1000000').split(',').map(Number);
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'peregrine-bench-prefetch-'));
    try {
      const store = join(dir, 'store.duckdb');
      run('generate', store, String(n));
      const base = run('select', store, dir);
      const get = run('get', store, dir);
      console.log(
        `${n} processes (+${Math.ceil(n / 4)} later records): plain SELECT ${base.n} docs ${(base.ms / 1000).toFixed(2)} s, ${base.rssMB.toFixed(0)} MB | ` +
          `GET + prefetch ${get.entities} entities / ${get.n} records ${(get.ms / 1000).toFixed(2)} s (${(get.ms / base.ms).toFixed(2)}x), ` +
          `peak RSS ${get.rssMB.toFixed(0)} MB (${(get.rssMB / base.rssMB).toFixed(2)}x)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
