/**
 * Set semantics against a brute-force oracle on random small sets, and on sets large enough that pairing
 * everything with everything would not finish: the time-aware joins must still find (or rule out) a binding.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from '../../../src/stix/observation.ts';
import { matchPattern, parsePattern, type ObservationExpr } from '../../../src/stix/index.ts';

const T0 = Date.parse('2020-01-01T00:00:00Z');
function obs(i: number, value: string, firstSec: number, durSec = 0): Observation {
  return {
    id: `observed-data--${i}`,
    first_observed: new Date(T0 + firstSec * 1000).toISOString(),
    last_observed: new Date(T0 + (firstSec + durSec) * 1000).toISOString(),
    number_observed: 1,
    objects: { '0': { type: 'ipv4-addr', value } },
  };
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface B {
  s: number[];
}
/** Brute force: every binding, no pruning, no caps. */
function oracle(e: ObservationExpr, set: Observation[]): B[] {
  const first = (i: number): number => Date.parse(set[i]!.first_observed);
  const last = (i: number): number => Date.parse(set[i]!.last_observed);
  const dis = (a: B, b: B): boolean => a.s.every((x) => !b.s.includes(x));
  switch (e.kind) {
    case 'Observation': {
      const c = e.expr;
      assert.ok(c.kind === 'Comparison' && c.value?.kind === 'String');
      const v = c.value.value;
      return set.flatMap((o, i) => (o.objects['0']!.value === v ? [{ s: [i] }] : []));
    }
    case 'ObservationBinary': {
      const l = oracle(e.left, set);
      const r = oracle(e.right, set);
      if (e.op === 'OR') return [...l, ...r];
      const out: B[] = [];
      for (const x of l)
        for (const y of r) {
          if (!dis(x, y)) continue;
          if (e.op === 'FOLLOWEDBY' && Math.max(...x.s.map(first)) > Math.min(...y.s.map(last))) continue;
          out.push({ s: [...x.s, ...y.s] });
        }
      return out;
    }
    case 'Qualified': {
      const inner = oracle(e.expr, set);
      const q = e.qualifier;
      if (q.kind === 'Within') {
        return inner.filter(
          (b) => Math.max(...b.s.map(first)) - Math.min(...b.s.map(last)) <= q.seconds * 1000,
        );
      }
      if (q.kind === 'Repeats') {
        const out: B[] = [];
        const pick = (from: number, acc: number[], k: number): void => {
          if (k === q.times) {
            out.push({ s: acc });
            return;
          }
          for (let j = from; j < inner.length; j++) {
            if (inner[j]!.s.some((x) => acc.includes(x))) continue;
            pick(j + 1, [...acc, ...inner[j]!.s], k + 1);
          }
        };
        pick(0, [], 0);
        return out;
      }
      const start = Date.parse(q.start);
      const stop = Date.parse(q.stop);
      return inner.filter((b) => b.s.every((i) => first(i) >= start && first(i) < stop));
    }
  }
}

const PATTERNS = [
  "[ipv4-addr:value = 'a'] AND [ipv4-addr:value = 'b']",
  "[ipv4-addr:value = 'a'] FOLLOWEDBY [ipv4-addr:value = 'b']",
  "([ipv4-addr:value = 'a'] FOLLOWEDBY [ipv4-addr:value = 'b']) WITHIN 30 SECONDS",
  "([ipv4-addr:value = 'a'] AND [ipv4-addr:value = 'b'] AND [ipv4-addr:value = 'c']) WITHIN 20 SECONDS",
  "[ipv4-addr:value = 'a'] REPEATS 3 TIMES",
  "[ipv4-addr:value = 'a'] REPEATS 2 TIMES WITHIN 15 SECONDS",
  "([ipv4-addr:value = 'a'] OR [ipv4-addr:value = 'c']) FOLLOWEDBY [ipv4-addr:value = 'b'] WITHIN 40 SECONDS",
  "(([ipv4-addr:value = 'a'] FOLLOWEDBY [ipv4-addr:value = 'b']) WITHIN 50 SECONDS) FOLLOWEDBY [ipv4-addr:value = 'c']",
  "([ipv4-addr:value = 'b'] REPEATS 2 TIMES) AND [ipv4-addr:value = 'c'] WITHIN 25 SECONDS",
  "[ipv4-addr:value = 'a'] START t'2020-01-01T00:00:10Z' STOP t'2020-01-01T00:01:00Z' FOLLOWEDBY [ipv4-addr:value = 'b']",
];

test('matchPattern agrees with a brute-force oracle on 600 random sets', () => {
  const rand = rng(7);
  for (const text of PATTERNS) {
    const p = parsePattern(text);
    let agreeTrue = 0;
    for (let k = 0; k < 60; k++) {
      const n = 1 + Math.floor(rand() * 7);
      const set = Array.from({ length: n }, (_, i) =>
        obs(i, 'abc'[Math.floor(rand() * 3)]!, Math.floor(rand() * 120), Math.floor(rand() * 3) * 5),
      );
      const expected = oracle(p.expr, set).length > 0;
      assert.equal(
        matchPattern(p, set),
        expected,
        `${text} on ${JSON.stringify(set.map((o) => [o.objects['0']!.value, o.first_observed.slice(14, 19), o.last_observed.slice(14, 19)]))}`,
      );
      if (expected) agreeTrue++;
    }
    assert.ok(
      agreeTrue > 0 && agreeTrue < 60,
      `${text}: the random sets should include both outcomes (${agreeTrue}/60)`,
    );
  }
});

test('large sets: FOLLOWEDBY in the wrong order is ruled out without pairing everything', () => {
  const set: Observation[] = [];
  for (let i = 0; i < 20000; i++) set.push(obs(i, 'b', i)); // every b first …
  for (let i = 0; i < 20000; i++) set.push(obs(20000 + i, 'a', 100000 + i)); // … then every a
  assert.equal(
    matchPattern(parsePattern("[ipv4-addr:value = 'a'] FOLLOWEDBY [ipv4-addr:value = 'b']"), set),
    false,
  );
  assert.equal(
    matchPattern(parsePattern("[ipv4-addr:value = 'b'] FOLLOWEDBY [ipv4-addr:value = 'a']"), set),
    true,
  );
});

test('large sets: the one pair inside the window is found among 25 million', () => {
  const set: Observation[] = [];
  for (let i = 0; i < 5000; i++) set.push(obs(i, 'a', i * 100));
  for (let i = 0; i < 5000; i++) set.push(obs(5000 + i, 'b', 10_000_000 + i * 100));
  set.push(obs(10000, 'b', 499_950)); // 50 s after the last a
  const p = parsePattern("([ipv4-addr:value = 'a'] AND [ipv4-addr:value = 'b']) WITHIN 60 SECONDS");
  assert.equal(matchPattern(p, set), true);
  assert.equal(matchPattern(p, set.slice(0, 10000)), false);
});
