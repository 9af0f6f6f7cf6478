/** Fuzzing the STIX pattern parser (see test/support/fuzz.ts): a positioned PeregrineError or a pattern, nothing else. */
import { test } from 'node:test';
import { compileObservationFilter } from '../../src/stix/matcher/index.ts';
import { parsePattern } from '../../src/stix/index.ts';
import { fuzz, tokenSoup } from '../support/fuzz.ts';

const TOKENS = [
  '[', ']', '(', ')', ':', '.', ',', "'", '"', '\\', '[*]', '[0]', 'process', 'process:name', 'file:hashes.\'SHA-256\'',
  'network-traffic:dst_port', 'x-oca-event:process_ref.name', 'ipv4-addr:value', 'name', '_ref', '_refs[*]',
  '=', '!=', '<', '<=', '>', '>=', 'IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET', 'EXISTS', 'NOT', 'AND', 'OR',
  'FOLLOWEDBY', 'START', 'STOP', 'WITHIN', 'SECONDS', 'REPEATS', 'TIMES', "'cmd.exe'", "'%a_'", "'(a+)+$'", "'(?=x)'",
  "'\\\\'", "t'2020-01-01T00:00:00Z'", "t'2020-13-45T99:00:00Z'", "h'ff'", "b'AAA='", '22', '-1', '1.5', '1e400',
  '99999999999999999999', 'true', 'false', "('a', 'b')", "'10.0.0.0/8'", "'::1/129'",
];

test('STIX pattern parser and matcher compiler: only positioned PeregrineErrors', () => {
  fuzz(
    tokenSoup(TOKENS, { deep: ['[', '(', 'NOT ', '(['] }),
    (input) => compileObservationFilter(parsePattern(input, { source: '<fuzz>' })),
    [
      "[process:name = 'a']",
      '('.repeat(5000) + "[process:name = 'a']" + ')'.repeat(5000),
      "[process:name MATCHES '" + '('.repeat(3000) + "']",
    ],
  );
});
