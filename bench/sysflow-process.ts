/**
 * Throughput of the SysFlow processor on ≥ 1M records: the three `mon.15317766*.sf` traces of the node.js exfil
 * attack (50,652 records, 3 schema-1000 files) replicated into one schema-5 `.sf` file, then, each phase in its own
 * child process (so each peak RSS is its own):
 *
 * - `avsc`    baseline — avsc's own object-container decoder with the writer schema, counting records;
 * - `read`    our reader + entity resolution (every event resolved to process/parent/ancestors/file/container);
 * - `policy`  read → the 52 ttps.yaml rules (alert mode) → null exporter — the figure;
 * - `ecs`     read → ttps.yaml in enrich mode → ECS documents as JSON lines to /dev/null;
 * - `store`   read → ttps.yaml enrich → the embedded store (ECS into DuckDB) — skipped with `--no-store`.
 *
 *     node --import tsx bench/sysflow-process.ts [RECORDS=1000000] [--no-store]
 *
 * Each phase reports records/s (wall and CPU), peak RSS and the heap sampled every 250 ms after warm-up, to show
 * that memory stays flat while the records stream through.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import avsc from 'avsc';
import {
  readSysFlowFile,
  readSysFlowFileBatches,
  writeSysFlowFile,
} from '../src/telemetry/sysflow/format/index.ts';
import { sysflowLongType } from '../src/telemetry/sysflow/format/long-type.ts';
import type { SysFlowRecord } from '../src/telemetry/sysflow/records/index.ts';
import { Pipeline, pipelineFromFlags, loadPolicyStage } from '../src/telemetry/sysflow/processor/index.ts';
import { createExporter } from '../src/telemetry/sysflow/export/registry.ts';
import { EntityTables } from '../src/telemetry/sysflow/format/resolver.ts';
import { SYSFLOW_DATA } from '../test/support/data.ts';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const TRACES = join(SYSFLOW_DATA, 'sf-processor', 'resources', 'traces');
const SOURCES = ['mon.1531776682.sf', 'mon.1531776712.sf', 'mon.1531776742.sf'].map((f) => join(TRACES, f));
const TTPS = join(ROOT, 'data', 'policies', 'ttps.yaml');

async function buildFile(path: string, target: number): Promise<number> {
  const base: SysFlowRecord[] = [];
  for (const f of SOURCES)
    for await (const r of readSysFlowFile(f)) if (r.kind !== 'Header' || base.length === 0) base.push(r);
  async function* replicate(): AsyncGenerator<SysFlowRecord> {
    yield base[0];
    let n = 1;
    while (n < target) {
      for (let i = 1; i < base.length; i++) {
        yield base[i];
        n++;
      }
    }
  }
  return writeSysFlowFile(path, replicate());
}

interface PhaseResult {
  phase: string;
  records: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  heapMb: number[];
}

async function runPhase(phase: string, file: string): Promise<PhaseResult> {
  const heap: number[] = [];
  let peakRss = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    heap.push(Math.round(m.heapUsed / 1e6));
    peakRss = Math.max(peakRss, m.rss);
  }, 250);
  let records = 0;
  if (phase === 'avsc') {
    await new Promise<void>((resolve, reject) => {
      avsc
        .createFileDecoder(file, {
          parseHook: (s: unknown) =>
            avsc.Type.forSchema(s as avsc.Schema, { registry: { long: sysflowLongType } }),
        })
        .on('data', () => records++)
        .on('end', resolve)
        .on('error', reject);
    });
  } else if (phase === 'read') {
    const tables = new EntityTables();
    for await (const batch of readSysFlowFileBatches(file)) {
      records += batch.length;
      for (const r of batch) {
        if (
          r.kind === 'Header' ||
          r.kind === 'Container' ||
          r.kind === 'Process' ||
          r.kind === 'File' ||
          r.kind === 'Pod'
        )
          tables.add(r);
        else tables.resolve(r, file);
      }
    }
  } else {
    const exporterOptions: Record<string, string> =
      phase === 'ecs'
        ? { 'file.path': '/dev/null' }
        : phase === 'store'
          ? { 'local.path': join(tmpdir(), `peregrine-bench-sf-${process.pid}.duckdb`) }
          : {};
    const cfg = pipelineFromFlags(
      {
        policy: [TTPS],
        mode: phase === 'policy' ? 'alert' : 'enrich',
        export: [phase === 'policy' ? 'null' : phase === 'ecs' ? 'file' : 'local'],
        format: 'ecs',
        exporterOptions,
      },
      {},
    );
    const p = await Pipeline.build(cfg, { loadPolicy: loadPolicyStage, createExporter });
    await p.run([{ kind: 'file', path: file }]);
    records = (await p.close()).records;
  }
  clearInterval(timer);
  const cpu = process.cpuUsage(c0);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return {
    phase,
    records,
    wallMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: Math.round(peakRss / 1e6),
    heapMb: heap,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--phase') {
    process.stdout.write(JSON.stringify(await runPhase(args[1], args[2])) + '\n');
    return;
  }
  const target = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  const dir = join(tmpdir(), 'peregrine-bench-sysflow');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `mon-x${target}.sf`);
  if (!existsSync(file)) {
    const n = await buildFile(file, target);
    console.log(`wrote ${file}: ${n} records, ${(statSync(file).size / 1e6).toFixed(1)} MB`);
  }
  const phases = ['avsc', 'read', 'policy', 'ecs', ...(args.includes('--no-store') ? [] : ['store'])];
  const results: PhaseResult[] = [];
  for (const phase of phases) {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--phase', phase, file],
      {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    );
    if (r.status !== 0) throw new Error(`phase ${phase} failed: ${r.stderr}`);
    results.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as PhaseResult);
  }
  const base = results[0];
  console.log(
    '| phase | records | wall s | records/s (wall) | records/s (CPU) | vs avsc (CPU) | peak RSS MB | heap MB after warm-up (min–max) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const warm = r.heapMb.slice(Math.max(1, Math.floor(r.heapMb.length / 10)));
    const heap = warm.length ? `${Math.min(...warm)}–${Math.max(...warm)}` : '-';
    const perCpu = r.records / (r.cpuMs / 1000);
    console.log(
      `| ${r.phase} | ${r.records.toLocaleString('en')} | ${(r.wallMs / 1000).toFixed(1)} | ${Math.round(r.records / (r.wallMs / 1000)).toLocaleString('en')} | ` +
        `${Math.round(perCpu).toLocaleString('en')} | ${(perCpu / (base.records / (base.cpuMs / 1000))).toFixed(2)}× | ${r.peakRssMb} | ${heap} |`,
    );
  }
}

await main();
