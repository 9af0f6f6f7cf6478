/** The language's word tables: every relation edge names known entity types, and FIND directions follow Kestrel's docs. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  COMMANDS,
  ENTITY_TYPES,
  RELATIONS,
  RELATION_EDGES,
  edgesFor,
  isKnownEntityType,
  relationsBetween,
} from '../../../src/hunt/syntax/index.ts';
import {
  COMMANDS_WITH_RESULT,
  COMMANDS_WITHOUT_RESULT,
  TIME_UNITS,
  timeUnitOf,
  vocabularyProblems,
} from '../../../src/hunt/syntax/vocabulary.ts';

test('every relation edge joins known entity types and every named relation has an edge', () => {
  for (const e of RELATION_EDGES) {
    assert.ok(isKnownEntityType(e.subject), e.subject);
    assert.ok(isKnownEntityType(e.object), e.object);
    assert.ok(
      e.subjectRefs.length + e.objectRefs.length > 0,
      `${e.subject} ${e.relation} ${e.object} has no reference`,
    );
    for (const r of [...e.subjectRefs, ...e.objectRefs]) assert.match(r, /_refs?$/);
  }
  for (const r of RELATIONS.filter((x) => x !== 'LINKED')) {
    assert.ok(
      RELATION_EDGES.some((e) => e.relation === r),
      `no edge for ${r}`,
    );
  }
});

test('every entity type lists attributes, and each command is either with or without a result', () => {
  for (const [t, attrs] of Object.entries(ENTITY_TYPES)) assert.ok(attrs.length > 0, t);
  assert.deepEqual([...COMMANDS_WITH_RESULT, ...COMMANDS_WITHOUT_RESULT].sort(), [...COMMANDS].sort());
  for (const [unit, spellings] of Object.entries(TIME_UNITS))
    for (const s of spellings) assert.equal(timeUnitOf(s.toLowerCase()), unit);
});

test('FIND directions: without BY the returned entities are the subject, with BY the object', () => {
  // parents: FIND process CREATED procs
  const parents = edgesFor('process', 'CREATED', false, 'process');
  assert.equal(parents.length, 1);
  assert.equal(parents[0].returnIsSubject, true);
  assert.deepEqual(parents[0].edge.objectRefs, ['parent_ref']);
  // children: FIND process CREATED BY procs
  assert.equal(edgesFor('process', 'CREATED', true, 'process')[0].returnIsSubject, false);
  // traffic of processes: FIND network-traffic CREATED BY procs
  assert.deepEqual(edgesFor('network-traffic', 'CREATED', true, 'process')[0].edge.subjectRefs, [
    'opened_connection_refs',
  ]);
  // processes of traffic: FIND process CREATED nt
  assert.equal(edgesFor('process', 'CREATED', false, 'network-traffic').length, 1);
  // source / destination addresses
  assert.deepEqual(edgesFor('ipv4-addr', 'CREATED', false, 'network-traffic')[0].edge.objectRefs, [
    'src_ref',
  ]);
  assert.deepEqual(edgesFor('ipv4-addr', 'ACCEPTED', false, 'network-traffic')[0].edge.objectRefs, [
    'dst_ref',
  ]);
  // LINKED covers both
  assert.equal(edgesFor('ipv4-addr', 'LINKED', false, 'network-traffic').length, 2);
  // a relation that does not apply
  assert.equal(edgesFor('file', 'ACCEPTED', false, 'process').length, 0);
  assert.deepEqual(relationsBetween('file', 'process'), ['LOADED BY', 'LINKED']);
  assert.deepEqual(relationsBetween('ipv4-addr', 'network-traffic'), ['CREATED', 'ACCEPTED', 'LINKED']);
});

const FILE = join(import.meta.dirname, '..', '..', '..', 'src', 'hunt', 'syntax', 'data', 'entities.json');
const shipped = (): Record<string, unknown> =>
  JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>;

test('the shipped vocabulary has no problems and is what the module serves', () => {
  assert.deepEqual(vocabularyProblems(shipped()), []);
  assert.deepEqual(RELATION_EDGES, shipped().relations);
  assert.deepEqual(ENTITY_TYPES, shipped().entityTypes);
  assert.ok(
    RELATION_EDGES.some((e) => e.subject === 'process' && e.relation === 'CREATED' && e.object === 'process'),
  );
});

test('a broken vocabulary is reported at each JSON path', () => {
  const v = shipped();
  const relations = (v.relations as Record<string, unknown>[]).slice(0, 2);
  relations[0] = { ...relations[0], object: 'proces' };
  relations[1] = { ...relations[1], relation: 'SPAWNED', subjectRefs: ['parent'] };
  assert.deepEqual(vocabularyProblems({ ...v, relations }), [
    'relations.0.object: unknown entity type proces',
    'relations.1.relation: expected one of CREATED, ACCEPTED, CONTAINED, LOADED, OWNED, LINKED or null',
    'relations.1.subjectRefs: expected a list of reference attributes (…_ref, …_refs)',
  ]);
  assert.deepEqual(vocabularyProblems([]), ['(root): expected an object']);
});
