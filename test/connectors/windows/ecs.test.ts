/**
 * The Windows → ECS map: it loads and validates; every event id the issue names has an entry; fixture cases show the
 * ECS document of real OTRF events (one per provider and id) and of written ones for ids the datasets lack; bad maps
 * are refused with the JSON path of the problem.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { MappingError } from '../../../src/errors/index.ts';
import {
  parseWindowsEcsMap,
  splitCommandLine,
  windowsEcsMap,
  windowsToEcs,
  type WindowsEvent,
} from '../../../src/connectors/windows/index.ts';
import { runCases } from '../../support/fixtures.ts';

// Each case: flat events, one JSON per line → their ECS documents (described or not, module).
runCases(join(import.meta.dirname, 'ecs-cases'), (input) =>
  input
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const c = windowsToEcs(JSON.parse(l) as WindowsEvent);
      return `${c.module ?? '(no module)'} ${c.described ? 'described' : 'not described'}\n${JSON.stringify(c.doc, null, 1)}`;
    })
    .join('\n'),
);

test('the map has an entry for every event the issue names', () => {
  const m = windowsEcsMap();
  const ids = (source: string) => new Set(m.events.filter((e) => e.source === source).map((e) => e.id));
  for (const id of [1, 3, 5, 7, 8, 10, 11, 12, 13, 14, 15, 17, 18, 22, 23, 26])
    assert.ok(ids('sysmon').has(id), `sysmon ${id}`);
  for (const id of [4624, 4625, 4648, 4672, 4688, 4698, 1102])
    assert.ok(ids('security').has(id), `security ${id}`);
  assert.ok(ids('powershell').has(4104));
});

test('a bad map is refused with where the problem is', () => {
  const good = JSON.stringify(windowsEcsMap());
  const bad = (f: (m: Record<string, unknown>) => void): unknown => {
    const m = JSON.parse(good) as Record<string, unknown>;
    f(m);
    try {
      parseWindowsEcsMap(JSON.stringify(m), 'test.json');
    } catch (e) {
      return e;
    }
    return undefined;
  };
  const events = (m: Record<string, unknown>) => m.events as Record<string, unknown>[];
  const e1 = bad((m) => (events(m)[0].category = ['processes']));
  assert.ok(e1 instanceof MappingError && /events\.0\.category\.0/.test(e1.message), String(e1));
  const e2 = bad((m) => (events(m)[0].source = 'sysmonn'));
  assert.ok(e2 instanceof MappingError && /unknown source "sysmonn"/.test(e2.message), String(e2));
  const e3 = bad((m) => events(m).push({ ...events(m)[0] }));
  assert.ok(e3 instanceof MappingError && /described twice/.test(e3.message), String(e3));
  const e4 = bad(
    (m) =>
      ((events(m)[0].fields as Record<string, unknown>)['process.pid'] = {
        from: 'ProcessId',
        transform: 'hex',
      }),
  );
  assert.ok(e4 instanceof MappingError && /events\.0\.fields\.process\.pid/.test(e4.message), String(e4));
  assert.throws(
    () => parseWindowsEcsMap('{', 'x.json'),
    (e: unknown) => e instanceof MappingError && e.code === 'E_MAP_JSON',
  );
});

test('command lines split as Windows splits them', () => {
  assert.deepEqual(splitCommandLine('"C:\\Program Files\\a.exe" /c "x y" z'), [
    'C:\\Program Files\\a.exe',
    '/c',
    'x y',
    'z',
  ]);
  assert.deepEqual(splitCommandLine('a\\\\\\"b "c\\\\" d'), ['a\\"b', 'c\\', 'd']);
  assert.deepEqual(splitCommandLine('a\\b  "he said ""hi"""'), ['a\\b', 'he said "hi"']);
  assert.deepEqual(splitCommandLine('   '), []);
});
