/**
 * Fixture-file test runner (house rule 7). A case file holds cases like
 *
 *     # name of the case
 *     input text…
 *     ==>
 *     expected output…
 *
 * separated by the next `# ` line at column 0. `runCases` calls `fn(input)` for each case and compares the string it
 * returns with the expectation. With `UPDATE=1` in the environment, the file is rewritten with the actual outputs
 * for review instead of failing.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

export interface FixtureCase {
  name: string;
  input: string;
  expected: string;
}

export function parseCases(text: string): FixtureCase[] {
  const cases: FixtureCase[] = [];
  const blocks = text.split(/^(?=# )/m).filter((b) => b.startsWith('# '));
  for (const block of blocks) {
    const nl = block.indexOf('\n');
    const name = block.slice(2, nl < 0 ? undefined : nl).trim();
    const body = nl < 0 ? '' : block.slice(nl + 1);
    const sep = body.search(/^==>[ \t]*$/m);
    if (sep < 0) throw new Error(`fixture case "${name}" has no ==> line`);
    const input = body.slice(0, sep).replace(/\n$/, '');
    const expected = body.slice(sep).replace(/^==>[ \t]*\n?/, '').replace(/\s+$/, '');
    cases.push({ name, input, expected });
  }
  return cases;
}

export function formatCases(cases: FixtureCase[]): string {
  return cases.map((c) => `# ${c.name}\n${c.input}\n==>\n${c.expected}\n`).join('\n');
}

/** Registers one node:test test per case of every `*.txt` file in `dir`. */
export function runCases(dir: string, fn: (input: string, c: FixtureCase, file: string) => string | Promise<string>): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  for (const file of files) {
    const path = join(dir, file);
    const cases = parseCases(readFileSync(path, 'utf8'));
    const actuals: string[] = [];
    test(file, async (t) => {
      for (const c of cases) {
        await t.test(c.name, async () => {
          const actual = (await fn(c.input, c, file)).replace(/\s+$/, '');
          actuals.push(actual);
          if (process.env.UPDATE === '1') return;
          assert.equal(actual, c.expected);
        });
      }
      if (process.env.UPDATE === '1') {
        writeFileSync(path, formatCases(cases.map((c, i) => ({ ...c, expected: actuals[i] ?? c.expected }))));
      }
    });
  }
}
