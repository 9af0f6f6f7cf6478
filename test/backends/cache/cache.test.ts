/**
 * The hunt cache's WHERE backend: a STIX pattern → the SQL predicate and its parameters, and the records it selects
 * from a real cache holding Kestrel's test bundles (`test_bundle.json`: network traffic; `doctored-1k.json`:
 * processes with their connections and users). A case's first line is `<entity type> <centered|full>`, the rest the
 * pattern; the output is the SQL, its parameters, then the count of records and entities selected and the first
 * entity keys.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compileCacheWhere } from '../../../src/backends/cache/index.ts';
import { parsePattern, type Pattern } from '../../../src/stix/index.ts';
import type { Observation } from '../../../src/stix/observation.ts';
import { HuntCache } from '../../../src/store/cache/index.ts';
import { KESTREL_TEST_DATA } from '../../support/data.ts';
import { runCases } from '../../support/fixtures.ts';
import { stringLiterals } from '../../support/pattern-strings.ts';

async function* observations(files: readonly string[]): AsyncIterable<Observation> {
  for (const f of files) {
    const bundle = JSON.parse(readFileSync(join(KESTREL_TEST_DATA, f), 'utf8')) as {
      objects: { type: string }[];
    };
    for (const o of bundle.objects) if (o.type === 'observed-data') yield o as unknown as Observation;
  }
}

const cache = (async () => {
  const c = await HuntCache.open();
  await c.ingest(observations(['test_bundle.json', 'doctored-1k.json']));
  return c;
})();
after(async () => (await cache).close());

runCases(join(import.meta.dirname, 'cases'), async (input) => {
  const nl = input.indexOf('\n');
  const [center, mode] = input.slice(0, nl).trim().split(/\s+/) as [string, 'centered' | 'full'];
  const pattern = parsePattern(input.slice(nl + 1));
  const where = compileCacheWhere(pattern, { center, mode });
  for (const s of stringLiterals(pattern))
    assert.ok(!where.sql.includes(`'${s}'`), `value ${s} appears in the SQL text`);
  const rows = await (
    await cache
  ).all(
    `SELECT r.eid FROM rec r JOIN obs o ON o.oid = r.oid WHERE r.type = ? AND ${where.sql} ORDER BY r.rid`,
    [center, ...where.parameters],
  );
  const eids = [...new Set(rows.map((r) => String(r.eid)))];
  return [
    where.sql,
    `-- parameters${where.observation ? ' (reads the observation)' : ''}`,
    JSON.stringify(where.parameters),
    `-- ${rows.length} records, ${eids.length} entities`,
    ...eids.slice(0, 3),
  ].join('\n');
});

test('aliases are numbered per compilation: compiling twice gives the same text', () => {
  const p = parsePattern("[process:parent_ref.name = 'a' AND network-traffic:dst_port = 22]");
  const a = compileCacheWhere(p, { center: 'process', mode: 'full' });
  const b = compileCacheWhere(p, { center: 'process', mode: 'full' });
  assert.equal(a.sql, b.sql);
  assert.match(a.sql, /\bt1\b/);
});

test('no pattern selects every record and reads no observation', () => {
  assert.deepEqual(compileCacheWhere(null, { center: 'process', mode: 'full' }), {
    sql: 'TRUE',
    parameters: [],
    observation: false,
  });
});

test('an empty IN list (a variable reference without values) selects nothing', () => {
  const p = parsePattern('[process:pid IN (1)]');
  const expr = p.expr as Extract<Pattern['expr'], { kind: 'Observation' }>;
  const c = expr.expr as Extract<typeof expr.expr, { kind: 'Comparison' }>;
  const empty: Pattern = {
    ...p,
    expr: { ...expr, expr: { ...c, value: { kind: 'List', values: [], span: c.span } } },
  };
  assert.equal(compileCacheWhere(empty, { center: 'process', mode: 'full' }).sql, 'coalesce(FALSE, FALSE)');
});
