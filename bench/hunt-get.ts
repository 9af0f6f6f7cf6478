/**
 * GET into the hunt cache: `GET network-traffic FROM file://… WHERE dst_port > 0` over a generated STIX 2.0 bundle
 * of N observed-data objects (each: two ipv4-addr, a network-traffic, a user-account — the shape of Kestrel's
 * test bundle), i.e. the whole path bundle stream → matcher → DuckDB cache → centered selection. Reported as
 * observations/s and peak RSS, each as a ratio against a baseline measured in the same run on the same file: a plain
 * `JSON.parse` of the whole file and a count of its observed-data. Each phase runs in its own child process so peak
 * RSS is its own. The cache is a temporary DuckDB file (an in-memory cache grows with the data by design). Rates are
 * given per wall second and per CPU second of the process (DuckDB's threads included; steadier on a loaded machine).
 *
 *     node --import tsx bench/hunt-get.ts [N=1000000]
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild } from './support/child.ts';

const self = fileURLToPath(import.meta.url);

async function generate(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string): Promise<void> =>
    new Promise((res) => (out.write(s) ? res() : out.once('drain', () => res())));
  await write('{"type":"bundle","id":"bundle--0","spec_version":"2.0","objects":[');
  const t0 = Date.parse('2020-06-30T19:25:00Z');
  for (let i = 0; i < n; i++) {
    const ts = new Date(t0 + i * 10).toISOString();
    const src = `192.168.${(i >> 8) & 255}.${i & 255}`;
    const dst = `10.0.${(i >> 4) & 15}.${i & 15}`;
    await write(
      `${i ? ',' : ''}{"type":"observed-data","id":"observed-data--${i}","first_observed":"${ts}","last_observed":"${ts}","number_observed":1,"objects":{"0":{"type":"ipv4-addr","value":"${src}"},"1":{"type":"ipv4-addr","value":"${dst}"},"2":{"type":"network-traffic","src_ref":"0","dst_ref":"1","src_port":${40000 + (i % 20000)},"dst_port":${[22, 80, 443, 514][i % 4]},"protocols":["tcp"]},"3":{"type":"user-account","user_id":"${i % 100}"}}}`,
    );
  }
  await write(']}');
  await new Promise<void>((res) => out.end(() => res()));
}

async function child(mode: string, file: string, cacheDir: string): Promise<void> {
  let t = performance.now();
  let cpu = process.cpuUsage();
  let n = 0;
  if (mode === 'baseline') {
    const b = JSON.parse(readFileSync(file, 'utf8')) as { objects: { type: string }[] };
    for (const o of b.objects) if (o.type === 'observed-data') n++;
  } else {
    const { HuntSession } = await import('../src/hunt/session/index.ts');
    const s = await HuntSession.create({ cachePath: join(cacheDir, 'cache.duckdb') });
    t = performance.now(); // module loading and session start-up are not part of GET
    cpu = process.cpuUsage();
    const r = await s.execute(`conns = GET network-traffic FROM file://${file} WHERE dst_port > 0`);
    n = r.summary[0]?.records ?? 0;
    await s.close();
  }
  const ms = performance.now() - t;
  // CPU time of the whole process (DuckDB's threads included): steadier than wall time on a loaded machine.
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  process.stdout.write(
    JSON.stringify({ n, ms, cpuMs, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n',
  );
}

interface Phase {
  n: number;
  ms: number;
  cpuMs: number;
  maxRssMB: number;
}

function run(mode: string, file: string, cacheDir: string): Phase {
  return runChild<Phase>(self, mode, file, cacheDir);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  const n = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-bench-'));
  try {
    const sizes = [Math.round(n / 4), n];
    for (const size of sizes) {
      const file = join(dir, `bundle-${size}.json`);
      await generate(file, size);
      const mb = statSync(file).size / 1e6;
      const base = run('baseline', file, dir);
      rmSync(join(dir, 'cache.duckdb'), { force: true });
      const get = run('get', file, dir);
      rmSync(join(dir, 'cache.duckdb'), { force: true });
      rmSync(join(dir, 'cache.duckdb.wal'), { force: true });
      const rate = (x: Phase): number => Math.round((x.n / x.ms) * 1000);
      const cpuRate = (x: Phase): number => Math.round((x.n / x.cpuMs) * 1000);
      console.log(
        `${size} observed-data (${mb.toFixed(0)} MB): JSON.parse+count ${rate(base)} obs/s wall, ${cpuRate(base)} obs/CPU-s, ${base.maxRssMB.toFixed(0)} MB peak RSS | ` +
          `GET into cache ${rate(get)} obs/s wall (${(rate(get) / rate(base)).toFixed(2)}x), ${cpuRate(get)} obs/CPU-s (${(cpuRate(get) / cpuRate(base)).toFixed(2)}x), ` +
          `${get.maxRssMB.toFixed(0)} MB peak RSS (${(get.maxRssMB / base.maxRssMB).toFixed(2)}x); records ${get.n}`,
      );
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
