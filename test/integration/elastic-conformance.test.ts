/* eslint-disable @typescript-eslint/no-explicit-any -- JSON vectors and answers */
/**
 * Semantic conformance with STIX-shifter's elastic_ecs translator on a real OpenSearch. For each of the 42 query
 * vectors of `elastic_ecs_vectors.json`, ECS documents that should and should not match are generated from the
 * pattern's comparisons (every field STIX-shifter maps each path to; the value, near misses, boundary values; one
 * document per observation satisfying all its comparisons; each at the START, in the middle and at the STOP of every
 * window), loaded into OpenSearch, and searched with STIX-shifter's expected query_string and with our DSL. The hit
 * sets must be equal, except for the differences listed in KNOWN — each explained in docs/conformance.md.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { compileElastic } from '../../src/backends/elastic/index.ts';
import type { Comparison, Literal, ObservationExpr, Pattern } from '../../src/stix/ast.ts';
import { parsePattern } from '../../src/stix/index.ts';
import { bulkLoad, os } from './elastic-support.ts';
import { STIX_SHIFTER_DATA } from '../support/data.ts';

const vectors: any[] = JSON.parse(readFileSync(join(STIX_SHIFTER_DATA, 'elastic_ecs_vectors.json'), 'utf8'));
const fromStix: Record<string, { fields: Record<string, string[]> }> = JSON.parse(
  readFileSync(
    join(STIX_SHIFTER_DATA, 'stix_shifter_modules/elastic_ecs/stix_translation/json/from_stix_map.json'),
    'utf8',
  ),
);
const INDEX = 'peregrine-it-conformance';

/** Every generated document by id, for the explanations below. */
const docIndex = new Map<string, Record<string, any>>();

interface Known {
  /** docs/conformance.md names the difference by this key. */
  readonly why: string;
  /** Does this explain a document only our DSL finds? */
  readonly ours?: (doc: Record<string, any>, c: Case) => boolean;
  /** Does this explain a document only STIX-shifter's query finds? */
  readonly theirs?: (doc: Record<string, any>, c: Case) => boolean;
  /** STIX-shifter's query makes OpenSearch fail the search. */
  readonly theirsFails?: boolean;
}

const leafValues = (d: unknown): unknown[] =>
  d !== null && typeof d === 'object' ? Object.values(d as object).flatMap(leafValues) : [d];
const atStop = (d: Record<string, any>, c: Case): boolean =>
  windows(c.pattern).some(([, stop]) => Date.parse(d['@timestamp']) === Date.parse(stop));
const inPath = (d: Record<string, any>): boolean =>
  leafValues(d).some((v) => typeof v === 'string' && v.startsWith('/opt/bin/'));

const STOP: Known = { why: 'stop-inclusive', theirs: atStop };
const BASENAME: Known = { why: 'basename', ours: inPath };
const UNANCHORED: Known = { why: 'matches-unanchored', ours: () => true };

/**
 * Vectors whose hit sets differ, each difference explained document by document (docs/conformance.md, elastic
 * section): a new, unexplained difference fails the test.
 */
const KNOWN: Record<string, Known> = {
  test_combined_observations_with_one_qualifier: STOP,
  test_complex_query: STOP,
  test_start_stop_qualifiers_with_OR_query: STOP,
  test_start_stop_qualifiers_with_two_observations: STOP,
  test_start_stop_qualifiers_with_three_observations: STOP,
  test_file_query: BASENAME,
  test_process_references: BASENAME,
  test_like_operator: { why: 'like-quoted', ours: () => true },
  test_match_operator: UNANCHORED,
  test_match_operator_case_sensitive: UNANCHORED,
  test_match_operator_escaped: UNANCHORED,
  test_match_operator_with_classes: UNANCHORED,
  test_match_operator_with_dialect: { why: 'beats-dialect', ours: () => true },
  test_process_created_greaterthan: {
    why: 'subsecond',
    ours: (d) => Math.abs(Date.parse(d.process?.start) - Date.parse('2019-04-10T11:34:05.500Z')) < 1000,
  },
  test_process_created_lessthan: {
    why: 'subsecond',
    ours: (d) => Math.abs(Date.parse(d.process?.start) - Date.parse('2019-04-10T11:34:05.500Z')) < 1000,
  },
};

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

/** Strings matching (first) and not matching (rest) each MATCHES regex of the vectors. */
const REGEX_EXAMPLES: Record<string, string[]> = {
  '1*': ['111', 'abc'],
  '(?i)virus\\.exe': ['VIRUS.exe', 'virus.exe', 'my virus.exe.bak', 'virusXexe'],
  'cmd\\.exe': ['cmd.exe', 'C:\\cmd.exe', 'cmdXexe'],
  '^cmd\\..*$': ['cmd.exe', 'xcmd.exe'],
  '^cmd\\.exe .*': ['cmd.exe /c dir', 'cmd.exe', 'run cmd.exe /c'],
  'a\\wb\\dc': ['aXb5c', 'zaXb5cz', 'a-b5c'],
  'cmd\\.exe .*': ['cmd.exe /c', 'C:\\cmd.exe /c', 'cmd.exe'],
};

function comparisons(e: ObservationExpr | Pattern): Comparison[][] {
  if (e.kind === 'Pattern') return comparisons(e.expr);
  if (e.kind === 'Qualified') return comparisons(e.expr);
  if (e.kind === 'ObservationBinary') return [...comparisons(e.left), ...comparisons(e.right)];
  const out: Comparison[] = [];
  const walk = (c: any): void => {
    if (c.kind === 'Comparison') out.push(c);
    else {
      walk(c.left);
      walk(c.right);
    }
  };
  walk(e.expr);
  return [out];
}

function windows(e: ObservationExpr | Pattern, out: Array<[string, string]> = []): Array<[string, string]> {
  if (e.kind === 'Pattern') return windows(e.expr, out);
  if (e.kind === 'Qualified') {
    if (e.qualifier.kind === 'StartStop') out.push([e.qualifier.start, e.qualifier.stop]);
    windows(e.expr, out);
  } else if (e.kind === 'ObservationBinary') {
    windows(e.left, out);
    windows(e.right, out);
  }
  return out;
}

function shiftTime(t: string, ms: number): string {
  return new Date(Date.parse(t) + ms).toISOString();
}

function bumpIp(ip: string): string {
  if (IPV4.test(ip)) return ip.replace(/\d+$/, (d) => String((Number(d) + 1) % 256));
  return ip.replace(/[0-9a-f]+$/i, (d) => (parseInt(d, 16) + 1).toString(16));
}

function likeExamples(like: string): string[] {
  const inst = (pct: string): string =>
    [...like].map((ch) => (ch === '%' ? pct : ch === '_' ? 'q' : ch)).join('');
  return [inst(''), inst('abc'), `X${inst('abc')}`];
}

function lit(v: Literal | undefined): unknown {
  return v && 'value' in v ? v.value : undefined;
}

/** Values for one comparison: [satisfying, …near misses]. */
function values(c: Comparison): unknown[] {
  const v = c.value;
  if (c.op === 'IN' && v?.kind === 'List') {
    const vs = v.values.map(lit);
    return [...vs, `zz${String(vs[0])}`];
  }
  const x = lit(v);
  if (c.op === 'LIKE') return likeExamples(String(x));
  if (c.op === 'MATCHES') return REGEX_EXAMPLES[String(x)] ?? [String(x)];
  if (typeof x === 'number') {
    const sat = c.op === '>' ? x + 1 : c.op === '<' ? x - 1 : c.op === '!=' ? x + 1 : x;
    return [sat, x - 1, x, x + 1];
  }
  const s = String(x);
  if (ISO.test(s)) {
    const sat =
      c.op === '>' ? shiftTime(s, 1) : c.op === '<' ? shiftTime(s, -1) : c.op === '!=' ? shiftTime(s, 1) : s;
    return [sat, shiftTime(s, -1), s, shiftTime(s, 1)];
  }
  if (IPV4.test(s) || (s.includes(':') && /^[0-9a-f:]+$/i.test(s)))
    return c.op === '!=' ? [bumpIp(s), s] : [s, bumpIp(s)];
  const near = [`${s}x`, `x${s}`];
  return c.op === '!=' ? [`${s}x`, s, ...near] : [s, ...near, `/opt/bin/${s}`];
}

function stixPath(c: Comparison): string {
  const steps = c.path.steps.map((s) =>
    s.kind === 'Key' ? (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.name) ? s.name : `'${s.name}'`) : `[${s.index}]`,
  );
  return steps.join('.').replace(/\.\[/g, '[');
}

function theirFields(c: Comparison): string[] {
  return fromStix[c.path.objectType]?.fields[stixPath(c)] ?? [];
}

function setField(doc: Record<string, any>, field: string, v: unknown): void {
  const parts = field.split('.');
  let cur = doc;
  for (const p of parts.slice(0, -1)) cur = cur[p] ??= {};
  cur[parts[parts.length - 1]] = v;
}

interface Case {
  index: number;
  name: string;
  pattern: Pattern;
  expected: string[];
}

const cases: Case[] = vectors
  .map((v, index) => ({ v, index }))
  .filter(({ v }) => v.kind === 'query')
  .map(({ v, index }) => ({
    index,
    name: v.test,
    pattern: parsePattern(v.pattern),
    expected: v.expected as string[],
  }));

function docsFor(c: Case): Array<{ id: string; doc: unknown }> {
  const base: Array<Record<string, any>> = [];
  for (const group of comparisons(c.pattern)) {
    for (const cmp of group) {
      for (const f of theirFields(cmp))
        for (const v of values(cmp)) base.push(Object.assign({}, setDoc(f, v)));
    }
    // one document satisfying every comparison of the observation, on the first and on the last field of each
    for (const pick of [0, -1]) {
      const d: Record<string, any> = {};
      for (const cmp of group) {
        const fs = theirFields(cmp);
        if (fs.length) setField(d, fs.at(pick)!, values(cmp)[0]);
      }
      base.push(d);
    }
  }
  base.push({ message: 'a document with none of the fields' });
  const ws = windows(c.pattern);
  const times = ws.length
    ? ws.flatMap(([a, b]) => [a, shiftTime(a, (Date.parse(b) - Date.parse(a)) / 2), b])
    : ['2020-01-01T00:00:00.000Z'];
  const out: Array<{ id: string; doc: unknown }> = [];
  base.forEach((d, i) =>
    times.forEach((t, j) => {
      const doc = { ...d, '@timestamp': t, peregrine_vector: c.index };
      docIndex.set(`v${c.index}-${i}-${j}`, doc);
      out.push({ id: `v${c.index}-${i}-${j}`, doc });
    }),
  );
  return out;
}

function setDoc(field: string, v: unknown): Record<string, any> {
  const d: Record<string, any> = {};
  setField(d, field, v);
  return d;
}

before(async () => {
  await os('DELETE', `/${INDEX}`);
  const ip = { type: 'ip', ignore_malformed: true };
  const ipFields = ['source', 'destination', 'client', 'server', 'host'];
  const props: Record<string, any> = {
    '@timestamp': { type: 'date' },
    peregrine_vector: { type: 'integer' },
    process: { properties: { start: { type: 'date' } } },
    event: { properties: { start: { type: 'date' } } },
    dns: { properties: { resolved_ip: ip } },
  };
  for (const f of ipFields) props[f] = { properties: { ip, nat: { properties: { ip } } } };
  await os('PUT', `/${INDEX}`, {
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      dynamic_templates: [{ strings: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }],
      properties: props,
    },
  });
  const all = cases.flatMap(docsFor);
  await bulkLoadKeep(all);
});

async function bulkLoadKeep(docs: Array<{ id: string; doc: unknown }>): Promise<void> {
  const lines: string[] = [];
  for (const d of docs)
    lines.push(JSON.stringify({ index: { _index: INDEX, _id: d.id } }), JSON.stringify(d.doc));
  for (let i = 0; i < lines.length; i += 4000) {
    const r = await os('POST', '/_bulk', lines.slice(i, i + 4000).join('\n') + '\n');
    if (r.errors) throw new Error(`bulk: ${JSON.stringify(r.items.find((x: any) => x.index?.error))}`);
  }
  await os('POST', `/${INDEX}/_refresh`);
  void bulkLoad;
}

async function hits(index: number, query: unknown): Promise<string[]> {
  const r = await os('POST', `/${INDEX}/_search`, {
    size: 10000,
    _source: false,
    query: { bool: { filter: [{ term: { peregrine_vector: index } }, query] } },
  });
  if (r.error) throw new Error(JSON.stringify(r.error));
  return r.hits.hits.map((h: any) => h._id).sort();
}

const report: string[] = [];

test('there are 42 query vectors', () => {
  assert.equal(cases.length, 42);
});

for (const c of cases) {
  test(`vector ${c.index} ${c.name}`, async () => {
    const known = KNOWN[c.name];
    const theirQuery = {
      bool: { should: c.expected.map((q) => ({ query_string: { query: q } })), minimum_should_match: 1 },
    };
    const plan = compileElastic(
      { entityType: 'x-oca-event', pattern: c.pattern },
      { defaultWindowMinutes: 0 },
    );
    const ours = await hits(c.index, plan.query);
    let theirs: string[];
    try {
      theirs = await hits(c.index, theirQuery);
    } catch (e) {
      report.push(
        `${c.index}\t${c.name}\tours=${ours.length}\ttheirs=FAILS ${(e as Error).message.slice(0, 120)}`,
      );
      assert.ok(known?.theirsFails, `STIX-shifter's query fails: ${(e as Error).message.slice(0, 300)}`);
      return;
    }
    const onlyOurs = ours.filter((x) => !theirs.includes(x));
    const onlyTheirs = theirs.filter((x) => !ours.includes(x));
    report.push(
      `${c.index}\t${c.name}\tboth=${ours.length - onlyOurs.length}\tonlyOurs=${onlyOurs.length}\tonlyTheirs=${onlyTheirs.length}`,
    );
    if (process.env.CONFORMANCE_REPORT) console.log(report.at(-1));
    assert.ok(ours.length + theirs.length > 0, 'the generated documents exercise the vector');
    const unexplained = {
      onlyOurs: onlyOurs.filter((id) => !known?.ours?.(docIndex.get(id)!, c)),
      onlyTheirs: onlyTheirs.filter((id) => !known?.theirs?.(docIndex.get(id)!, c)),
    };
    assert.deepEqual(
      unexplained,
      { onlyOurs: [], onlyTheirs: [] },
      'differences not explained in docs/conformance.md',
    );
    if (known)
      assert.ok(
        onlyOurs.length + onlyTheirs.length > 0,
        `${c.name} is listed as differing (${known.why}) but no longer does`,
      );
  });
}

test("STIX-shifter's error vectors are typed errors here too", () => {
  const errs = vectors.filter((v) => v.kind === 'query_error');
  assert.equal(errs.length, 2);
  for (const v of errs) {
    assert.throws(
      () =>
        compileElastic(
          { entityType: 'x-oca-event', pattern: parsePattern(v.pattern) },
          { defaultWindowMinutes: 0 },
        ),
      (e: any) => ['E_UNMAPPED_PATH', 'E_SYNTAX', 'E_SEMANTIC'].includes(e.code) || /^E_/.test(e.code),
    );
  }
});
