/**
 * Sigma rules on SysFlow through the one Sigma engine: wildcards, cased values, numeric comparisons and field
 * references become SFPL comparisons on the Linux mapping's SysFlow attributes; what SFPL cannot say is a load
 * problem at its place; every SysFlow attribute of the mapping exists.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinMapping } from '../../../../src/sigma/index.ts';
import { compilePolicies, SF_ATTRIBUTES } from '../../../../src/telemetry/sysflow/policy/index.ts';
import { EVENTS } from './events.ts';

const rule = (detection: string): string => `title: t
logsource:
    product: linux
    category: process_creation
detection:
${detection}
level: high
`;

function hits(detection: string): string[] {
  const engine = compilePolicies([{ path: 'r.yml', text: rule(detection) }]);
  assert.deepEqual(engine.problems, []);
  return Object.entries(EVENTS)
    .filter(([, ev]) => engine.evaluate(ev).matches.length > 0)
    .map(([n]) => n);
}

test('every SysFlow attribute of the Linux Sigma mapping exists', () => {
  const names = new Set(SF_ATTRIBUTES.map((a) => a.name));
  const m = builtinMapping('linux')!;
  for (const [field, t] of Object.entries(m.fields))
    if (t.sysflow) assert.ok(names.has(t.sysflow), `${field}: ${t.sysflow}`);
});

test('inner wildcards, cased values, numbers and field references on SysFlow attributes', () => {
  assert.deepEqual(
    hits(`    sel:
        CommandLine: '/bin/b?sh -c *PASSWD'
    condition: sel`),
    ['cgi-bash'],
  );
  assert.deepEqual(
    hits(`    sel:
        CommandLine|contains|cased: 'PASSWD'
    condition: sel`),
    [],
  );
  assert.deepEqual(
    hits(`    sel:
        ProcessId|gte: 300
        Image|endswith: '/bash'
    condition: sel`),
    ['cgi-bash'],
  );
  assert.deepEqual(
    hits(`    sel:
        CommandLine|fieldref|startswith: Image
        Image: '/bin/bash'
    condition: sel`),
    ['cgi-bash'],
  );
});

test('what a SysFlow policy cannot say is a problem at its place and the rule is not loaded', () => {
  const cases: [string, RegExp, number][] = [
    [
      `    keywords:\n        - 'passwd'\n    condition: keywords`,
      /keywords \('passwd'\) cannot be expressed/,
      7,
    ],
    [
      `    sel:\n        DestinationIp|cidr: '10.0.0.0/8'\n    condition: sel`,
      /'cidr' \(10\.0\.0\.0\/8\) cannot be expressed/,
      7,
    ],
    [`    sel:\n        CommandLine|re|i: 'PASSWD'\n    condition: sel`, /regex flags/, 7],
    [`    sel:\n        CommandLine|contain: 'x'\n    condition: sel`, /unknown modifier 'contain'/, 7],
  ];
  for (const [detection, message, line] of cases) {
    const engine = compilePolicies([{ path: 'r.yml', text: rule(detection) }]);
    assert.equal(engine.rules.length, 0);
    assert.match(engine.problems[0].message, message);
    assert.equal(engine.problems[0].span.line, line);
  }
});
