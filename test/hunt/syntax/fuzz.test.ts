/**
 * Robustness: every prefix of every valid fixture huntflow, and seeded random mutations of them, must either parse
 * or throw a PeregrineError whose span lies inside the text — never another exception, never the parser's internal
 * fault code. isComplete and completionAt must answer for all of them without throwing.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isPeregrineError } from '../../../src/errors/index.ts';
import {
  HUNT_ERROR_CODES,
  completionAt,
  isComplete,
  parseHuntflow,
  parseHuntflowAll,
  printHuntflow,
} from '../../../src/hunt/syntax/index.ts';
import { parseCases } from '../../support/fixtures.ts';

const dir = join(import.meta.dirname, 'cases');
const valid = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .flatMap((f) => parseCases(readFileSync(join(dir, f), 'utf8')))
  .filter((c) => !/^\d+:\d+ E_/.test(c.expected))
  .map((c) => c.input);

function check(text: string): void {
  try {
    parseHuntflow(text, { source: 'fuzz.hf' });
  } catch (e) {
    if (!isPeregrineError(e))
      assert.fail(`non-Peregrine exception ${String(e)} for:\n${JSON.stringify(text)}`);
    assert.notEqual(
      e.code,
      HUNT_ERROR_CODES.internal,
      `internal fault "${e.message}" for:\n${JSON.stringify(text)}`,
    );
    assert.ok(e.span, `error without span for ${JSON.stringify(text)}`);
    assert.ok(
      e.span.offset >= 0 && e.span.offset <= text.length,
      `span outside the text for ${JSON.stringify(text)}`,
    );
    const lines = text.split('\n');
    assert.ok(
      e.span.line >= 1 && e.span.line <= lines.length,
      `bad line ${e.span.line} for ${JSON.stringify(text)}`,
    );
    assert.ok(
      e.span.col >= 1 && e.span.col <= lines[e.span.line - 1].length + 1,
      `bad col for ${JSON.stringify(text)}`,
    );
  }
  const batch = parseHuntflowAll(text, { source: 'fuzz.hf' });
  for (const e of batch.errors) {
    assert.notEqual(
      e.code,
      HUNT_ERROR_CODES.internal,
      `internal fault in batch mode for ${JSON.stringify(text)}`,
    );
    assert.ok(e.span && e.span.offset >= 0 && e.span.offset <= text.length);
  }
  assert.ok(['complete', 'incomplete', 'invalid'].includes(isComplete(text)));
  const c = completionAt(text, text.length);
  assert.ok(c.replaceFrom >= 0 && c.replaceFrom <= text.length);
}

test('the valid fixtures are many and all parse', () => {
  assert.ok(valid.length >= 50, `only ${valid.length} valid cases`);
  for (const v of valid) parseHuntflow(v);
});

test('every prefix of every valid fixture parses or fails with a positioned error', () => {
  for (const v of valid) for (let i = 0; i <= v.length; i++) check(v.slice(0, i));
});

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  '[',
  ']',
  '(',
  ')',
  "'",
  '"',
  ',',
  '=',
  '+',
  '.',
  ':',
  '#',
  '\n',
  ' ',
  '-',
  '/',
  '*',
  't',
  '0',
  'Z',
  '\\',
  'BY ',
  'WHERE ',
  '{',
  '}',
  ';',
  'é',
  '\u0000',
];

test('random mutations never crash the parser', () => {
  const next = rng(20211017);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  for (let round = 0; round < 3000; round++) {
    let s = pick(valid);
    const edits = 1 + Math.floor(next() * 4);
    for (let k = 0; k < edits; k++) {
      const i = Math.floor(next() * (s.length + 1));
      const r = next();
      if (r < 0.4) s = s.slice(0, i) + s.slice(i + 1 + Math.floor(next() * 5));
      else if (r < 0.8) s = s.slice(0, i) + pick(ALPHABET) + s.slice(i);
      else {
        const other = pick(valid);
        const j = Math.floor(next() * other.length);
        s = s.slice(0, i) + other.slice(j, j + 1 + Math.floor(next() * 20)) + s.slice(i);
      }
    }
    check(s);
  }
});

test('deep nesting and long conditions: accepted up to the limits, a positioned error beyond', () => {
  const ands = (n: number): string =>
    `x = GET process WHERE ${Array.from({ length: n }, (_, i) => `pid = ${i}`).join(' AND ')}`;
  const parens = (n: number): string => `x = GET process WHERE ${'('.repeat(n)}name = 'a'${')'.repeat(n)}`;
  const lists = (n: number): string => `APPLY a://b ON x WITH k=${'['.repeat(n)}1${']'.repeat(n)}`;
  for (const ok of [ands(1001), parens(100), lists(100)]) {
    const h = parseHuntflow(ok);
    assert.deepEqual(parseHuntflow(printHuntflow(h)).statements.length, 1);
  }
  for (const bad of [ands(1002), parens(101), lists(101), `x = GET process WHERE [${'('.repeat(100000)}`]) {
    assert.throws(
      () => parseHuntflow(bad),
      (e: unknown) =>
        isPeregrineError(e) && e.code === HUNT_ERROR_CODES.tooComplex && (e.span?.offset ?? 0) > 0,
    );
  }
});
