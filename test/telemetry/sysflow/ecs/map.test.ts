// The SysFlow → ECS map as data: the built-in map loads, every entry resolves (readers, blocks, predicates, record
// kinds, and each ECS field to a type of the one ECS index mapping), every reader is used, and a map with a bad
// entry is refused with the entry's path.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isPeregrineError } from '../../../../src/errors/index.ts';
import { ecsFieldTypes } from '../../../../src/mapping/index.ts';
import {
  compileSysFlowEcsMap,
  mapFields,
  parseSysFlowEcsMap,
  SYSFLOW_ECS_MAP_PATH,
} from '../../../../src/telemetry/sysflow/ecs/map.ts';
import { EVENT_SOURCES, PREDICATES, PROCESS_SOURCES } from '../../../../src/telemetry/sysflow/ecs/sources.ts';
import { EVENT_KINDS } from '../../../../src/telemetry/sysflow/records/index.ts';

const text = readFileSync(SYSFLOW_ECS_MAP_PATH, 'utf8');
const builtin = parseSysFlowEcsMap(text, SYSFLOW_ECS_MAP_PATH);

test('the built-in map loads and compiles a document builder for every event kind', () => {
  const builders = compileSysFlowEcsMap(builtin, SYSFLOW_ECS_MAP_PATH);
  for (const kind of EVENT_KINDS) assert.equal(typeof builders[kind], 'function', kind);
});

test('every field the map writes has a type in the one ECS index mapping', () => {
  const types = ecsFieldTypes();
  for (const { field } of mapFields(builtin)) {
    // rule, threat and sysflow.rules are objects: their parts are typed
    const typed = types.has(field) || [...types.keys()].some((f) => f.startsWith(`${field}.`));
    assert.ok(typed, `${field} has no type in src/mapping/data/ecs-fields.json`);
  }
});

test('every reader and predicate is used by the map', () => {
  const used = new Set(mapFields(builtin).flatMap((f) => (f.reader ? [f.reader] : [])));
  for (const g of builtin.groups) if (g.when) used.add(g.when);
  for (const name of [
    ...Object.keys(EVENT_SOURCES),
    ...Object.keys(PROCESS_SOURCES),
    ...Object.keys(PREDICATES),
  ])
    assert.ok(used.has(name), `reader ${name} is not used by data/sysflow-ecs.json`);
});

/** The built-in map with `edit` applied, parsed and compiled; the error it raises. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach anywhere into the parsed JSON
function refusal(edit: (m: any) => void): string {
  const m = JSON.parse(text);
  edit(m);
  try {
    compileSysFlowEcsMap(parseSysFlowEcsMap(JSON.stringify(m), 'edited.json'), 'edited.json');
  } catch (e) {
    assert.ok(isPeregrineError(e), String(e));
    return `${e.code}: ${e.message}`;
  }
  assert.fail('the edited map was accepted');
}

test('a map naming a reader, block, predicate or record kind that does not exist is refused at that entry', () => {
  assert.match(
    refusal((m) => (m.groups[0].fields['event.kind'] = 'event.knid')),
    /^E_MAP_INVALID: .*groups\.0\.fields\.event\.kind/,
  );
  assert.match(
    refusal((m) => (m.blocks.user.fields.id = 'userid')),
    /^E_MAP_INVALID: .*blocks\.user\.fields\.id/,
  );
  assert.match(
    refusal((m) => (m.groups[1].fields.user = { block: 'users', of: 'process' })),
    /^E_MAP_INVALID: .*unknown block "users"/,
  );
  assert.match(
    refusal((m) => (m.groups[4].when = 'flow.moves')),
    /^E_MAP_INVALID: .*groups\.4\.when/,
  );
  assert.match(
    refusal((m) => (m.groups[2].kinds = ['FileFlows'])),
    /^E_MAP_INVALID: .*groups\.2\.kinds\.0/,
  );
  assert.match(
    refusal((m) => (m.blocks.process.extends = 'parent')),
    /block "process" contains itself/,
  );
});

test('a map writing one field twice for a record kind, or a value with fields below it, is refused', () => {
  assert.match(
    refusal((m) => m.groups.push({ kinds: ['FileFlow'], fields: { 'sysflow.file.fd': 'record.fd' } })),
    /^E_MAP_INVALID: .*sysflow\.file\.fd is written twice for FileFlow/,
  );
  assert.match(
    refusal((m) => m.groups.push({ fields: { 'event.kind.x': 'record.fd' } })),
    /^E_MAP_INVALID: .*event\.kind has a value and also fields below it/,
  );
});
