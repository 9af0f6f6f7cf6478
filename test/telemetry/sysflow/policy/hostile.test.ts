/**
 * Hostile policies: sizes and shapes that grow with the input must not grow the call stack, and patterns must not
 * backtrack (issue 17). Every case reads, lints and compiles the policy and evaluates an event.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicies, lintPolicies, readPolicyFile } from '../../../../src/telemetry/sysflow/policy/index.ts';
import { EVENTS } from './events.ts';

const rule = (condition: string): string =>
  `- rule: R\n  desc: d\n  condition: ${condition}\n  priority: high\n  action: [alert]\n`;

test('a list of 200,000 items reads, lints, compiles and matches (no spread of the items onto the stack)', () => {
  const items = Array.from({ length: 200_000 }, (_, i) => `/bin/x${i}`);
  const text = `- list: big\n  items: [${items.join(', ')}, /bin/bash]\n- list: outer\n  items: [big]\n` + rule('sf.proc.exe in (outer)');
  const file = readPolicyFile('big.yaml', text);
  assert.deepEqual(file.problems, []);
  assert.deepEqual(lintPolicies([file]).filter((f) => f.severity === 'error'), []);
  const engine = compilePolicies([file]);
  assert.equal(engine.evaluate(EVENTS['cgi-bash']).matches.length, 1);
});

test('2,000 nested parentheses and 2,000 nested nots are a positioned E_POLICY_SYNTAX at the 257th level', () => {
  for (const [cond, col] of [
    ['('.repeat(2000) + 'sf.proc.exe = /bin/bash' + ')'.repeat(2000), 14 + 256],
    ['not '.repeat(2000) + 'sf.proc.exe = /bin/bash', 14 + 256 * 4],
  ] as const) {
    const file = readPolicyFile('deep.yaml', rule(cond));
    const p = file.problems.find((x) => x.code === 'E_POLICY_SYNTAX');
    assert.ok(p, 'a syntax problem is reported');
    assert.match(p.message, /nests deeper than 256/);
    assert.deepEqual([p.span.line, p.span.col], [3, col]);
    assert.doesNotThrow(() => compilePolicies([file]));
  }
  // 256 levels are fine
  const ok = readPolicyFile('ok.yaml', rule('('.repeat(256) + 'sf.proc.exe = /bin/bash' + ')'.repeat(256)));
  assert.deepEqual(ok.problems, []);
  assert.equal(compilePolicies([ok]).evaluate(EVENTS['cgi-bash']).matches.length, 1);
});

test('a macro chain deeper than 256 is an E_MACRO_DEPTH error at the reference, not a stack overflow', () => {
  const chain = (n: number): string => {
    const decls = ['- macro: m0\n  condition: sf.proc.exe = /bin/bash'];
    for (let i = 1; i < n; i++) decls.push(`- macro: m${i}\n  condition: m${i - 1}`);
    return decls.join('\n') + '\n' + rule(`m${n - 1}`);
  };
  const deep = compilePolicies([{ path: 'chain.yaml', text: chain(3000) }]);
  assert.equal(deep.evaluate(EVENTS['cgi-bash']).matches.length, 0);
  const note = [...deep.problems, ...deep.notes].find((n) => n.code === 'E_MACRO_DEPTH');
  assert.ok(note, 'the depth is reported');
  assert.ok(note.span.line > 0);
  const ok = compilePolicies([{ path: 'chain.yaml', text: chain(200) }]);
  assert.equal(ok.evaluate(EVENTS['cgi-bash']).matches.length, 1);
});

test('regex and glob run in linear time: nested quantifiers over long values end at once', () => {
  const long = 'a'.repeat(5000) + '!';
  const text = rule(`sf.proc.exe regex "^([a-z/.-]+)+$" or "${long}" regex "^(a+)+$" or "${long}" glob "*a*a*a*a*a*a*a*a*b"`);
  const t0 = process.hrtime.bigint();
  const engine = compilePolicies([{ path: 'slow.yaml', text }]);
  const r = engine.evaluate(EVENTS['cgi-bash']);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(r.matches.length, 1, '/bin/bash matches ^([a-z/.-]+)+$');
  assert.ok(ms < 5000, `took ${ms} ms`);
});

test('a regex RE2 cannot run is an E_POLICY_REGEX error at the pattern, and the term is false', () => {
  const text = rule('sf.proc.exe regex "(a)\\\\1" or sf.proc.exe regex "bash(?=x)"');
  const findings = lintPolicies([readPolicyFile('re.yaml', text)]).filter((f) => f.code === 'E_POLICY_REGEX');
  assert.deepEqual(
    findings.map((f) => [f.span.line, f.span.col, /backreferences|lookaround/.exec(f.message)?.[0]]),
    [
      [3, 32, 'backreferences'],
      [3, 62, 'lookaround'],
    ],
  );
});
