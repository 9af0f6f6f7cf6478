/**
 * Kestrel 1.x's huntbooks over OTRF datasets (kestrel-huntbook, huntbooks/"Lsass Memory Dump via Comsvcs.dll" and
 * "Non-Interactive Windows Shells"), run on the same datasets read directly as files. Kestrel read the OTRF zips
 * through firepit's woodchipper; we read them through the Windows → ECS → STIX maps. The hunts reach the same
 * processes, parents, users and hosts (asserted); the entity and record counts Kestrel recorded differ where the
 * mappings differ, and each difference is explained in docs/conformance.md ("Windows events"). Both sets of counts
 * are listed here so a change in either shows.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { HuntSession } from '../../../src/hunt/session/index.ts';
import { OTRF_DATA } from '../../support/data.ts';

const OTRF = OTRF_DATA;

interface Counts {
  readonly [variable: string]: readonly [entities: number, records: number];
}

async function hunt(flow: string): Promise<{ counts: Counts; tables: Record<string, unknown>[][] }> {
  const s = await HuntSession.create();
  try {
    const r = await s.execute(flow);
    return {
      counts: Object.fromEntries(r.summary.map((v) => [v.name, [v.entities, v.records] as const])),
      tables: r.displays.map((d) => {
        const t = d as unknown as { columns: string[]; rows: unknown[][] };
        return t.rows.map((row) => Object.fromEntries(t.columns.map((c, i) => [c, row[i]])));
      }),
    };
  } finally {
    await s.close();
  }
}

test('Lsass Memory Dump via Comsvcs.dll: the same rundll32, parent, user and host', async () => {
  const src = `file://${join(OTRF, 'psh_lsass_memory_dump_comsvcs_2020-10-18T19500924.zip')}`;
  const { counts, tables } = await hunt(`procs = GET process FROM ${src}
        WHERE binary_ref.name = 'rundll32.exe' AND command_line LIKE '%comsvcs.dll% MiniDump%'
DISP procs ATTR binary_ref.name, command_line, pid
parents = FIND process CREATED procs
DISP parents ATTR binary_ref.name, command_line
users = FIND user-account OWNED procs
DISP users ATTR user_id
hosts = FIND x-oca-asset LINKED procs
DISP hosts ATTR hostname`);
  const kestrel: Counts = { procs: [2, 34], parents: [2, 29], users: [2, 32], hosts: [1, 60] };
  assert.deepEqual(counts, { procs: [1, 34], parents: [1, 27], users: [1, 1], hosts: [1, 34] });
  assert.notDeepEqual(counts, kestrel);
  assert.deepEqual(tables[0][0], {
    'binary_ref.name': 'rundll32.exe',
    command_line:
      '"C:\\Windows\\System32\\rundll32.exe" C:\\windows\\System32\\comsvcs.dll MiniDump 756 C:\\Users\\wardog\\AppData\\Local\\Temp\\lsass-comsvcs.dmp full',
    pid: 4824,
  });
  assert.deepEqual(tables[1][0], {
    'binary_ref.name': 'powershell.exe',
    command_line: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe ',
  });
  // Kestrel: "WORKSTATION5\wardog" (Sysmon's User) and "wardog" (Security's SubjectUserName); one account here
  assert.deepEqual(tables[2], [{ user_id: 'wardog' }]);
  assert.deepEqual(tables[3], [{ hostname: 'WORKSTATION5' }]);
});

test('Non-Interactive Windows Shells: powershell 9572 ← mshta 10980 ← cmd 5888, as Kestrel found', async () => {
  const src = `file://${join(OTRF, 'cmd_mshta_vbscript_execute_psh_2020-10-2202580804.zip')}`;
  const { counts, tables } = await hunt(`ps = GET process FROM ${src}
     WHERE [process:binary_ref.name IN ('cmd.exe', 'powershell.exe') AND process:parent_ref.binary_ref.name != 'explorer.exe']
DISP ps ATTR pid, binary_ref.name, parent_ref.pid, parent_ref.binary_ref.name
parents = FIND process CREATED ps
DISP parents ATTR pid, name, parent_ref.pid, parent_ref.binary_ref.name
grandparents = FIND process CREATED parents
DISP grandparents ATTR pid, name`);
  const kestrel: Counts = { ps: [41, 668], parents: [11, 145], grandparents: [2, 5] };
  assert.deepEqual(counts, { ps: [1, 521], parents: [1, 115], grandparents: [1, 3] });
  assert.notDeepEqual(counts, kestrel);
  const chain = (rows: Record<string, unknown>[]) =>
    rows.find((r) => r['parent_ref.pid'] !== null && r['parent_ref.pid'] !== undefined) ?? rows[0];
  assert.deepEqual(chain(tables[0]), {
    pid: 9572,
    'binary_ref.name': 'powershell.exe',
    'parent_ref.pid': 10980,
    'parent_ref.binary_ref.name': 'mshta.exe',
  });
  assert.deepEqual(chain(tables[1]), {
    pid: 10980,
    name: 'mshta.exe',
    'parent_ref.pid': 5888,
    'parent_ref.binary_ref.name': 'cmd.exe',
  });
  assert.deepEqual(tables[2][0], { pid: 5888, name: 'cmd.exe' });
});
