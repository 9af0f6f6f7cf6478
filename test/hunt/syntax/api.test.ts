/** The smaller exports of the syntax front end: parseStatement, checkTimestamp, frozen ASTs, error spans' sources. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPeregrineError } from '../../../src/errors/index.ts';
import {
  checkTimestamp,
  parseHuntflow,
  parseHuntflowAll,
  parseStatement,
} from '../../../src/hunt/syntax/index.ts';

test('parseStatement takes exactly one statement', () => {
  assert.equal(parseStatement('DISP x').kind, 'Disp');
  assert.throws(
    () => parseStatement('DISP x\nINFO x', { source: '<repl>' }),
    (e: unknown) => isPeregrineError(e) && e.span?.line === 2 && e.span.source === '<repl>',
  );
});

test('checkTimestamp validates calendar dates, UTC and precision', () => {
  assert.equal(checkTimestamp('2020-02-29T00:00:00Z'), undefined);
  assert.equal(checkTimestamp('2021-10-17T23:59:60.123456Z'), undefined);
  assert.match(checkTimestamp('2021-02-29T00:00:00Z') ?? '', /day 29/);
  assert.match(checkTimestamp('2021-10-17T24:00:00Z') ?? '', /hour/);
  assert.match(checkTimestamp('2021-10-17T00:00:00+02:00') ?? '', /UTC/);
  assert.match(checkTimestamp('2021-10-17') ?? '', /time of day/);
});

test('the AST is deeply frozen and errors name their source', () => {
  const h = parseHuntflow("x = GET process WHERE [process:name = 'a']\nDISP x ATTR pid", {
    source: 'hunt.hf',
  });
  assert.equal(h.source, 'hunt.hf');
  const stack: unknown[] = [h];
  let n = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    assert.ok(Object.isFrozen(v), `not frozen: ${JSON.stringify(v).slice(0, 80)}`);
    n++;
    for (const x of Object.values(v)) stack.push(x);
  }
  assert.ok(n > 20);
  assert.throws(
    () => parseHuntflow('x = GET process WHERE [ = 1]', { source: 'bad.hf' }),
    (e: unknown) => isPeregrineError(e) && e.span?.source === 'bad.hf' && e.span.col === 25,
  );
});

test('batch mode collects one error per failing statement and keeps the good ones', () => {
  const text = [
    "exploits = GET process FROM stixshifter://container1 WHERE [ = 'node']",
    'exp_spawn = FIND process CREATED BY exploits',
    'exp_act = GET process FROM exp_spawn',
    '          WHERE name =',
    'DISP exp_act ATTR created, pid,, name',
    'INFO exp_act',
    'GTE x',
  ].join('\n');
  const { huntflow, errors } = parseHuntflowAll(text, { source: 'batch.hf' });
  assert.deepEqual(
    errors.map((e) => `${e.span?.line}:${e.span?.col} ${e.code}`),
    ['1:62 E_SYNTAX', '5:1 E_SYNTAX', '5:32 E_HUNT_EMPTY_ATTRIBUTE', '7:1 E_HUNT_UNEXPECTED'],
  );
  assert.deepEqual(
    huntflow.statements.map((s) => s.kind),
    ['Find', 'Info'],
  );
  const ok = parseHuntflowAll('DISP x\nINFO x');
  assert.equal(ok.errors.length, 0);
  assert.equal(ok.huntflow.statements.length, 2);
});
