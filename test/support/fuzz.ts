/**
 * Property-based fuzzing of the parsers (fast-check): inputs made of each language's own tokens, glued at random,
 * with random text and deep nesting mixed in. A parser may accept an input or refuse it with a typed
 * `PeregrineError` that has a position — never any other exception, never a stack overflow.
 *
 * Bounded in `npm test`: FUZZ_RUNS cases (default 300), at most FUZZ_MS milliseconds (default 3000) per property.
 * `npm run fuzz` sets FUZZ_RUNS=100000 and no time limit. fast-check prints the seed and path of a failure; rerun
 * one with FUZZ_SEED=<seed> FUZZ_PATH=<path>.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isPeregrineError } from '../../src/errors/index.ts';

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const FUZZ_MS = process.env.FUZZ_RUNS ? undefined : Number(process.env.FUZZ_MS ?? 3000);

/** Text glued from `tokens` (with blanks, newlines or nothing between), random strings and runs of one token. */
export function tokenSoup(tokens: readonly string[], opts: { deep?: readonly string[] } = {}): fc.Arbitrary<string> {
  const sep = fc.constantFrom(' ', ' ', ' ', '', '\n', '\t', '\r\n');
  const piece = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...tokens) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8, unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 4, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String) },
    ...(opts.deep
      ? [{ weight: 1, arbitrary: fc.tuple(fc.constantFrom(...opts.deep), fc.integer({ min: 1, max: 3000 })).map(([t, n]) => t.repeat(n)) }]
      : []),
  );
  return fc.array(fc.tuple(piece, sep), { maxLength: 40 }).map((parts) => parts.map(([p, s]) => p + s).join(''));
}

/** Asserts `run(input)` returns or throws a positioned PeregrineError, for inputs drawn from `arb`. */
export function fuzz(arb: fc.Arbitrary<string>, run: (input: string) => unknown, seedInputs: readonly string[] = []): void {
  const check = (input: string): void => {
    try {
      run(input);
    } catch (e) {
      if (!isPeregrineError(e)) throw new Error(`not a PeregrineError: ${(e as Error)?.stack ?? String(e)}`);
      assert.ok(e.span && e.span.line >= 1 && e.span.col >= 1, `${e.code} has no position: ${e.message}`);
      assert.doesNotMatch(e.code, /INTERNAL/, `an internal error: ${e.message}`);
    }
  };
  for (const s of seedInputs) check(s);
  fc.assert(
    fc.property(arb, (input) => check(input)),
    {
      numRuns: FUZZ_RUNS,
      ...(FUZZ_MS !== undefined ? { interruptAfterTimeLimit: FUZZ_MS, markInterruptAsFailure: false } : {}),
      ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
      ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
    },
  );
}
