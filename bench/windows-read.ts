/**
 * Windows events: reading OTRF Security-Datasets JSON lines into the hunt cache, and `peregrine ingest` of them.
 * The input is the seven OTRF datasets of test/data/otrf (Sysmon, Security, PowerShell events as OTRF ships them)
 * repeated to N events (default 200,000). Every figure is a ratio against a baseline measured in the same run on
 * the same file, each phase in its own child process:
 *
 * - baseline: read the file, split its lines, `JSON.parse` each (the least any reader does);
 * - read: the Windows reader's flat records (`readEventRecords`);
 * - observations: records → ECS (Windows → ECS map) → STIX observations (ECS → STIX map), as GET sees them;
 * - cache: `GET x-oca-event FROM file://…` in a hunt session — the whole path into the DuckDB hunt cache;
 * - ingest: `peregrine ingest` of the file (format windows) into the embedded store, against the store's own rate
 *   for the same documents already converted to ECS NDJSON (what winlogbeat documents take).
 *
 *     node --import tsx bench/windows-read.ts [N=200000]
 */
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild } from './support/child.ts';
import { OTRF_DATA } from '../test/support/data.ts';

const self = fileURLToPath(import.meta.url);
const OTRF = OTRF_DATA;

interface Phase {
  n: number;
  ms: number;
  cpuMs: number;
  maxRssMB: number;
}

/** The OTRF lines, repeated to `n`. */
async function generate(path: string, n: number): Promise<void> {
  const { zipFileEntries } = await import('../src/connectors/files/zip.ts');
  const lines: string[] = [];
  for (const f of readdirSync(OTRF).filter((x) => x.endsWith('.zip') && !x.startsWith('sysmon_log4shell'))) {
    for await (const e of zipFileEntries(join(OTRF, f))) {
      const parts: Buffer[] = [];
      for await (const c of e.chunks) parts.push(c);
      for (const l of Buffer.concat(parts).toString('utf8').split('\n')) if (l.trim()) lines.push(l);
    }
  }
  const out = createWriteStream(path);
  const write = (s: string): Promise<void> =>
    new Promise((res) => (out.write(s) ? res() : out.once('drain', () => res())));
  for (let i = 0; i < n; i++) await write(lines[i % lines.length] + '\n');
  await new Promise<void>((res) => out.end(() => res()));
}

async function child(mode: string, file: string, dir: string): Promise<void> {
  let t = performance.now();
  let cpu = process.cpuUsage();
  const start = (): void => {
    t = performance.now(); // module loading (tsx compiling TypeScript) and start-up are not reading
    cpu = process.cpuUsage();
  };
  let n = 0;
  if (mode === 'baseline') {
    for (const l of readFileSync(file, 'utf8').split('\n')) if (l) n += JSON.parse(l) ? 1 : 0;
  } else if (mode === 'read') {
    const { readEventRecords } = await import('../src/connectors/windows/index.ts');
    start();
    for await (const r of readEventRecords(file)) if (r.kind === 'windows') n++;
  } else if (mode === 'observations') {
    await import('../src/connectors/index.ts');
    const { openSource } = await import('../src/connectors/registry.ts');
    start();
    const src = await openSource(file);
    for await (const _ of src.query({ entityType: '', pattern: null })) n++;
  } else if (mode === 'cache') {
    const { HuntSession } = await import('../src/hunt/session/index.ts');
    const s = await HuntSession.create({ cachePath: join(dir, 'cache.duckdb') });
    start();
    const r = await s.execute(`e = GET x-oca-event FROM file://${file}`);
    n = r.summary[0]?.records ?? 0;
    await s.close();
  } else {
    const { ingest } = await import('../src/ingest/index.ts');
    const store = join(dir, `${mode}.duckdb`);
    if (mode === 'ingest-ecs') {
      // the same documents as ECS NDJSON, converted before the clock starts
      const { readEventRecords, windowsToEcs } = await import('../src/connectors/windows/index.ts');
      const out = createWriteStream(join(dir, 'ecs.ndjson'));
      for await (const r of readEventRecords(file))
        if (r.kind === 'windows' && !out.write(JSON.stringify(windowsToEcs(r.event).doc) + '\n'))
          await new Promise<void>((res) => out.once('drain', () => res()));
      await new Promise<void>((res) => out.end(() => res()));
    }
    start();
    const r = await ingest({
      files: [mode === 'ingest-ecs' ? join(dir, 'ecs.ndjson') : file],
      index: 'bench',
      store,
      ...(mode === 'ingest-windows' ? { format: 'windows' as const } : {}),
    });
    n = r.accepted;
  }
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  process.stdout.write(
    JSON.stringify({
      n,
      ms,
      cpuMs: (used.user + used.system) / 1000,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    }) + '\n',
  );
}

function run(mode: string, file: string, dir: string): Phase {
  return runChild<Phase>(self, mode, file, dir);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  const n = Number(process.argv[2] ?? 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-bench-win-'));
  try {
    const file = join(dir, 'otrf.json');
    await generate(file, n);
    const mb = statSync(file).size / 1e6;
    const rate = (x: Phase): number => Math.round((x.n / x.ms) * 1000);
    const cpuRate = (x: Phase): number => Math.round((x.n / x.cpuMs) * 1000);
    const base = run('baseline', file, dir);
    console.log(
      `${n} OTRF events (${mb.toFixed(0)} MB). baseline JSON.parse per line: ${rate(base)} events/s wall, ${cpuRate(base)} events/CPU-s`,
    );
    const line = (name: string, x: Phase, b: Phase): void =>
      console.log(
        `  ${name}: ${rate(x)} events/s wall (${(rate(x) / rate(b)).toFixed(2)}x), ${cpuRate(x)} events/CPU-s (${(cpuRate(x) / cpuRate(b)).toFixed(2)}x), ${x.maxRssMB.toFixed(0)} MB peak RSS; ${x.n} counted`,
      );
    for (const mode of ['read', 'observations', 'cache']) line(mode, run(mode, file, dir), base);
    const ecs = run('ingest-ecs', file, dir);
    console.log(
      `  ingest of the same documents as ECS NDJSON (the store's rate): ${rate(ecs)} docs/s wall, ${cpuRate(ecs)} docs/CPU-s`,
    );
    line('ingest -f windows (vs the store rate)', run('ingest-windows', file, dir), ecs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
