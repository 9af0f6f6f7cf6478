/** Data files: JSON, then the schema; every problem a MappingError with the file, the JSON path and a hint. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { parseJsonData } from '../../src/common/index.ts';
import { MappingError } from '../../src/errors/index.ts';

const Schema = z.object({ version: z.string(), fields: z.record(z.enum(['keyword', 'long'])) }).strict();
const kind = { what: 'test data', code: 'E_TEST', schemaPath: 'test/common/json-data.test.ts' };

test('valid data comes back typed', () => {
  assert.deepEqual(parseJsonData('{"version":"1","fields":{"a":"long"}}', 'a.json', Schema, kind), {
    version: '1',
    fields: { a: 'long' },
  });
});

test('text that is not JSON, and JSON that breaks the schema', () => {
  assert.throws(
    () => parseJsonData('{"version":', 'a.json', Schema, kind),
    (e: unknown) =>
      e instanceof MappingError &&
      e.code === 'E_TEST_JSON' &&
      /^test data a\.json is not valid JSON: /.test(e.message),
  );
  assert.throws(
    () => parseJsonData('{"version":1,"fields":{"a":"float"},"x":0}', 'a.json', Schema, kind),
    (e: unknown) =>
      e instanceof MappingError &&
      e.code === 'E_TEST_INVALID' &&
      /^test data a\.json is invalid: version: .*; fields\.a: .*; \(root\): /.test(e.message) &&
      e.hint === 'see test/common/json-data.test.ts for the format',
  );
});
