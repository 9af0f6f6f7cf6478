/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers */
/**
 * Elastic/OpenSearch GET, against the test OpenSearch (`npm run opensearch:start`). N generated SysFlow-shaped ECS
 * documents are bulk-loaded once into `peregrine-bench-events`, then each phase runs in its own child process (so
 * each peak RSS is its own):
 *
 * - `raw`   — baseline: a raw point-in-time/scroll pull of every hit with the same client (pullHits), no mapping;
 * - `map`   — the connector: the same pull + every ECS document mapped to a STIX observation (ElasticDataSource.query);
 * - `get`   — the whole hunt path: `GET process FROM stixshifter://bench WHERE pid >= 0 START … STOP …` into a
 *             file-backed hunt cache (HuntSession; the cache ingest is the hunt runtime's);
 * - `cpu`   — ECS → STIX mapping alone, in memory, one core, per CPU second (the build machine is shared): documents/s
 *             (goal ≥ 100,000), against a baseline of `JSON.parse(JSON.stringify(doc))` of the same documents.
 *
 *     node --import tsx bench/elastic-get.ts [N=200000] [--reload]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const URL_ = process.env.PEREGRINE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200';
const INDEX = 'peregrine-bench-events';
const WINDOW = "START t'2020-01-01T00:00:00Z' STOP t'2030-01-01T00:00:00Z'";

async function req(method: string, path: string, body?: string, ndjson = false): Promise<any> {
  const r = await fetch(`${URL_}${path}`, {
    method,
    headers: { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
    body,
  });
  return r.json();
}

async function load(n: number): Promise<void> {
  const { generateDocs } = await import('../test/integration/elastic-support.ts');
  await req('DELETE', `/${INDEX}`);
  await req(
    'PUT',
    `/${INDEX}`,
    JSON.stringify({
      settings: { number_of_shards: 2, number_of_replicas: 0, refresh_interval: '-1' },
      mappings: {
        dynamic_templates: [{ s: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }],
        properties: { '@timestamp': { type: 'date_nanos' } },
      },
    }),
  );
  const chunk = 10_000;
  for (let off = 0; off < n; off += chunk) {
    const docs = generateDocs(Math.min(chunk, n - off) + off).slice(off);
    const lines: string[] = [];
    for (const d of docs)
      lines.push(JSON.stringify({ index: { _index: INDEX, _id: d.id } }), JSON.stringify(d.doc));
    const r = await req('POST', '/_bulk', lines.join('\n') + '\n', true);
    if (r.errors) throw new Error('bulk load failed');
  }
  await req('PUT', `/${INDEX}/_settings`, JSON.stringify({ index: { refresh_interval: '1s' } }));
  await req('POST', `/${INDEX}/_refresh`);
}

async function child(mode: string, cacheDir: string): Promise<void> {
  const u = new URL(URL_);
  process.env.STIXSHIFTER_BENCH_CONNECTION = JSON.stringify({
    host: `http://${u.hostname}`,
    port: Number(u.port),
    indices: INDEX,
    options: { page_size: 5000 },
  });
  const { openSource } = await import('../src/connectors/index.ts');
  const { parsePattern } = await import('../src/stix/index.ts');
  const { pullHits } = await import('../src/connectors/elastic/index.ts');
  const t = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  if (mode === 'raw' || mode === 'map') {
    const src: any = await openSource('stixshifter://bench');
    const q = { entityType: 'process', pattern: parsePattern(`[process:pid >= 0] ${WINDOW}`) };
    if (mode === 'raw') {
      await src.loadFieldTypes();
      for await (const page of pullHits(src.client, src.settings.indices, {
        query: src.plan(q).query,
        pageSize: 5000,
      }))
        n += page.length;
    } else {
      for await (const _ of src.query(q)) n++;
    }
    await src.close();
  } else if (mode === 'get') {
    const { HuntSession } = await import('../src/hunt/session/index.ts');
    const s = await HuntSession.create({ cachePath: join(cacheDir, 'cache.duckdb') });
    const r = await s.execute(`procs = GET process FROM stixshifter://bench WHERE pid >= 0 ${WINDOW}`);
    n = r.summary[0]?.records ?? 0;
    await s.close();
  } else {
    const { generateDocs } = await import('../test/integration/elastic-support.ts');
    const { ecsToStix } = await import('../src/mapping/index.ts');
    const docs = generateDocs(20_000).map((d) => d.doc);
    const rounds = 10;
    const mapper = ecsToStix();
    for (let i = 0; i < docs.length; i++) mapper.observation(docs[i], `observed-data--${i}`); // warm-up
    const cpuMs = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const tb = cpuMs();
    for (let r = 0; r < rounds; r++) for (const d of docs) JSON.parse(JSON.stringify(d));
    const base = cpuMs() - tb;
    const tm = cpuMs();
    for (let r = 0; r < rounds; r++)
      for (let i = 0; i < docs.length; i++) mapper.observation(docs[i], `observed-data--${i}`);
    const ms = cpuMs() - tm;
    n = docs.length * rounds;
    process.stdout.write(
      JSON.stringify({ n, ms, baseMs: base, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n',
    );
    return;
  }
  const ms = performance.now() - t;
  const cpu = process.cpuUsage(c0);
  process.stdout.write(
    JSON.stringify({
      n,
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    }) + '\n',
  );
}

function run(mode: string, cacheDir: string): any {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, cacheDir], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!);
  const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200_000);
  const count = (await req('GET', `/${INDEX}/_count`).catch(() => ({}))).count;
  if (count !== n || process.argv.includes('--reload')) {
    const t = performance.now();
    await load(n);
    console.log(`loaded ${n} documents in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-bench-'));
  try {
    const cpu = run('cpu', dir);
    console.log(
      `ECS→STIX mapping, one core, per CPU second: ${Math.round((cpu.n * 1000) / cpu.ms).toLocaleString()} docs/s (baseline JSON round-trip ${Math.round((cpu.n * 1000) / cpu.baseMs).toLocaleString()} docs/s; ratio ${(cpu.ms / cpu.baseMs).toFixed(2)}× its time)`,
    );
    const raw = run('raw', dir);
    const map = run('map', dir);
    const get = run('get', dir);
    for (const [name, r] of [
      ['raw pull (baseline)', raw],
      ['pull + map (connector)', map],
      ['GET into cache', get],
    ] as const) {
      console.log(
        `${name.padEnd(24)} ${String(r.n).padStart(8)} hits  ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(
          (r.n * 1000) / r.ms,
        )
          .toLocaleString()
          .padStart(9)} /s  ` +
          `time ×${(r.ms / raw.ms).toFixed(2)}  cpu ${(r.cpuMs / 1000).toFixed(2)} s  peak RSS ${Math.round(r.maxRssMB)} MB (×${(r.maxRssMB / raw.maxRssMB).toFixed(2)})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
