// The Windows root-cause huntbook run as a new user would — `peregrine run examples/windows-root-cause.hf` from the
// repository root — with the tables each step must show; and its notebook holds exactly the huntflow's statements.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { huntflowCells } from '../../scripts/hf-to-ipynb.ts';
import { ROOT, runExample } from './support.ts';

const HF = join(ROOT, 'examples', 'windows-root-cause.hf');

test('the huntbook walks from the C&C connection back to the launcher the user opened', () => {
  const out = runExample('windows-root-cause');
  const table = (i: number) => out.displays[i].rows;
  // 1. the connection: the workstation to 10.10.10.5:80
  assert.deepEqual(table(0), [
    { 'src_ref.value': '172.18.39.5', src_port: 50699, 'dst_ref.value': '10.10.10.5', dst_port: 80 },
  ]);
  // 2-4. stager → launcher → Explorer, one process each (by ProcessGuid)
  assert.equal(table(1)[0].name, 'powershell.exe');
  assert.match(String(table(1)[0].command_line), /-enc /i);
  assert.equal(table(2)[0].name, 'wscript.exe');
  assert.match(String(table(2)[0].command_line), /launcher\.vbs/);
  assert.equal(table(3)[0].name, 'explorer.exe');
  // 5. the user
  assert.deepEqual(table(4), [{ user_id: 'pgustavo', account_login: 'pgustavo', x_domain: 'THESHIRE' }]);
  // 6-8. modules, registry values, files
  assert.deepEqual(
    table(5).map((x) => x.name),
    ['System.Management.Automation.ni.dll', 'amsi.dll', 'winhttp.dll'],
  );
  assert.deepEqual(
    table(6)
      .map((x) => (x.values as { name: string }[])[0].name)
      .sort(),
    ['418A073AA3BC3475', 'AutoDetect', 'IntranetName', 'ProxyBypass', 'UNCAsIntranet'],
  );
  assert.equal(table(7).length, 2);
  // 9. the first malicious action
  assert.deepEqual(
    table(8).map((x) => [x.created, x.name, x.cwd, x['parent_ref.name']]),
    [['2020-09-04T20:09:55.035Z', 'wscript.exe', 'C:\\Users\\pgustavo\\Desktop\\', 'explorer.exe']],
  );
  const entities = Object.fromEntries(out.variables.map((v) => [v.name, v.entities]));
  assert.deepEqual(
    [entities.conns, entities.stager, entities.launcher, entities.origin, entities.users, entities.root],
    [1, 1, 1, 1, 1, 1],
  );
});

test('the notebook is the huntflow, cell by cell', () => {
  const nb = JSON.parse(readFileSync(HF.replace(/\.hf$/, '.ipynb'), 'utf8')) as { cells: unknown[] };
  assert.deepEqual(nb.cells, huntflowCells(readFileSync(HF, 'utf8')));
});
