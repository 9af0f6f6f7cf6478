// Completion engine shared by the kernel and the REPL, on fixture cases: `|` marks the cursor; the session has the
// variables `conns` (network-traffic) and `procs` (process) and the profile `host101`.
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete, describeWord, profileNamesFromEnv, wordAt } from '../../../src/hunt/complete/index.ts';
import { runCases } from '../../support/fixtures.ts';

const variables = [
  { name: 'conns', type: 'network-traffic' },
  { name: 'procs', type: 'process' },
];

runCases(join(import.meta.dirname, 'cases'), async (input) => {
  const cursor = input.indexOf('|');
  const text = input.slice(0, cursor) + input.slice(cursor + 1);
  const c = await complete(text, cursor, { variables, profiles: ['host101'] });
  for (const m of c.matches)
    assert.ok(m.toLowerCase().startsWith(text.slice(c.start, c.end).toLowerCase()), m);
  return c.matches.join(' ');
});

test('profile names come from STIXSHIFTER_<NAME>_CONNECTION / _CONFIG, lower-cased, once each', () => {
  assert.deepEqual(
    profileNamesFromEnv({
      STIXSHIFTER_HOST101_CONNECTION: '{}',
      STIXSHIFTER_HOST101_CONFIG: '{}',
      STIXSHIFTER_ELK_CONFIG: '{}',
      PATH: '/bin',
    }),
    ['elk', 'host101'],
  );
});

test('inspect describes variables, commands, relations and entity types; nothing for unknown words', () => {
  const vars = [
    { name: 'conns', type: 'network-traffic', entities: 29, records: 29, related: { 'ipv4-addr': 58 } },
  ];
  const v = describeWord('conns', vars)!;
  assert.match(v, /^conns: variable of type network-traffic/);
  assert.match(v, /entities: 29/);
  assert.match(v, /related records cached: ipv4-addr 58/);
  assert.match(v, /attributes: .*dst_port/);
  assert.match(describeWord('find', vars)!, /^FIND: y = FIND <entity-type> <RELATION>/);
  assert.match(describeWord('CREATED', vars)!, /ipv4-addr CREATED network-traffic/);
  assert.match(describeWord('ipv4-addr', vars)!, /attributes: .*value/);
  assert.equal(describeWord('nosuch', vars), undefined);
  assert.deepEqual(wordAt('DISP conns ATTR x', 7), { word: 'conns', start: 5, end: 10 });
});

test('by default, profiles come from the environment (and profile file) the connector reads', async () => {
  const saved = process.env.STIXSHIFTER_PEREGRINETEST_CONNECTION;
  process.env.STIXSHIFTER_PEREGRINETEST_CONNECTION = '{"host": "localhost", "port": 9200, "indices": "x"}';
  try {
    const text = 'x = GET process FROM stixshifter://peregrinet';
    const c = await complete(text, text.length, { variables: [] });
    assert.deepEqual(c.matches, ['peregrinetest']);
  } finally {
    if (saved === undefined) delete process.env.STIXSHIFTER_PEREGRINETEST_CONNECTION;
    else process.env.STIXSHIFTER_PEREGRINETEST_CONNECTION = saved;
  }
});
