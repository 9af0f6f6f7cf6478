/**
 * Fuzzing the policy reader, linter and compiler (see test/support/fuzz.ts). The reader never throws for bad
 * content: every problem must come back as a finding with a position, and compiling and evaluating must not throw.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compilePolicies, lintPolicies, readPolicyFile } from '../../../../src/telemetry/sysflow/policy/index.ts';
import { fuzz, tokenSoup } from '../../../support/fuzz.ts';
import { EVENTS } from './events.ts';

const TOKENS = [
  '- rule:', '- macro:', '- list:', '- filter:', ' desc:', ' condition:', ' priority:', ' action:', ' items:', ' tags:',
  ' enabled:', ' append:', ' exceptions:', '\n', '\n  ', '  ', '- ', '#', 'high', '[alert]', '[', ']', '(', ')', ',', "'",
  '"', ':', 'and', 'or', 'not', 'in', 'pmatch', 'exists', 'regex', 'glob', 'contains', 'startswith', '=', '!=', '<',
  '>=', 'sf.proc.exe', 'sf.proc.args', 'sf.pproc.exe', 'sf.type', 'sf.opflags', 'proc.name', 'EXEC', 'PE', '/bin/bash',
  'shells', 'spawned', '"^(a+)+$"', '"(?=x)"', '"[z-a]"', '"*a*a*b"', '99999999999999999999', '-1', '|', '>', 'title: x',
  'logsource:', 'detection:', 'selection:', 'condition: selection', 'Image|endswith:', '|re:',
];

function check(text: string): void {
  const file = readPolicyFile('fuzz.yaml', text);
  for (const p of file.problems) assert.ok(p.span.line >= 1 && p.span.col >= 1, `${p.code} has no position`);
  for (const f of lintPolicies([file])) assert.ok(f.span.line >= 1 && f.span.col >= 1, `${f.code} has no position`);
  const engine = compilePolicies([file]);
  for (const ev of Object.values(EVENTS)) engine.process(ev);
}

test('policy reader, linter and engine: findings with positions, never a throw', () => {
  const rule = fc
    .tuple(tokenSoup(TOKENS, { deep: ['(', 'not ', '['] }), tokenSoup(TOKENS))
    .map(([cond, rest]) => `- rule: R\n  desc: d\n  condition: ${cond}\n  priority: high\n${rest}`);
  fuzz(fc.oneof(tokenSoup(TOKENS, { deep: ['(', '['] }), rule), check, [
    `- rule: R\n  desc: d\n  condition: ${'('.repeat(3000)}sf.proc.exe = a${')'.repeat(3000)}\n  priority: high\n`,
    `- list: l\n  items: [${'a, '.repeat(200_000)}b]\n- rule: R\n  desc: d\n  condition: sf.proc.exe in (l)\n  priority: high\n`,
    `- list: l\n  items: ${'['.repeat(3000)}\n`,
  ]);
});
