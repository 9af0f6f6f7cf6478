/**
 * The same entities whichever path Windows events take (issue 13): OTRF datasets hunted directly as files, the
 * embedded store after `peregrine ingest`, and a real OpenSearch after `peregrine ingest --to` give the same
 * observations (ids aside: each path names its own) and the same huntflow tables — process identity by
 * `x_unique_id`, `parent_ref`, `binary_ref`, `creator_user_ref`, registry keys, domain names, `x-oca-event` and
 * `x-oca-asset`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSource } from '../../src/connectors/index.ts';
import type { DataSource } from '../../src/connectors/types.ts';
import { HuntSession } from '../../src/hunt/session/index.ts';
import { ingest } from '../../src/ingest/index.ts';
import { renderDisplayText } from '../../src/render/index.ts';
import { parsePattern } from '../../src/stix/index.ts';
import { tempDir } from '../store/ecs/helpers.ts';
import { OTRF_DATA } from '../support/data.ts';

const url = new URL(process.env.PEREGRINE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200');
const run = `winparity-${process.pid}`;
const DATASETS = [
  'psh_lsass_memory_dump_comsvcs_2020-10-18T19500924.zip',
  'cmd_mshta_vbscript_execute_psh_2020-10-2202580804.zip',
  'empire_launcher_vbs_2020-09-04160940.zip',
];
const FILES = DATASETS.map((d) => join(OTRF_DATA, d));
const FILE_URI = FILES.map((f) => `file://${f}`).join(',');

/** Observations without their ids (each path names them its own way), as sorted JSON texts. */
async function observations(src: DataSource, pattern: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of src.query({ entityType: '', pattern: parsePattern(pattern) })) {
    const { id: _id, ...rest } = o;
    out.push(JSON.stringify(rest));
  }
  return out.sort();
}

describe('Windows events: file ↔ embedded store ↔ OpenSearch', { timeout: 600_000 }, () => {
  const dir = tempDir('peregrine-winparity-');
  const store = join(dir, 'store.duckdb');

  before(async () => {
    process.env.STIXSHIFTER_WINOS_CONNECTION = JSON.stringify({
      host: url.hostname,
      port: Number(url.port || 9200),
      scheme: url.protocol.replace(':', ''),
      indices: `${run}-*`,
      options: { time_range: 0 },
    });
    process.env.STIXSHIFTER_WINLOC_CONNECTOR = 'local';
    process.env.STIXSHIFTER_WINLOC_CONNECTION = JSON.stringify({
      path: store,
      indices: `${run}-*`,
      options: { time_range: 0 },
    });
    for (const to of [{ to: 'WINOS', refresh: true }, { store }]) {
      const r = await ingest({ files: FILES, index: `${run}-otrf`, ...to });
      assert.deepEqual(r.rejections, []);
      assert.equal(r.accepted, 184 + 1127 + 2067);
    }
  });

  after(async () => {
    await fetch(new URL(`/${run}-*`, url), { method: 'DELETE' }).catch(() => undefined);
  });

  const W = "START t'2020-09-01T00:00:00Z' STOP t'2020-11-01T00:00:00Z'";
  const patterns = [
    "[process:binary_ref.name = 'rundll32.exe' AND process:command_line LIKE '%comsvcs.dll% MiniDump%']",
    "[process:x_unique_id = '{39e4a257-d4ad-5f8c-3303-000000000700}']",
    "[process:parent_ref.name = 'mshta.exe']",
    "[x-oca-event:code = '3' AND network-traffic:dst_port = 80]",
    "[domain-name:value LIKE '%.microsoft.com']",
    "[windows-registry-key:key LIKE 'HKEY_LOCAL_MACHINE\\\\System\\\\CurrentControlSet\\\\Services\\\\%']",
    "[user-account:user_id = 'pgustavo']",
    "[x-oca-asset:hostname = 'WORKSTATION5' AND x-oca-event:code = '11']",
    "[file:name LIKE '%.dmp']",
  ];

  test('every pattern selects the same observations from the files, the store and OpenSearch', async () => {
    const srcs = await Promise.all(
      [FILE_URI, 'stixshifter://WINLOC', 'stixshifter://WINOS'].map((u) => openSource(u)),
    );
    const mismatches: string[] = [];
    for (const p of patterns) {
      const withTime = `${p} ${W}`;
      const [f, l, o] = await Promise.all(srcs.map((s) => observations(s, withTime)));
      assert.ok(f.length > 0, `${p} selects something in the files`);
      if (JSON.stringify(l) !== JSON.stringify(f))
        mismatches.push(
          `store ${p}: file ${f.length} store ${l.length}\n  ${f.find((x) => !l.includes(x))?.slice(0, 400)}\n  ${l.find((x) => !f.includes(x))?.slice(0, 400)}`,
        );
      if (JSON.stringify(o) !== JSON.stringify(f))
        mismatches.push(
          `opensearch ${p}: file ${f.length} opensearch ${o.length}\n  ${f.find((x) => !o.includes(x))?.slice(0, 400)}\n  ${o.find((x) => !f.includes(x))?.slice(0, 400)}`,
        );
    }
    for (const s of srcs) await s.close?.();
    assert.deepEqual(mismatches, []);
  });

  const huntflows: Record<string, string> = {
    'lsass dump: the process, its parent, user and host': `procs = GET process FROM $SRC WHERE binary_ref.name = 'rundll32.exe' AND command_line LIKE '%comsvcs.dll% MiniDump%' ${W}
parents = FIND process CREATED procs
users = FIND user-account OWNED procs
hosts = FIND x-oca-asset LINKED procs
DISP procs ATTR x_unique_id, pid, name, command_line, parent_ref.x_unique_id SORT BY command_line
DISP parents ATTR x_unique_id, pid, binary_ref.name SORT BY x_unique_id
DISP users ATTR user_id, account_login, x_domain
DISP hosts ATTR hostname`,
    'mshta chain: children, grandparents, loaded files and registry keys': `ps = GET process FROM $SRC WHERE [process:binary_ref.name IN ('cmd.exe', 'powershell.exe') AND process:parent_ref.binary_ref.name != 'explorer.exe'] ${W}
parents = FIND process CREATED ps
grand = FIND process CREATED parents
files = FIND file LINKED parents
keys = FIND windows-registry-key LINKED ps
DISP ps ATTR x_unique_id, pid, command_line SORT BY x_unique_id
DISP parents ATTR x_unique_id, name, command_line SORT BY x_unique_id
DISP grand ATTR x_unique_id, name SORT BY x_unique_id
DISP files ATTR name, x_path SORT BY x_path LIMIT 20
DISP keys ATTR key SORT BY key LIMIT 20`,
    'Empire: C&C connection back to its process, events by code': `conns = GET network-traffic FROM $SRC WHERE [network-traffic:dst_port = 80 AND x-oca-event:code = '3'] ${W}
owners = FIND process CREATED conns
events = GET x-oca-event FROM $SRC WHERE [x-oca-event:provider = 'Microsoft-Windows-Sysmon' AND process:name = 'powershell.exe'] ${W}
g = GROUP events BY code WITH COUNT(action) AS n
dns = GET domain-name FROM $SRC WHERE [x-oca-event:code = '22'] ${W}
DISP conns ATTR src_ref.value, dst_ref.value, dst_port SORT BY src_ref.value
DISP owners ATTR x_unique_id, name, command_line SORT BY x_unique_id
DISP g SORT BY code
DISP dns ATTR value SORT BY value`,
  };

  for (const [name, flow] of Object.entries(huntflows)) {
    test(`huntflow: ${name}`, async () => {
      const results: string[] = [];
      for (const src of [FILE_URI, 'stixshifter://WINLOC', 'stixshifter://WINOS']) {
        const session = await HuntSession.create();
        try {
          const r = await session.execute(flow.replaceAll('$SRC', src));
          const out = r.summary.map((v) => `${v.name} ${v.type} ${v.entities} ${v.records}`);
          for (const d of r.displays) out.push(renderDisplayText(d, { maxCell: 0 }));
          results.push(out.join('\n'));
        } finally {
          await session.close();
        }
      }
      assert.equal(results[1], results[0], 'store = files');
      assert.equal(results[2], results[0], 'opensearch = files');
      assert.match(results[0], /\S/);
    });
  }
});
