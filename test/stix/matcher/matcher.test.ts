/**
 * Matcher semantics, one idea per test: object-level comparisons, references, lists, operators, value kinds,
 * single-observation mode and full set semantics.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation, StixObject } from '../../../src/stix/observation.ts';
import {
  compileObservationFilter,
  findPatternBinding,
  matchObservation,
  matchPattern,
  parseComparisonExpression,
  parsePattern,
  substituteVarRefs,
} from '../../../src/stix/index.ts';
import { ParseError } from '../../../src/errors/index.ts';

let seq = 0;
function obs(
  objects: Record<string, StixObject>,
  first = '2020-01-01T00:00:00Z',
  last = first,
  n = 1,
): Observation {
  return {
    id: `observed-data--${++seq}`,
    first_observed: first,
    last_observed: last,
    number_observed: n,
    objects,
  };
}
const m = (pattern: string, o: Observation): boolean => matchObservation(parsePattern(pattern), o);

const proc = obs({
  '0': {
    type: 'process',
    name: 'cmd.exe',
    pid: 5,
    parent_ref: '1',
    binary_ref: '2',
    child_refs: ['3', '4'],
    args: ['/c', 'dir'],
  },
  '1': { type: 'process', name: 'explorer.exe', pid: 1 },
  '2': { type: 'file', name: 'cmd.exe', parent_directory_ref: '5', hashes: { 'SHA-256': 'abc', MD5: 'def' } },
  '3': { type: 'process', name: 'a.exe', pid: 7 },
  '4': { type: 'process', name: 'b.exe', pid: 8 },
  '5': { type: 'directory', path: 'C:\\Windows\\System32' },
});

test('a comparison matches when any object of its type satisfies it', () => {
  assert.equal(m("[process:name = 'explorer.exe']", proc), true);
  assert.equal(m("[process:name = 'nope.exe']", proc), false);
  assert.equal(m("[file:name = 'explorer.exe']", proc), false);
});

test('ANDed comparisons on one type must hold for the same object', () => {
  assert.equal(m("[process:name = 'cmd.exe' AND process:pid = 5]", proc), true);
  assert.equal(m("[process:name = 'cmd.exe' AND process:pid = 1]", proc), false);
  assert.equal(m("[process:name = 'cmd.exe' OR process:pid = 1]", proc), true);
});

test('AND across types is evaluated within the observation (lenient, as STIX-shifter)', () => {
  assert.equal(m("[process:name = 'cmd.exe' AND file:name = 'cmd.exe']", proc), true);
  assert.equal(m("[process:name = 'cmd.exe' AND directory:path = 'x']", proc), false);
  assert.equal(m("[(process:name = 'x' AND file:name = 'cmd.exe') OR process:pid = 8]", proc), true);
});

test('_ref chains dereference through the objects map', () => {
  assert.equal(m("[process:parent_ref.name = 'explorer.exe']", proc), true);
  assert.equal(m("[process:binary_ref.parent_directory_ref.path = 'C:\\\\Windows\\\\System32']", proc), true);
  assert.equal(m("[process:parent_ref.parent_ref.name = 'x']", proc), false);
  assert.equal(
    m("[process:parent_ref = '1']", proc),
    true,
    'a path ending at _ref compares the reference itself',
  );
});

test('[*] selects any element, [n] one element, _refs lists dereference', () => {
  assert.equal(m("[process:args[*] = 'dir']", proc), true);
  assert.equal(m("[process:args[0] = 'dir']", proc), false);
  assert.equal(m("[process:args[1] = 'dir']", proc), true);
  assert.equal(m("[process:args[5] = 'dir']", proc), false);
  assert.equal(m("[process:child_refs[*].name = 'b.exe']", proc), true);
  assert.equal(m('[process:child_refs[0].pid = 8]', proc), false);
  assert.equal(m('[process:child_refs[1].pid = 8]', proc), true);
});

test('= on a list value is false, not an error', () => {
  assert.equal(m("[process:args = 'dir']", proc), false);
  assert.equal(m("[process:args != 'dir']", proc), true);
});

test('quoted keys', () => {
  assert.equal(m("[file:hashes.'SHA-256' = 'abc']", proc), true);
  assert.equal(m("[file:hashes.MD5 = 'def']", proc), true);
});

test('strings and numbers never compare equal; ordering across kinds is false even under NOT', () => {
  assert.equal(m("[process:pid = '5']", proc), false);
  assert.equal(m("[process:pid != '5' AND process:name = 'cmd.exe']", proc), true);
  assert.equal(m('[process:name > 5]', proc), false);
  assert.equal(m('[process:name NOT > 5]', proc), true, 'NOT negates the whole comparison');
  assert.equal(m('[process:pid = 5.0]', proc), true, 'int and float compare numerically');
  assert.equal(m("[process:name > 'c' AND process:name < 'd']", proc), true);
});

test('NOT negates the whole comparison for an object of the type', () => {
  assert.equal(m("[process:name NOT = 'cmd.exe']", proc), true, 'another process has another name');
  const one = obs({ '0': { type: 'process', name: 'x', ports: [22, 443] } });
  assert.equal(m("[process:name NOT = 'x']", one), false);
  assert.equal(m("[process:command_line NOT = 'x']", one), true, 'absent property: NOT (… = x) holds');
  assert.equal(m("[process:command_line != 'x']", one), false, 'absent property: != has no value to compare');
  assert.equal(m('[process:pid NOT IN (1, 2)]', one), true);
  assert.equal(m('[process:ports[*] NOT = 22]', one), false, 'some element equals 22');
  assert.equal(m('[process:ports[*] != 22]', one), true, 'some element differs from 22');
  assert.equal(m("[file:name NOT = 'x']", one), false, 'NOT still needs an object of the type');
});

test('EXISTS and NOT EXISTS', () => {
  const one = obs({ '0': { type: 'process', name: 'x' } });
  assert.equal(m('[EXISTS process:name]', one), true);
  assert.equal(m('[EXISTS process:pid]', one), false);
  assert.equal(m('[NOT EXISTS process:pid]', one), true);
});

test('IN', () => {
  assert.equal(m('[process:pid IN (5, 6)]', proc), true);
  assert.equal(m("[process:pid IN ('5', 6)]", obs({ '0': { type: 'process', pid: 5 } })), false);
  assert.equal(m("[process:name NOT IN ('cmd.exe', 'explorer.exe', 'a.exe')]", proc), true);
});

test('LIKE: % any run, _ one character, whole value', () => {
  assert.equal(m("[file:name LIKE '%.exe']", proc), true);
  assert.equal(m("[file:name LIKE 'cmd']", proc), false);
  assert.equal(m("[file:name LIKE 'c_d.exe']", proc), true);
  assert.equal(m("[file:name LIKE 'c_.exe']", proc), false);
  assert.equal(
    m("[file:name LIKE '%(%']", obs({ '0': { type: 'file', name: 'a(1)' } })),
    true,
    'regex characters are literal',
  );
  assert.equal(m("[file:name NOT LIKE '%.exe']", proc), false);
  assert.equal(m("[process:pid LIKE '5']", proc), false, 'non-strings never match LIKE');
  assert.equal(m("[process:pid NOT LIKE '5']", obs({ '0': { type: 'process', pid: 5 } })), true);
});

test('MATCHES: unanchored search, PCRE inline flags and \\A', () => {
  assert.equal(m("[directory:path MATCHES 'Windows\\\\\\\\Sys']", proc), true);
  assert.equal(m("[directory:path MATCHES '^Windows']", proc), false);
  assert.equal(m("[directory:path MATCHES '(?i)^c:\\\\\\\\windows']", proc), true);
  assert.equal(m("[directory:path MATCHES '\\\\AC:']", proc), true);
  assert.throws(() => parsePatternAndCompile("[file:name MATCHES '(']"), (e) => e instanceof ParseError && e.code === 'E_REGEX');
  assert.throws(() => parsePatternAndCompile("[file:name MATCHES 'a++']"), /possessive/);
});

function parsePatternAndCompile(p: string): void {
  compileObservationFilter(parsePattern(p));
}

test('ISSUBSET / ISSUPERSET: CIDR containment, IPv4 and IPv6', () => {
  const net = obs({
    '0': { type: 'ipv4-addr', value: '10.1.2.3' },
    '1': { type: 'ipv4-addr', value: '192.168.0.0/16' },
    '2': { type: 'ipv6-addr', value: '2001:db8::1' },
  });
  assert.equal(m("[ipv4-addr:value ISSUBSET '10.0.0.0/8']", net), true);
  assert.equal(m("[ipv4-addr:value ISSUBSET '11.0.0.0/8']", net), false);
  assert.equal(m("[ipv4-addr:value ISSUPERSET '192.168.4.5']", net), true);
  assert.equal(m("[ipv4-addr:value ISSUPERSET '192.169.4.5']", net), false);
  assert.equal(m("[ipv6-addr:value ISSUBSET '2001:db8::/32']", net), true);
  assert.equal(m("[ipv6-addr:value ISSUBSET '2001:db9::/32']", net), false);
  assert.equal(
    m(
      "[ipv6-addr:value ISSUBSET '::ffff:10.0.0.0/104']",
      obs({ '0': { type: 'ipv6-addr', value: '::ffff:10.1.1.1' } }),
    ),
    true,
  );
  assert.equal(m("[ipv4-addr:value ISSUBSET '0.0.0.0/0']", net), true);
  assert.equal(m("[ipv4-addr:value ISSUBSET '10.1.2.3/32']", net), true);
  assert.equal(m("[ipv4-addr:value ISSUBSET '10.1.2.2/31']", net), true);
  assert.equal(m("[ipv4-addr:value ISSUBSET '10.1.2.4/31']", net), false);
  assert.equal(m("[ipv4-addr:value ISSUBSET '::/0']", net), false, 'families never contain each other');
  assert.throws(
    () => parsePatternAndCompile("[ipv4-addr:value ISSUBSET '10.0.0.256']"),
    /not an IP address or CIDR/,
  );
  assert.throws(
    () => parsePatternAndCompile("[ipv4-addr:value ISSUBSET '10.0.0.0/33']"),
    /not an IP address or CIDR/,
  );
});

test('timestamps compare as instants (offsets, sub-millisecond digits)', () => {
  const f = obs({ '0': { type: 'file', created: '2014-01-13T08:03:17.000001+01:00' } });
  assert.equal(m("[file:created > t'2014-01-13T07:03:17Z']", f), true);
  assert.equal(m("[file:created = t'2014-01-13T07:03:17.000001Z']", f), true);
  assert.equal(m("[file:created < t'2014-01-13T07:03:17.000002Z']", f), true);
  assert.equal(m("[file:created = t'2014-01-13T07:03:17Z']", f), false);
});

test('hex and binary literals compare as bytes', () => {
  const f = obs({ '0': { type: 'artifact', payload_bin: 'aGVsbG8=', x_hex: 'FF00', name: 'hello' } });
  assert.equal(m("[artifact:payload_bin = b'aGVsbG8=']", f), true);
  assert.equal(m("[artifact:payload_bin = h'68656c6c6f']", f), true);
  assert.equal(m("[artifact:x_hex = h'ff00']", f), true);
  assert.equal(m("[artifact:name = h'68656c6c6f']", f), true, 'strings of code points < 256 are bytes');
  assert.equal(m("[artifact:x_hex > h'fe']", f), true);
});

test('booleans', () => {
  const f = obs({ '0': { type: 'file', is_encrypted: true } });
  assert.equal(m('[file:is_encrypted = true]', f), true);
  assert.equal(m('[file:is_encrypted = false]', f), false);
});

test('single-observation mode: any part of AND/FOLLOWEDBY selects; START/STOP on first_observed, STOP exclusive', () => {
  const a = obs({ '0': { type: 'ipv4-addr', value: '1.1.1.1' } }, '2020-01-01T00:00:00Z');
  const b = obs(
    { '0': { type: 'ipv4-addr', value: '2.2.2.2' } },
    '2020-01-01T00:01:00Z',
    '2020-01-01T00:05:00Z',
  );
  const p = parsePattern("[ipv4-addr:value = '1.1.1.1'] FOLLOWEDBY [ipv4-addr:value = '2.2.2.2']");
  assert.equal(matchObservation(p, a), true);
  assert.equal(matchObservation(p, b), true);
  const w = parsePattern(
    "[ipv4-addr:value = '2.2.2.2'] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:01:00Z'",
  );
  assert.equal(matchObservation(w, b), false, 'first_observed equal to STOP is outside');
  const w2 = parsePattern(
    "[ipv4-addr:value = '2.2.2.2'] START t'2020-01-01T00:01:00Z' STOP t'2020-01-01T00:01:00.001Z'",
  );
  assert.equal(matchObservation(w2, b), true, 'first_observed equal to START is inside');
});

test('a bare Kestrel WHERE matches like a pattern', () => {
  const e = parseComparisonExpression("name = 'cmd.exe' AND parent_ref.name = 'explorer.exe'", {
    defaultType: 'process',
  });
  assert.equal(matchObservation(e, proc), true);
});

test('variable references must be substituted before matching', () => {
  const e = parseComparisonExpression('pid = procs.pid', { defaultType: 'process', allowVarRefs: true });
  assert.throws(() => matchObservation(e, proc), /must be resolved/);
  const s = substituteVarRefs(e, (ref) => ({
    kind: 'List',
    values: [{ kind: 'Int', value: 8, span: ref.span }],
    span: ref.span,
  }));
  assert.equal(s.kind === 'Comparison' && s.op, 'IN');
  assert.equal(matchObservation(s, proc), true);
});

test('variable references inside a list are flattened into it', () => {
  const e = parseComparisonExpression('pid IN (p2.pid, 9, p3.parent_ref.pid)', {
    defaultType: 'process',
    allowVarRefs: true,
  });
  const seen: string[] = [];
  const s = substituteVarRefs(e, (ref) => {
    seen.push(`${ref.variable}.${ref.attribute}`);
    return ref.variable === 'p2'
      ? { kind: 'List', values: [{ kind: 'Int', value: 8, span: ref.span }], span: ref.span }
      : { kind: 'Int', value: 5, span: ref.span };
  });
  assert.deepEqual(seen, ['p2.pid', 'p3.parent_ref.pid']);
  assert.ok(s.kind === 'Comparison' && s.op === 'IN' && s.value?.kind === 'List');
  assert.deepEqual(
    s.value.values.map((v) => (v.kind === 'Int' ? v.value : v.kind)),
    [8, 9, 5],
  );
  assert.equal(matchObservation(s, proc), true);
});

test('IS NULL and IS NOT NULL hold when the attribute is absent and present', () => {
  const isNull = (x: string): boolean =>
    matchObservation(parseComparisonExpression(x, { defaultType: 'process', allowVarRefs: true }), proc);
  assert.equal(isNull('command_line IS NULL'), true);
  assert.equal(isNull('command_line IS NOT NULL'), false);
  assert.equal(isNull('name IS NULL'), false);
  assert.equal(isNull('name IS NOT NULL AND parent_ref.command_line IS NULL'), true);
});

test('set semantics: AND needs two distinct observations, OR one', () => {
  const a = obs({ '0': { type: 'ipv4-addr', value: '1.1.1.1' } });
  const b = obs({ '0': { type: 'ipv4-addr', value: '2.2.2.2' } });
  const and = parsePattern("[ipv4-addr:value = '1.1.1.1'] AND [ipv4-addr:value = '2.2.2.2']");
  assert.equal(matchPattern(and, [a]), false);
  assert.equal(matchPattern(and, [a, b]), true);
  assert.deepEqual(
    findPatternBinding(and, [b, a])?.map((o) => o.id),
    [a.id, b.id],
  );
  const same = parsePattern("[ipv4-addr:value = '1.1.1.1'] AND [ipv4-addr:value = '1.1.1.1']");
  assert.equal(matchPattern(same, [a]), false, 'one observation cannot fill two slots');
  const twice = obs({ '0': { type: 'ipv4-addr', value: '1.1.1.1' } }, undefined, undefined, 2);
  assert.equal(matchPattern(same, [twice]), true, 'number_observed 2 counts twice');
  const or = parsePattern("[ipv4-addr:value = '1.1.1.1'] OR [ipv4-addr:value = '3.3.3.3']");
  assert.equal(matchPattern(or, [a]), true);
  assert.equal(matchPattern(or, [b]), false);
});

test('set semantics: FOLLOWEDBY needs time order', () => {
  const a = obs({ '0': { type: 'ipv4-addr', value: '1.1.1.1' } }, '2020-01-01T00:00:00Z');
  const b = obs({ '0': { type: 'ipv4-addr', value: '2.2.2.2' } }, '2020-01-01T00:10:00Z');
  const p = parsePattern("[ipv4-addr:value = '1.1.1.1'] FOLLOWEDBY [ipv4-addr:value = '2.2.2.2']");
  const q = parsePattern("[ipv4-addr:value = '2.2.2.2'] FOLLOWEDBY [ipv4-addr:value = '1.1.1.1']");
  assert.equal(matchPattern(p, [a, b]), true);
  assert.equal(matchPattern(q, [a, b]), false);
});

test('set semantics: WITHIN, REPEATS and START/STOP', () => {
  const at = (t: string, v = '1.1.1.1'): Observation => obs({ '0': { type: 'ipv4-addr', value: v } }, t);
  const a = at('2020-01-01T00:00:00Z');
  const b = at('2020-01-01T00:00:30Z', '2.2.2.2');
  const c = at('2020-01-01T00:10:00Z', '2.2.2.2');
  const w = parsePattern(
    "([ipv4-addr:value = '1.1.1.1'] AND [ipv4-addr:value = '2.2.2.2']) WITHIN 60 SECONDS",
  );
  assert.equal(matchPattern(w, [a, b]), true);
  assert.equal(matchPattern(w, [a, c]), false);
  const r = parsePattern("[ipv4-addr:value = '2.2.2.2'] REPEATS 2 TIMES");
  assert.equal(matchPattern(r, [a, b]), false);
  assert.equal(matchPattern(r, [a, b, c]), true);
  const rw = parsePattern("[ipv4-addr:value = '2.2.2.2'] REPEATS 2 TIMES WITHIN 60 SECONDS");
  assert.equal(matchPattern(rw, [b, c]), false);
  const s = parsePattern(
    "[ipv4-addr:value = '2.2.2.2'] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:10:00Z'",
  );
  assert.equal(matchPattern(s, [c]), false, 'STOP is exclusive');
  assert.equal(matchPattern(s, [b]), true);
});
