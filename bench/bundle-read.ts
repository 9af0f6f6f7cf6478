/**
 * Bundle reading benchmark: streams a generated STIX 2.0 bundle of N observed-data (default 1,000,000) through the
 * bundle connector and compares throughput and peak RSS with the naive baseline — `readFileSync` + `JSON.parse` of
 * the whole file + count — measured in the same run, each in its own child process so peak RSS is its own.
 * Also runs the streaming reader on a bundle 10× smaller to show that its RSS does not grow with bundle size, and a
 * filtered query (the STIX matcher on every observation).
 *
 *     node --import tsx bench/bundle-read.ts [N]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

interface Result {
  count: number;
  ms: number;
  maxRssMb: number;
}

const here = import.meta.filename;

async function child(mode: string, file: string): Promise<void> {
  let t0 = performance.now();
  let count = 0;
  if (mode === 'parse') {
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { objects: { type: string }[] };
    for (const o of bundle.objects) if (o.type === 'observed-data') count++;
  } else {
    await import('../src/connectors/index.ts');
    const { openSource } = await import('../src/connectors/registry.ts');
    const { parsePattern } = await import('../src/stix/index.ts');
    t0 = performance.now(); // module loading (tsx compiling TypeScript) is not reading
    const src = await openSource(file);
    const pattern =
      mode === 'query'
        ? parsePattern(
            "[network-traffic:dst_port = 22 AND network-traffic:src_ref.value ISSUBSET '10.0.0.0/8']",
          )
        : null;
    for await (const _ of src.query({ entityType: '', pattern })) count++;
  }
  const ms = performance.now() - t0;
  const result: Result = { count, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(result));
}

function run(mode: string, file: string): Result {
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=12000', '--import', 'tsx', here, '--child', mode, file],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (r.status !== 0) throw new Error(`${mode} child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Result;
}

async function generate(file: string, n: number): Promise<void> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{"type": "bundle", "id": "bundle--bench", "spec_version": "2.0", "objects": [\n');
  const t = Date.parse('2020-06-30T19:00:00.000Z');
  for (let i = 0; i < n; i++) {
    const first = new Date(t + i * 10).toISOString();
    const obs = {
      type: 'observed-data',
      id: `observed-data--${String(i).padStart(12, '0')}`,
      first_observed: first,
      last_observed: first,
      number_observed: 1,
      objects: {
        '0': { type: 'ipv4-addr', value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
        '1': { type: 'ipv4-addr', value: `192.168.${(i >> 8) & 255}.${i & 255}` },
        '2': {
          type: 'network-traffic',
          src_ref: '0',
          dst_ref: '1',
          src_port: 1024 + (i % 50000),
          dst_port: [22, 80, 443, 3389, 8080][i % 5],
          protocols: ['tcp'],
        },
      },
    };
    await write(`${i ? ',\n' : ''}${JSON.stringify(obs)}`);
  }
  await write('\n]}\n');
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-bench-'));
  try {
    const big = join(dir, 'big.json');
    const small = join(dir, 'small.json');
    await generate(big, n);
    await generate(small, Math.max(1, Math.floor(n / 10)));
    const mb = statSync(big).size / 1e6;
    console.log(
      `bundle: ${n} observed-data, ${mb.toFixed(0)} MB (small: ${(statSync(small).size / 1e6).toFixed(0)} MB)`,
    );
    const base = run('parse', big);
    const stream = run('stream', big);
    const streamSmall = run('stream', small);
    const query = run('query', big);
    for (const r of [base, stream, query])
      if (r.count !== n && r !== query) throw new Error(`count ${r.count} != ${n}`);
    const rate = (r: Result): number => r.count / (r.ms / 1000);
    const line = (name: string, r: Result, count = r.count): string =>
      `${name.padEnd(34)} ${(r.ms / 1000).toFixed(2).padStart(7)} s ${Math.round((count / r.ms) * 1000)
        .toLocaleString('en')
        .padStart(11)} obs/s ${r.maxRssMb.toFixed(0).padStart(6)} MB peak RSS`;
    console.log(line('baseline JSON.parse whole file', base));
    console.log(line('bundle connector (stream, all)', stream));
    console.log(line('bundle connector, 10x smaller file', streamSmall));
    console.log(line(`bundle connector + matcher (${query.count} hits)`, query, n));
    console.log(
      `ratios vs baseline: throughput ${(rate(stream) / rate(base)).toFixed(2)}x, peak RSS ${(stream.maxRssMb / base.maxRssMb).toFixed(3)}x; ` +
        `streaming RSS big/small file ${(stream.maxRssMb / streamSmall.maxRssMb).toFixed(2)}x; ` +
        `query throughput ${(((n / query.ms) * 1000) / rate(base)).toFixed(2)}x baseline`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();
