/**
 * The Sigma field mappings are valid data and every entry resolves: each STIX path is one the STIX ↔ ECS map knows
 * and searches one of the entry's ECS fields (with the same basename transform); bad files are rejected with the
 * JSON path of the problem.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MappingError } from '../../src/errors/index.ts';
import { stixEcsMap } from '../../src/mapping/index.ts';
import {
  BUILTIN_MAPPINGS,
  builtinMapping,
  ecsFields,
  parseSigmaMapping,
  resolveLogsource,
  type FieldTarget,
} from '../../src/sigma/index.ts';

test('every built-in mapping entry resolves in the STIX ↔ ECS map', () => {
  const query = stixEcsMap().query;
  for (const product of Object.keys(BUILTIN_MAPPINGS)) {
    const m = builtinMapping(product)!;
    const entries: [string, FieldTarget][] = [
      ...Object.entries(m.fields),
      ...Object.values(m.logsources).flatMap((l) => Object.entries(l.fields ?? {})),
    ];
    for (const [field, t] of entries) {
      if (!t.stix) continue;
      const refs = query[t.stix.path];
      assert.ok(refs, `${product} ${field}: ${t.stix.path} is not in the STIX ↔ ECS map`);
      const searched = refs.map((r) => (typeof r === 'string' ? { field: r, transform: undefined } : r));
      assert.ok(
        searched.some((r) => t.ecs?.includes(r.field) && r.transform === t.stix!.transform),
        `${product} ${field}: ${t.stix.path} does not search ${t.ecs?.join('/')} (${t.stix.transform ?? 'as is'})`,
      );
    }
  }
});

test('logsources resolve to their entity, event condition and ECS fields; raw fields fall back to winlog.event_data', () => {
  const pc = resolveLogsource({ product: 'windows', category: 'process_creation' });
  assert.equal(pc.key, 'windows/process_creation');
  assert.equal(pc.entity, 'process');
  assert.deepEqual(pc.spec?.events, [{ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1 }]);
  assert.deepEqual(ecsFields(pc, 'CommandLine'), ['process.command_line']);
  assert.deepEqual(ecsFields(pc, 'GrandParentThing'), ['winlog.event_data.GrandParentThing']);
  const il = resolveLogsource({ product: 'windows', category: 'image_load' });
  assert.deepEqual(ecsFields(il, 'OriginalFileName'), ['file.pe.original_file_name']);
  const lx = resolveLogsource({ product: 'linux', category: 'process_creation' });
  assert.equal(lx.spec?.sysflow?.opflags, 'EXEC');
  assert.deepEqual(ecsFields(lx, 'Unmapped'), []);
  assert.equal(resolveLogsource({ product: 'macos', category: 'process_creation' }).mapping, undefined);
});

test('a bad mapping file is a MappingError naming the JSON path', () => {
  const bad = {
    version: '1.0.0',
    product: 'x',
    fields: { Image: { ecs: ['not a field!'] } },
    logsources: {},
  };
  assert.throws(
    () => parseSigmaMapping(JSON.stringify(bad), 'bad.json'),
    (e: unknown) => e instanceof MappingError && /fields\.Image\.ecs\.0/.test(e.message),
  );
  assert.throws(
    () => parseSigmaMapping('{', 'x.json'),
    (e: unknown) => e instanceof MappingError && e.code === 'E_SIGMA_MAP_JSON',
  );
});
