// Highlighting tokens (src/hunt/syntax/highlight.ts), as fixture cases: each source line, then its tokens as
// `kind(text)`. Plus the invariants every editor relies on, over the other syntax fixtures' inputs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { highlightHuntflow } from '../../../src/hunt/syntax/highlight.ts';
import { parseCases, runCases } from '../../support/fixtures.ts';

const CASES = join(import.meta.dirname, 'cases');

function show(text: string): string {
  const tokens = highlightHuntflow(text);
  return text
    .split('\n')
    .map((line, i, lines) => {
      const from = lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0);
      const to = from + line.length;
      const own = tokens.filter((t) => t.start >= from && t.start < to);
      return `${line}\n  ${own.map((t) => `${t.kind}(${text.slice(t.start, t.end)})`).join(' ')}`;
    })
    .join('\n');
}

runCases(join(CASES, 'highlight'), (input) => show(input));

test('tokens are ordered, disjoint, non-empty and cover no white space — over every syntax fixture', () => {
  const inputs = readdirSync(CASES)
    .filter((f) => f.endsWith('.txt'))
    .flatMap((f) => parseCases(readFileSync(join(CASES, f), 'utf8')).map((c) => c.input));
  assert.ok(inputs.length > 100, `${inputs.length} inputs`);
  for (const text of inputs) {
    let end = 0;
    for (const t of highlightHuntflow(text)) {
      assert.ok(t.start >= end && t.end > t.start, `${JSON.stringify(text)}: ${JSON.stringify(t)}`);
      const piece = text.slice(t.start, t.end);
      if (t.kind !== 'comment' && t.kind !== 'string' && t.kind !== 'invalid' && t.kind !== 'timestamp')
        assert.ok(!/\s/.test(piece), `${JSON.stringify(text)}: ${t.kind} ${JSON.stringify(piece)}`);
      end = t.end;
    }
  }
});
