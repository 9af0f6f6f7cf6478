/** CSV writing: RFC 4180 quoting and the table layout. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, csvTable } from '../../src/common/index.ts';

test('fields are quoted only when they must be', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField(''), '');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\r'), '"cr\r"');
  assert.equal(csvField("it's; fine"), "it's; fine");
});

test('a header and rows, each value through the caller’s text', () => {
  const text = (v: unknown) => (v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  assert.equal(
    csvTable(['name', 'args'], [['sh', ['-c', 'id']], [null, 'x,y']], text),
    'name,args\nsh,"[""-c"",""id""]"\n,"x,y"',
  );
  assert.equal(csvTable(['only'], [], text), 'only');
});
