/**
 * The one ECS index mapping (src/mapping/ecs-index.ts over data/ecs-fields.json): it agrees with the embedded
 * store's typed columns and with the fields the STIX map searches for addresses, it types every non-string value
 * the SysFlow exporter writes, and its generated shape is what the cluster accepts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  ECS_FIELDS_PATH,
  ecsFieldTypes,
  ecsIndexMapping,
  parseEcsFields,
  type EcsFieldType,
  stixEcsMap,
} from '../../src/mapping/index.ts';
import { MappingError } from '../../src/errors/index.ts';
import { TYPED_COLUMNS } from '../../src/store/ecs/index.ts';
import { parseCases } from '../support/fixtures.ts';

const types = ecsFieldTypes();

test('every typed column of the embedded store has the same type on the cluster', () => {
  const want: Record<string, string> = {
    timestamp: 'date_nanos',
    long: 'long',
    double: 'double',
    boolean: 'boolean',
    ip: 'ip',
    'ip[]': 'ip',
    keyword: 'keyword',
    'keyword[]': 'keyword',
  };
  for (const c of TYPED_COLUMNS) assert.equal(types.get(c.field), want[c.kind], c.field);
});

test('every field the STIX map searches for an address is an ip field', () => {
  const map = stixEcsMap();
  for (const key of ['ipv4-addr:value', 'ipv6-addr:value']) {
    for (const f of map.query[key] ?? []) {
      const field = typeof f === 'string' ? f : f.field;
      assert.equal(types.get(field), 'ip', field);
    }
  }
});

/** Leaf fields of a document with their values (arrays: each element). */
function leaves(o: Record<string, unknown>, prefix = '', out: [string, unknown][] = []): [string, unknown][] {
  for (const [k, v] of Object.entries(o)) {
    const f = prefix ? `${prefix}.${k}` : k;
    const values = Array.isArray(v) ? v : [v];
    for (const x of values) {
      if (x !== null && typeof x === 'object') leaves(x as Record<string, unknown>, f, out);
      else out.push([f, x]);
    }
  }
  return out;
}

test("every number and flag of the SysFlow exporter's documents is typed; every typed value fits its type", () => {
  const cases = parseCases(
    readFileSync(new URL('../telemetry/sysflow/cases/ecs.txt', import.meta.url), 'utf8'),
  );
  assert.ok(cases.length >= 5);
  let checked = 0;
  for (const c of cases) {
    for (const [field, value] of leaves(JSON.parse(c.expected) as Record<string, unknown>)) {
      const t = types.get(field);
      if (typeof value === 'string' && t === undefined) continue; // a keyword by the dynamic template
      assert.ok(t !== undefined, `${c.name}: ${field} (${typeof value}) has no type`);
      const kind = typeof t === 'string' ? t : t.type;
      const fits: Record<string, (v: unknown) => boolean> = {
        keyword: (v) => typeof v === 'string',
        text: (v) => typeof v === 'string',
        ip: (v) => typeof v === 'string',
        date_nanos: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
        long: (v) => Number.isInteger(v),
        integer: (v) => Number.isInteger(v),
        boolean: (v) => typeof v === 'boolean',
      };
      assert.ok(fits[kind]!(value), `${c.name}: ${field} = ${JSON.stringify(value)} is not a ${kind}`);
      checked++;
    }
  }
  assert.ok(checked > 100, `${checked} values checked`);
});

test('the generated mapping: nested properties, ignore_malformed on typed fields only, strings as keywords', () => {
  const m = ecsIndexMapping(
    new Map<string, EcsFieldType>([
      ['@timestamp', 'date_nanos'],
      ['process.pid', 'long'],
      ['process.name', 'keyword'],
      ['process.interactive', 'boolean'],
      ['source.ip', 'ip'],
      ['sysflow.ke.message', { type: 'text', index: false }],
    ]),
  );
  assert.deepEqual(m, {
    dynamic_templates: [
      { strings_as_keyword: { match_mapping_type: 'string', mapping: { type: 'keyword' } } },
    ],
    properties: {
      '@timestamp': { type: 'date_nanos', ignore_malformed: true },
      process: {
        properties: {
          pid: { type: 'long', ignore_malformed: true },
          name: { type: 'keyword' },
          interactive: { type: 'boolean' },
        },
      },
      source: { properties: { ip: { type: 'ip', ignore_malformed: true } } },
      sysflow: { properties: { ke: { properties: { message: { type: 'text', index: false } } } } },
    },
  });
  // the built-in data: every field once, at its dotted place
  const built = ecsIndexMapping() as { properties: Record<string, { properties?: object }> };
  assert.deepEqual((built.properties.process.properties as Record<string, unknown>).pid, {
    type: 'long',
    ignore_malformed: true,
  });
});

test('bad field-type data is a MappingError naming the place', () => {
  const bad = (fields: unknown) => () => parseEcsFields(JSON.stringify({ version: '1', fields }), 'x.json');
  assert.throws(
    bad({ 'a.b': 'float' }),
    (e: unknown) => e instanceof MappingError && /fields\.a\.b/.test(e.message),
  );
  assert.throws(bad({ 'A b': 'keyword' }), /is not a dotted field name/);
  assert.throws(bad({ a: 'keyword', 'a.b': 'long' }), /a is a field and holds a\.b/);
  assert.throws(
    () => parseEcsFields('{', 'x.json'),
    (e: unknown) => e instanceof MappingError && e.code === 'E_MAP_JSON',
  );
  assert.ok(ECS_FIELDS_PATH.endsWith('ecs-fields.json'));
});
