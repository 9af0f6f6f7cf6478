/**
 * GeoIP benchmark: N lookups (default 1,000,000) of seeded random addresses (about 1 in 100 IPv6) through the
 * `geoip` analytic's database (`GeoDb.lookup`: special ranges labelled, the search tree walked in place, each record
 * decoded once), against the bare mmdb-lib reader (`Reader.get`, decoding each answer) over the same addresses and
 * the same shipped database in the same run. Three rounds, alternating; the best of each is reported.
 *
 *     node --import tsx bench/geoip.ts [N] [ROUNDS]
 */
import { readFileSync } from 'node:fs';
import { Reader } from 'mmdb-lib';
import { defaultDbPath, GeoDb } from '../src/analytics/builtins/geoip/db.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 3);

let seed = 0x9e0;
const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
const ips: string[] = [];
for (let i = 0; i < N; i++) {
  const x = next();
  if (i % 100 === 0)
    ips.push(`2${(x >>> 20).toString(16).padStart(3, '0')}:${(x & 0xffff).toString(16)}::${i % 97}`);
  else ips.push(`${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`);
}

const bytes = readFileSync(defaultDbPath());
const reader = new Reader(bytes);
const db = GeoDb.open([]);

let bare = Infinity;
let ours = Infinity;
let found = [0, 0];
for (let r = 0; r < ROUNDS; r++) {
  let t = performance.now();
  let a = 0;
  for (const ip of ips) if (reader.get(ip)) a++;
  bare = Math.min(bare, performance.now() - t);
  t = performance.now();
  let b = 0;
  for (const ip of ips) if (db.lookup(ip)?.country) b++;
  ours = Math.min(ours, performance.now() - t);
  found = [a, b];
}
const rate = (ms: number): string => `${Math.round(N / (ms / 1000)).toLocaleString('en-US')}/s`;
process.stdout.write(
  [
    `geoip: ${N.toLocaleString('en-US')} lookups, ${db.files[0]!.description}, ${db.files[0]!.decoded} distinct records decoded`,
    `  bare mmdb-lib Reader.get   ${bare.toFixed(0).padStart(6)} ms  ${rate(bare)}  (${found[0]} with a record)`,
    `  GeoDb.lookup               ${ours.toFixed(0).padStart(6)} ms  ${rate(ours)}  (${found[1]} with a country; special ranges not looked up)`,
    `  ratio: ${(bare / ours).toFixed(2)}× the bare reader's rate`,
  ].join('\n') + '\n',
);
