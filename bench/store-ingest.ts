/**
 * Ingest rate of the embedded store: `peregrine ingest`'s pipeline (NDJSON runs of lines → appender → split,
 * validation, ids, typed-column extraction, merge) over a generated file of N ECS documents (~600 bytes each, the
 * shape of a SysFlow process/network event), against a baseline measured in the same run on the same file: DuckDB
 * itself loading the file's lines into a table (`read_ndjson_objects`, no validation report, no ids, no typed
 * columns). A second pass re-ingests the file (every document replaced, none added). Each phase is reported by wall
 * time and by CPU time (the whole process, DuckDB's threads included) — on a loaded machine the CPU rate is the
 * steadier figure.
 *
 *     node --import tsx bench/store-ingest.ts [N=1000000]
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ingest } from '../src/ingest/index.ts';

/** One synthetic ECS event; `i` varies every field a hunt would filter on. */
export function benchDoc(i: number): string {
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  return JSON.stringify({
    '@timestamp': new Date(t0 + i * 10).toISOString(),
    event: {
      kind: 'event',
      category: [i % 2 ? 'process' : 'network'],
      action: i % 2 ? 'exec' : 'connect',
      type: ['start'],
    },
    host: { name: `host-${i % 16}`, ip: [`10.0.0.${i % 250}`] },
    container: { id: `c${(i % 64).toString(16).padStart(12, '0')}`, name: `ctr-${i % 64}` },
    process: {
      pid: 1000 + (i % 50_000),
      name: `proc${i % 100}`,
      executable: `/usr/bin/proc${i % 100}`,
      command_line: `/usr/bin/proc${i % 100} --id ${i}`,
      args: ['--id', String(i)],
      parent: { pid: 1 + (i % 500), name: 'bash', executable: '/bin/bash' },
    },
    user: { id: String(i % 20), name: `user${i % 20}` },
    source: { ip: `192.168.${(i >> 8) & 255}.${i & 255}`, port: 30000 + (i % 30000) },
    destination: { ip: `10.1.${(i >> 4) & 15}.${i & 15}`, port: [22, 80, 443, 8080][i % 4] },
    network: { transport: i % 3 ? 'tcp' : 'udp' },
    tags: i % 10 === 0 ? ['mitre:T1059'] : [],
  });
}

export async function generate(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string): Promise<void> =>
    new Promise((res) => (out.write(s) ? res() : out.once('drain', () => res())));
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += benchDoc(i) + '\n';
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((res) => out.end(() => res()));
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-bench-store-'));
  try {
    const file = join(dir, 'docs.ndjson');
    await generate(file, n);
    const mb = statSync(file).size / 1e6;

    const base = await DuckDBInstance.create(join(dir, 'baseline.duckdb'));
    const c = await base.connect();
    let t = performance.now();
    let u = process.cpuUsage();
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const d = process.cpuUsage(since);
      return (d.user + d.system) / 1000;
    };
    await c.run(
      `CREATE TABLE raw AS SELECT json AS doc FROM read_ndjson_objects('${file.replace(/'/g, "''")}')`,
    );
    await c.run('CHECKPOINT');
    const baseMs = performance.now() - t;
    const baseCpu = cpuMs(u);
    c.closeSync();
    base.closeSync();

    const store = join(dir, 'store.duckdb');
    t = performance.now();
    u = process.cpuUsage();
    const first = await ingest({ files: [file], index: 'bench-events', store });
    const firstMs = performance.now() - t;
    const firstCpu = cpuMs(u);
    t = performance.now();
    u = process.cpuUsage();
    const second = await ingest({ files: [file], index: 'bench-events', store });
    const secondMs = performance.now() - t;
    const secondCpu = cpuMs(u);

    const rate = (ms: number) => Math.round((n / ms) * 1000);
    console.log(`documents: ${n} (${mb.toFixed(0)} MB NDJSON)`);
    console.log(
      `baseline  DuckDB read_ndjson_objects → table: ${rate(baseMs)} docs/s (${(baseMs / 1000).toFixed(2)} s)`,
    );
    console.log(
      `ingest    new documents:      ${rate(firstMs)} docs/s (${(firstMs / 1000).toFixed(2)} s) — ${(baseMs / firstMs).toFixed(2)}× baseline; created ${first.created}`,
    );
    console.log(
      `re-ingest same documents:     ${rate(secondMs)} docs/s (${(secondMs / 1000).toFixed(2)} s) — ${(baseMs / secondMs).toFixed(2)}× baseline; replaced ${second.updated}, created ${second.created}`,
    );
    console.log(
      `per CPU second: baseline ${rate(baseCpu)} docs/s; ingest ${rate(firstCpu)} docs/s (${(baseCpu / firstCpu).toFixed(2)}×); ` +
        `re-ingest ${rate(secondCpu)} docs/s (${(baseCpu / secondCpu).toFixed(2)}×)`,
    );
    console.log(`store file: ${(statSync(store).size / 1e6).toFixed(0)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
