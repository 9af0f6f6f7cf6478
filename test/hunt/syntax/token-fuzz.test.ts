/**
 * Property-based fuzzing of the huntflow parser (fast-check, see test/support/fuzz.ts): token soups and deep nesting
 * give a positioned PeregrineError or a tree. fuzz.test.ts beside it mutates the fixture huntflows.
 */
import { test } from 'node:test';
import { parseHuntflow } from '../../../src/hunt/syntax/index.ts';
import { fuzz, tokenSoup } from '../../support/fuzz.ts';

const TOKENS = [
  'x', 'y', '=', 'GET', 'FIND', 'FROM', 'WHERE', 'DISP', 'ATTR', 'LIMIT', 'OFFSET', 'LAST', 'DAYS', 'SECONDS', 'START',
  'STOP', 'GROUP', 'BY', 'SORT', 'ASC', 'DESC', 'JOIN', 'APPLY', 'ON', 'WITH', 'SAVE', 'TO', 'LOAD', 'AS', 'NEW', 'INFO',
  'EXPLAIN', 'COPY', 'DEPTH', '*', 'CREATED', 'LINKED', 'process', 'network-traffic', 'file', 'x.name', 'name',
  'pid', 'dst_port', 'file://a.json', 'stixshifter://x', 'python://a', 'file:///tmp/x.parquet', "'cmd.exe'", '"q"',
  "'", '"', '\\', '(', ')', '[', ']', '{', '}', ',', ':', '.', '#', '#?', '\n', '<', '>=', '!=', 'IN', 'LIKE',
  'MATCHES', 'AND', 'OR', 'NOT', 'IS', 'NULL', "[process:name = 'a']", "t'2020-01-01T00:00:00Z'", '2020-01-01T00:00:00Z',
  '99999999999999999999', '-1', '0', '1e400', "['a', 'b']", '[{"name": "a"}]', '{"a": [', 'COUNT(pid)', 'BIN(x, 5m)',
];

test('huntflow parser: only positioned PeregrineErrors', () => {
  fuzz(
    tokenSoup(TOKENS, { deep: ['(', '[', "x = GET process FROM x WHERE (", 'NOT '] }),
    (input) => parseHuntflow(input, { source: '<fuzz>' }),
    [
      'x = GET process FROM file://a.json WHERE ' + '('.repeat(5000) + 'name = 1' + ')'.repeat(5000),
      'x = GET process FROM file://a.json WHERE [' + '('.repeat(5000) + "process:name = 'a'" + ')'.repeat(5000) + ']',
      'x = NEW process ' + '['.repeat(5000) + ']'.repeat(5000),
      'x = NEW process [' + '{"a": '.repeat(3000) + '1' + '}'.repeat(3000) + ']',
      'x = GET process FROM file://a.json WHERE pid < 99999999999999999999999999',
      'x = GET process FROM file://a.json WHERE pid = 1 LAST 99999999999999 DAYS',
    ],
  );
});
