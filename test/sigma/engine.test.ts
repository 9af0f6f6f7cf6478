/**
 * The Sigma engine's fixture cases: lowering (rule → IR s-expression), matching (rule + events → which match),
 * errors (rule → `line:col CODE message`), and the AST/IR contracts (frozen, JSON round-trip).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCases } from '../support/fixtures.ts';
import {
  compileRule,
  EventView,
  flatEvent,
  lowerRule,
  parseRule,
  printExpr,
  readRules,
  SigmaError,
} from '../../src/sigma/index.ts';

/** What a case's rule gets in front of it (cases write the detection only); error lines are the case's own. */
const HEAD = 'title: case\nlogsource:\n    product: test\n';
const HEAD_LINES = HEAD.split('\n').length - 1;

function rule(input: string): string {
  return HEAD + input + '\n';
}

function describe(e: unknown): string {
  if (!(e instanceof SigmaError)) throw e;
  const at = e.span ? `${e.span.line - HEAD_LINES}:${e.span.col} ` : '';
  return `${at}${e.code} ${e.message}${e.feature ? ` [feature: ${e.feature}]` : ''}`;
}

runCases(join(import.meta.dirname, 'cases'), (input, _c, file) => {
  if (file === 'lower.txt') {
    try {
      return printExpr(
        lowerRule(parseRule(rule(input), 'case.yml'), {
          placeholders: { DomainControllers: ['dc1', 'dc2'] },
        }),
      );
    } catch (e) {
      return describe(e);
    }
  }
  if (file === 'match.txt') {
    // the rule, then `---`, then one JSON event per line (a flat record of Sigma field names)
    const [ruleText, events] = input.split(/^---$/m);
    try {
      const compiled = compileRule(parseRule(rule(ruleText.trimEnd()), 'case.yml'), { logsource: false });
      return events
        .trim()
        .split('\n')
        .map((line) =>
          compiled.predicate(new EventView(flatEvent(JSON.parse(line) as Record<string, unknown>)))
            ? 'match'
            : 'no',
        )
        .join(' ');
    } catch (e) {
      return describe(e);
    }
  }
  // errors.txt: every error of the file, batch mode
  const r = readRules(rule(input), 'case.yml');
  const out = r.errors.map(describe);
  for (const d of r.documents) {
    if (d.kind !== 'rule') {
      out.push(`correlation ${d.type} of ${d.rules.join(', ')}`);
      continue;
    }
    try {
      lowerRule(d, {}, r.source);
      out.push('ok');
    } catch (e) {
      out.push(describe(e));
    }
  }
  return out.join('\n');
});

test('the AST and the IR are frozen plain data that JSON round-trips', () => {
  const r = parseRule(
    rule(`detection:
    sel:
        CommandLine|contains|all: ['a', 'b']
        Image|endswith: '\\x.exe'
    filter:
        - User: null
        - Size|gt: 4
    condition: sel and not 1 of filter*`),
  );
  const ir = lowerRule(r);
  for (const v of [r, ir]) {
    assert.ok(Object.isFrozen(v));
    assert.deepEqual(JSON.parse(JSON.stringify(v)), v);
  }
  assert.throws(() => {
    (r as { title: string }).title = 'x';
  }, TypeError);
});
