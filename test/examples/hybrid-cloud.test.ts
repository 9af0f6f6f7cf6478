// The hybrid-cloud huntbook run as a new user would — `peregrine run examples/hybrid-cloud.hf` from the repository
// root — with what each step must show (the exploit, its children, their traffic to the second host, the pivot to
// the process there that accepted it, what that process did); and its notebook holds exactly the huntflow's
// statements.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { huntflowCells } from '../../scripts/hf-to-ipynb.ts';
import { ROOT, runExample } from './support.ts';

const HF = join(ROOT, 'examples', 'hybrid-cloud.hf');

test('the huntbook walks from the tagged exploit across to what the C&C server did', () => {
  const out = runExample('hybrid-cloud');
  const names = (i: number) => [...new Set(out.displays[i]!.rows.map((x) => String(x.name)))];
  // 1. the shell node started, tagged T1059
  assert.ok(names(0).includes('bash'), names(0).join(','));
  // 2. what it ran, in order
  const acts = names(1);
  for (const cmd of ['uname', 'id', 'whoami', 'ps', 'cat', 'ping', 'curl', 'hostname', 'date'])
    assert.ok(acts.includes(cmd), `${cmd} in ${acts.join(',')}`);
  // 3. connections from container1 (10.213.77.1) to c2server (10.213.77.2)
  const cross = out.displays[2]!.rows.filter((x) => x['dst_ref.value'] === '10.213.77.2');
  assert.ok(cross.length >= 2, JSON.stringify(out.displays[2]!.rows));
  assert.ok(cross.every((x) => x['src_ref.value'] === '10.213.77.1'));
  // 4. the process on c2server that accepted them: the C&C server
  assert.ok(
    out.displays[3]!.rows.some((x) => /cnc-server\.mjs/.test(String(x.command_line))),
    JSON.stringify(out.displays[3]!.rows),
  );
  // 5. what it did: fingerprint and pack the upload
  for (const cmd of ['sha256sum', 'gzip']) assert.ok(names(4).includes(cmd), names(4).join(','));
  const entities = Object.fromEntries(out.variables.map((v) => [v.name, v.entities]));
  assert.deepEqual([entities.exploits, entities.children, entities.c2], [1, 10, 1]);
});

test('the notebook is the huntflow, cell by cell', () => {
  const nb = JSON.parse(readFileSync(HF.replace(/\.hf$/, '.ipynb'), 'utf8')) as { cells: unknown[] };
  assert.deepEqual(nb.cells, huntflowCells(readFileSync(HF, 'utf8')));
});
