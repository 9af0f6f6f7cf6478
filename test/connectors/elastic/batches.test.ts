// Cutting a query's longest IN list into batches (connectors/elastic/batches.ts): which list, the batch sizes, the
// batched patterns, and the bounded merge of their streams.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  batchSize,
  longestInList,
  mergeStreams,
  patternBatches,
} from '../../../src/connectors/elastic/batches.ts';
import { parsePattern, printPattern } from '../../../src/stix/index.ts';

const list = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i).join(', ');

test('the longest positive IN list is cut; negated lists and other operators are not', () => {
  const p = parsePattern(
    `[process:pid IN (${list(3)}) AND process:name NOT IN ('a', 'b', 'c', 'd', 'e')] OR [process:pid IN (${list(4, 10)})]`,
  );
  assert.equal(longestInList(p)?.values.length, 4);
  assert.equal(longestInList(parsePattern(`[process:name NOT IN ('a', 'b')]`)), undefined);
  assert.equal(longestInList(parsePattern(`[process:name = 'a']`)), undefined);
  const batches = patternBatches(p, longestInList(p)!, 3);
  assert.deepEqual(
    batches.map((b) => printPattern(b)),
    [
      "[process:pid IN (0, 1, 2) AND process:name NOT IN ('a', 'b', 'c', 'd', 'e')] OR [process:pid IN (10, 11, 12)]",
      "[process:pid IN (0, 1, 2) AND process:name NOT IN ('a', 'b', 'c', 'd', 'e')] OR [process:pid IN (13)]",
    ],
  );
  assert.equal(patternBatches(p, longestInList(p)!, 4).length, 1);
});

test('batch sizes: within max_terms_count, spread over the parallel searches, never tiny', () => {
  assert.equal(batchSize(50_000, 65_536), 12_500);
  assert.equal(batchSize(50_000, 5_000), 5_000);
  assert.equal(batchSize(3_000, 65_536), 10_000, 'a short list is one search');
  assert.equal(batchSize(1_000_000, 65_536), 65_536);
});

test('streams merge with at most `parallel` running; every item once; an early stop closes them', async () => {
  let running = 0;
  let most = 0;
  const closed: number[] = [];
  const stream = (k: number) =>
    async function* () {
      running++;
      most = Math.max(most, running);
      try {
        for (let i = 0; i < 3; i++) {
          await new Promise((r) => setTimeout(r, 1 + ((k * 7 + i) % 3)));
          yield `${k}.${i}`;
        }
      } finally {
        running--;
        closed.push(k);
      }
    };
  const all: string[] = [];
  for await (const x of mergeStreams(
    Array.from({ length: 6 }, (_, k) => () => stream(k)()),
    2,
  ))
    all.push(x);
  assert.equal(most, 2);
  assert.deepEqual(
    [...all].sort(),
    Array.from({ length: 18 }, (_, i) => `${Math.floor(i / 3)}.${i % 3}`),
  );
  closed.length = 0;
  for await (const x of mergeStreams(
    Array.from({ length: 6 }, (_, k) => () => stream(k)()),
    3,
  )) {
    assert.ok(x);
    break;
  }
  assert.equal(running, 0, 'the running streams were closed');
});
