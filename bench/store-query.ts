/**
 * Querying the embedded store: GET through the `local` connector (SQL backend → DuckDB → ECS→STIX mapping →
 * observations) over a store of N generated ECS documents, against a baseline measured in the same run on the same
 * store: a plain DuckDB `SELECT _source` of the same rows by the same typed column, fetched into JavaScript. Then,
 * when the hunt runtime is present, GROUP and SORT over the entities a GET put in the hunt cache.
 *
 *     node --import tsx bench/store-query.ts [N=1000000] [HUNT_N=N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSource } from '../src/connectors/index.ts';
import { HuntSession } from '../src/hunt/session/index.ts';
import { ingest } from '../src/ingest/index.ts';
import { parsePattern } from '../src/stix/index.ts';
import { withStore } from '../src/store/ecs/index.ts';
import { generate } from './store-ingest.ts';

const W = "START t'2024-01-01T00:00:00Z' STOP t'2025-01-01T00:00:00Z'";

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

/** Wall and CPU milliseconds of `fn` (CPU of the whole process, DuckDB's threads included). */
async function timedCpu<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const c = process.cpuUsage();
  const [r, ms] = await timed(fn);
  const u = process.cpuUsage(c);
  return [r, ms, (u.user + u.system) / 1000];
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1_000_000);
  const huntN = Number(process.argv[3] ?? n);
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-bench-query-'));
  try {
    const file = join(dir, 'docs.ndjson');
    await generate(file, n);
    const store = join(dir, 'store.duckdb');
    const [, ingestMs] = await timed(() => ingest({ files: [file], index: 'bench-events', store }));
    rmSync(file);
    console.log(`store: ${n} documents (ingested in ${(ingestMs / 1000).toFixed(1)} s)`);
    process.env.STIXSHIFTER_BENCHLOC_CONNECTOR = 'local';
    process.env.STIXSHIFTER_BENCHLOC_CONNECTION = JSON.stringify({ path: store, indices: 'bench-*' });
    const src = await openSource('stixshifter://benchloc');

    const cases: [string, string, string][] = [
      ['1% of the store', `[process:name = 'proc7'] ${W}`, `"process.name" = 'proc7'`],
      ['25% of the store', `[network-traffic:dst_port = 443] ${W}`, `"destination.port" = 443`],
    ];
    for (const [label, pattern, where] of cases) {
      const [rows, baseMs] = await timed(() =>
        withStore(store, 'read', async (s) => {
          let k = 0;
          for await (const r of s.stream(`SELECT _source FROM ecs_docs WHERE ${where}`)) if (r._source) k++;
          return k;
        }),
      );
      const [obs, getMs] = await timed(async () => {
        let k = 0;
        for await (const o of src.query({ entityType: 'process', pattern: parsePattern(pattern) }))
          if (o.id) k++;
        return k;
      });
      console.log(
        `GET ${label}: ${obs} observations in ${(getMs / 1000).toFixed(2)} s; plain SELECT of the ${rows} rows ${(baseMs / 1000).toFixed(2)} s — GET/SELECT ${(getMs / baseMs).toFixed(1)}×`,
      );
    }

    if (huntN > 0) {
      process.env.STIXSHIFTER_BENCHLOC_CONNECTION = JSON.stringify({
        path: store,
        indices: 'bench-*',
        options: { result_limit: huntN },
      });
      const session = await HuntSession.create({ cachePath: join(dir, 'cache.duckdb') });
      try {
        const [got, getMs] = await timed(() =>
          session.execute(`procs = GET process FROM stixshifter://benchloc WHERE pid >= 0 ${W}`),
        );
        const procs = got.summary[0];
        console.log(
          `hunt cache: GET of ${huntN} documents → ${procs?.records} process records (${procs?.entities} entities) in ${(getMs / 1000).toFixed(1)} s`,
        );
        const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
        for (const stmt of [
          'g = GROUP procs BY name WITH COUNT(pid) AS n',
          'g2 = GROUP procs BY name, pid',
          's = SORT procs BY pid',
          's2 = SORT procs BY name ASC',
        ]) {
          const [r, ms, cpu] = await timedCpu(() => session.execute(stmt));
          const v = r.summary[0];
          console.log(`  ${stmt}: ${v?.records} rows, ${s(ms)} wall, ${s(cpu)} CPU`);
        }
      } finally {
        await session.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
