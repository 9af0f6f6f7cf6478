/** Quoting of identifiers, string literals and JSON path keys in DuckDB SQL — checked by DuckDB itself. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { jsonPathKey, quoteIdent, sqlString } from '../../src/common/index.ts';

test('the quoted forms', () => {
  assert.equal(quoteIdent('process.pid'), '"process.pid"');
  assert.equal(quoteIdent('a"b'), '"a""b"');
  assert.equal(sqlString("it's"), "'it''s'");
  assert.equal(jsonPathKey('pid'), '."pid"');
  assert.equal(jsonPathKey('a"b\\c'), '."a\\"b\\\\c"');
});

test('DuckDB reads back every awkward name and text as given', async () => {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const awkward = ['plain', 'with space', 'dot.ted', 'quote"d', "apo'strophe", 'back\\slash', 'SELECT', 'ünï'];
    for (const name of awkward) {
      const sql =
        `SELECT ${sqlString(name)} AS ${quoteIdent(name)}, ` +
        `json_extract_string(json_object(${sqlString(name)}, 7), ${sqlString('$' + jsonPathKey(name))}) AS v`;
      const reader = await conn.runAndReadAll(sql);
      assert.deepEqual(reader.columnNames(), [name, 'v']);
      assert.deepEqual(reader.getRows(), [[name, '7']]);
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});
