// `peregrine ingest` of Windows events: the real CLI, OTRF zips and Event JSON into a real store — the format is
// detected, each event becomes its ECS document, the summary counts events by source and id (mapped or only kept),
// values that are not events are listed as rejections, and re-ingesting replaces rather than duplicates.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { withStore } from '../../src/store/ecs/index.ts';
import { tempDir } from '../store/ecs/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const LSASS = join(ROOT, 'test', 'data', 'otrf', 'psh_lsass_memory_dump_comsvcs_2020-10-18T19500924.zip');

function peregrine(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'peregrine.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('peregrine ingest of Windows events', () => {
  const dir = tempDir('peregrine-ingest-win-');
  const store = join(dir, 'store.duckdb');

  test('an OTRF zip: every event stored, counts by event id, the typed ECS columns filled', async () => {
    const r = peregrine(['ingest', LSASS, '--index', 'lsass', '--store', store]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /184 accepted \(184 new, 0 replaced\), 0 rejected/);
    assert.match(
      r.stderr,
      /events mapped to ECS \(150\): sysmon 10 ×68, sysmon 7 ×30, sysmon 12 ×29, sysmon 13 ×15, sysmon 5 ×3, sysmon 11 ×2, security 1102 ×1, security 4688 ×1, sysmon 1 ×1\n/,
    );
    assert.match(
      r.stderr,
      /events with no ECS mapping, fields kept under winlog\.event_data \(34\): security 4658 ×10, security 4656 ×5, security 4663 ×5, security 4690 ×5, security 4689 ×3, security 5156 ×3, security 5158 ×3\n/,
    );
    const rows = await withStore(store, 'read', (s) =>
      s.all(
        `SELECT json_extract_string(_source, '$.event.code') AS code, "process.entity_id" AS guid, "process.pid" AS pid, "process.name" AS name,
                "user.name" AS usr, json_extract_string(_source, '$.winlog.event_data.ObjectName') AS obj
           FROM ecs_docs WHERE _index = 'lsass' AND code IN ('1', '4663') ORDER BY code, obj LIMIT 3`,
      ),
    );
    assert.deepEqual(
      rows.map((x) => ({ ...x })),
      [
        {
          code: '1',
          guid: '{39e4a257-d4ad-5f8c-3303-000000000700}',
          pid: '4824',
          name: 'rundll32.exe',
          usr: 'wardog',
          obj: null,
        },
        {
          code: '4663',
          guid: null,
          pid: '4824',
          name: 'rundll32.exe',
          usr: 'wardog',
          obj: '\\Device\\HarddiskVolume2\\Windows\\System32\\lsass.exe',
        },
        {
          code: '4663',
          guid: null,
          pid: '4824',
          name: 'rundll32.exe',
          usr: 'wardog',
          obj: '\\Device\\HarddiskVolume2\\Windows\\System32\\lsass.exe',
        },
      ],
    );
    const again = peregrine(['ingest', LSASS, '--index', 'lsass', '--store', store]);
    assert.match(again.stderr, /184 accepted \(0 new, 184 replaced\)/);
  });

  test('Event JSON values and a value that is not an event: the event stored, the other listed', () => {
    const file = join(dir, 'events.json');
    writeFileSync(
      file,
      JSON.stringify(
        [
          {
            Event: {
              System: {
                Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
                EventID: 22,
                Channel: 'Microsoft-Windows-Sysmon/Operational',
                Computer: 'host1',
                TimeCreated: { '#attributes': { SystemTime: '2025-01-01T00:00:00Z' } },
              },
              EventData: { QueryName: 'evil.example', QueryResults: '::ffff:10.0.0.1;', Image: 'C:\\x.exe' },
            },
          },
          { note: 'no event here' },
        ],
        null,
        1,
      ),
    );
    const r = peregrine(['ingest', file, '--index', 'ev', '--store', store]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /1 accepted \(1 new, 0 replaced\), 1 rejected/);
    assert.match(r.stderr, /rejected .*events\.json:\d+: not a Windows event or an ECS document/);
    assert.match(r.stderr, /events mapped to ECS \(1\): sysmon 22 ×1/);
  });
});
