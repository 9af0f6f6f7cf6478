/* eslint-disable @typescript-eslint/no-explicit-any -- JSON fixtures and schemas */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { toBundle, toStix21Objects, uuidv5 } from '../../../src/connectors/elastic/stix-bundle.ts';
import { ecsDocsToObservations, translateResults } from '../../../src/connectors/elastic/shifter-verbs.ts';
import { STIX_SHIFTER_DATA, STIX2_SCHEMAS, SYSFLOW_DATA } from '../../support/data.ts';

const readJson = (p: string): any => JSON.parse(readFileSync(p, 'utf8'));

function validator(): (obj: any) => string[] {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true, unicodeRegExp: false });
  const root = STIX2_SCHEMAS;
  const ids = new Map<string, string>();
  for (const dir of ['common', 'observables', 'sdos', 'sros']) {
    for (const f of readdirSync(join(root, dir))) {
      const s = readJson(join(root, dir, f));
      ajv.addSchema(s);
      ids.set(`${dir}/${f.replace(/\.json$/, '')}`, s.$id);
    }
  }
  return (obj) => {
    const key = ids.has(`observables/${obj.type}`)
      ? `observables/${obj.type}`
      : ids.has(`sdos/${obj.type}`)
        ? `sdos/${obj.type}`
        : 'common/cyber-observable-core';
    const v = ajv.getSchema(ids.get(key)!)!;
    return v(obj) ? [] : (v.errors ?? []).map((e) => `${obj.type} ${e.instancePath} ${e.message}`);
  };
}

test('uuidv5 follows RFC 4122 (known vector)', () => {
  // python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
  assert.equal(
    uuidv5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org'),
    '886313e1-3b8a-5372-9b90-0c9aee199e5d',
  );
});

test('STIX 2.1 bundles of every conformance document validate against the OASIS schemas', () => {
  const validate = validator();
  const docs = [
    ...readJson(join(STIX_SHIFTER_DATA, 'elastic_ecs_results.json')).entries.map((e: any) => e.input_ecs_doc),
    ...readJson(join(SYSFLOW_DATA, 'ecs_examples.json')).documents.map((d: any) => d._source),
  ];
  const bundle = toBundle(ecsDocsToObservations(docs), {
    stix21: true,
    created: '2024-01-01T00:00:00.000Z',
  }) as any;
  const problems = bundle.objects.flatMap((o: any) => validate(o));
  assert.deepEqual(problems, []);
  assert.ok(bundle.objects.some((o: any) => o.type === 'process' && o.image_ref?.startsWith('file--')));
});

test('2.1 ids are deterministic and refs are resolved before hashing (no network-traffic collision)', () => {
  const vec = readJson(join(STIX_SHIFTER_DATA, 'elastic_ecs_results.json')).observed_bug_vectors[0];
  const a = JSON.stringify(
    translateResults('elastic_ecs', '{}', JSON.stringify(vec.input_ecs_docs), '{"stix_2.1": true}'),
  );
  const b = JSON.stringify(
    translateResults('elastic_ecs', '{}', JSON.stringify(vec.input_ecs_docs), '{"stix_2.1": true}'),
  );
  const ids = (s: string) => JSON.parse(s).objects.map((o: any) => o.id);
  assert.deepEqual(ids(a), ids(b));
  const nts = JSON.parse(a).objects.filter((o: any) => o.type === 'network-traffic');
  assert.equal(nts.length, 2, 'two distinct network-traffic objects');
  assert.notEqual(nts[0].src_ref, nts[1].src_ref);
  const [o1] = [...ecsDocsToObservations(vec.input_ecs_docs[0])];
  const { objects } = toStix21Objects(o1);
  assert.ok(objects.every((o) => typeof o.id === 'string' && (o.id as string).startsWith(`${o.type}--`)));
});

test('STIX 2.0 bundles keep the objects map and the data-source identity', () => {
  const identity = {
    type: 'identity',
    id: 'identity--3532c56d-ea72-48be-a2ad-1a53f4c9c6d3',
    name: 'ElasticEcs',
    identity_class: 'events',
  };
  const doc = readJson(join(STIX_SHIFTER_DATA, 'elastic_ecs_results.json')).entries[0].input_ecs_doc;
  const b = translateResults('elastic_ecs', JSON.stringify(identity), JSON.stringify([doc])) as any;
  assert.equal(b.spec_version, '2.0');
  assert.deepEqual(b.objects[0], identity);
  assert.equal(b.objects[1].type, 'observed-data');
  assert.equal(b.objects[1].created_by_ref, identity.id);
  assert.equal(b.objects[1].first_observed, '2019-04-21T11:05:07.000Z');
  assert.ok(
    Object.values(b.objects[1].objects).some(
      (o: any) => o.type === 'network-traffic' && o.src_port === 49745,
    ),
  );
});

test('translate results reads the documents from @FILE as from the argument; errors name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-results-'));
  try {
    // (the documents with a time: the others are observed "now")
    const docs = readJson(join(STIX_SHIFTER_DATA, 'elastic_ecs_results.json'))
      .entries.map((e: any) => e.input_ecs_doc)
      .filter((d: any) => d['@timestamp'] !== undefined);
    const file = join(dir, 'docs.json');
    writeFileSync(file, JSON.stringify(docs, null, 1));
    const created = '2020-01-01T00:00:00.000Z';
    const strip = (b: any): any => ({
      ...b,
      objects: b.objects.map((o: any) =>
        o.created === undefined ? o : { ...o, created, modified: created },
      ),
    });
    assert.deepEqual(
      strip(translateResults('elastic_ecs', '{}', `@${file}`)),
      strip(translateResults('elastic_ecs', '{}', JSON.stringify(docs))),
    );
    assert.throws(
      () => translateResults('elastic_ecs', '{}', `@${join(dir, 'missing.json')}`),
      (e: any) => e.code === 'E_ARG_FILE' && /missing\.json/.test(e.message) && /@PATH/.test(e.hint),
    );
    writeFileSync(file, '[{"a": 1},\n  ]\n');
    assert.throws(
      () => translateResults('elastic_ecs', '{}', `@${file}`),
      (e: any) =>
        e.code === 'E_ARG_JSON' && e.span.source === file && e.message === `${file} is not valid JSON`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
