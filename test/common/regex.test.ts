/** The one regex module: RE2 semantics, flags, and a positioned PeregrineError naming what RE2 cannot run. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRegex, escapeRegex, inlineFlags, isValidRegex } from '../../src/common/regex.ts';
import { ParseError } from '../../src/errors/index.ts';

test('search anywhere, whole-value match, and the i/m/s flags', () => {
  const re = compileRegex('b+c');
  assert.deepEqual([re.test('abbcd'), re.testWhole('abbcd'), re.testWhole('bbc')], [true, false, true]);
  assert.equal(compileRegex('ABC', { ignoreCase: true }).test('xabcx'), true);
  assert.equal(compileRegex('^b$').test('a\nb'), false);
  assert.equal(compileRegex('^b$', { multiline: true }).test('a\nb'), true);
  assert.equal(compileRegex('a.b').test('a\nb'), false);
  assert.equal(compileRegex('a.b', { dotAll: true }).test('a\nb'), true);
  assert.equal(compileRegex('(?i)abc').test('ABC'), true);
});

test('linear time: a pattern that backtracks exponentially in a backtracking engine returns at once', () => {
  const re = compileRegex('(a+)+$');
  const input = `${'a'.repeat(5000)}!`;
  const t0 = process.hrtime.bigint();
  assert.equal(re.test(input), false);
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 2000);
});

test('what RE2 cannot run is an E_REGEX ParseError naming the construct, at the span given, with a hint', () => {
  const span = { source: 'rule.yml', line: 3, col: 7, offset: 40 };
  const cases: [string, RegExp][] = [
    ['foo(?=bar)', /lookaround/],
    ['(?<!x)y', /lookaround/],
    ['(a)\\1', /backreferences/],
    ['(?>a)', /atomic groups/],
    ['a++', /possessive/],
    ['a\\Z', /\\Z/],
    ['a(b', /not a valid RE2 regular expression: missing closing \)/],
  ];
  for (const [pattern, message] of cases) {
    try {
      compileRegex(pattern, {}, { span, what: `pattern '${pattern}'` });
      assert.fail(`${pattern} compiled`);
    } catch (e) {
      assert.ok(e instanceof ParseError, pattern);
      assert.equal(e.code, 'E_REGEX');
      assert.match(e.message, message);
      assert.equal(e.span?.line, 3);
      assert.ok(e.hint);
    }
  }
  assert.equal(isValidRegex('a(?=b)'), false);
});

test('escaping and inline flags', () => {
  const text = 'a.b*c(d)[e]{f}|g^h$i\\j+k?';
  assert.equal(compileRegex(`^${escapeRegex(text)}$`).test(text), true);
  assert.equal(inlineFlags({ ignoreCase: true, dotAll: true }), '(?is)');
  assert.equal(inlineFlags({}), '');
});
