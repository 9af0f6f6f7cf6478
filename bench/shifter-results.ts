/**
 * `shifter translate elastic_ecs results` in process: N ECS documents — STIX-shifter's five result documents
 * (test/data/stix-shifter/elastic_ecs_results.json) repeated with their timestamps, process ids, addresses and ports
 * varied — as one JSON text, translated to a STIX 2.0 bundle and to a 2.1 bundle (with the printed JSON). Baseline
 * in the same run: JSON.parse of the same text. Best of 5 rounds, documents per second and ratio.
 *
 *     node --import tsx bench/shifter-results.ts [N=100000]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { translateResults } from '../src/connectors/elastic/shifter-verbs.ts';
import { STIX_SHIFTER_DATA } from '../test/support/data.ts';

const n = Number(process.argv[2] ?? 100_000);
const vectors = JSON.parse(readFileSync(join(STIX_SHIFTER_DATA, 'elastic_ecs_results.json'), 'utf8')) as {
  entries: { input_ecs_doc: Record<string, unknown> }[];
};
const seeds = vectors.entries.map((e) => JSON.stringify(e.input_ecs_doc));

/** Varies every number and the last octet of every IPv4 address, so no two documents are alike. */
function vary(text: string, i: number): string {
  return text
    .replace(/"(pid|port|ppid|bytes|packets)":(\d+)/g, (_m, k: string, v: string) => `"${k}":${Number(v) + (i % 9973)}`)
    .replace(/(\d+\.\d+\.\d+\.)(\d+)/g, (_m, a: string, b: string) => `${a}${(Number(b) + i) % 256}`)
    .replace(/"@timestamp":"(\d{4}-\d\d-\d\dT\d\d:\d\d:)(\d\d)/, (_m, a: string, s: string) => `"@timestamp":"${a}${String((Number(s) + i) % 60).padStart(2, '0')}`);
}
const docs: string[] = [];
for (let i = 0; i < n; i++) docs.push(vary(seeds[i % seeds.length], i));
const text = `[${docs.join(',')}]`;
process.stdout.write(`${n} documents, ${(text.length / 1048576).toFixed(1)} MiB of JSON\n`);

function best(f: () => unknown): number {
  let b = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    f();
    b = Math.min(b, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return b;
}
const base = best(() => JSON.parse(text));
const rows: [string, number][] = [
  ['JSON.parse (baseline)', base],
  ['translate results → STIX 2.0 bundle', best(() => translateResults('elastic_ecs', '{}', text))],
  ['… and JSON.stringify(bundle, null, 2)', best(() => JSON.stringify(translateResults('elastic_ecs', '{}', text), null, 2))],
  ['translate results → STIX 2.1 bundle', best(() => translateResults('elastic_ecs', '{}', text, '{"stix_2.1": true}'))],
];
for (const [name, ms] of rows)
  process.stdout.write(
    `${name.padEnd(42)} ${ms.toFixed(0).padStart(7)} ms  ${Math.round((n * 1000) / ms).toLocaleString('en').padStart(11)} docs/s  ${(ms / base).toFixed(1)}× JSON.parse\n`,
  );
