/**
 * `sysflow read` prints names and paths written by whoever ran the traced programs: terminal controls in them
 * (ESC, OSC, CSI, C1, RLO) come out escaped in both formats, and a table row stays one line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { readSysFlowFile, writeSysFlowFile } from '../../../../src/telemetry/sysflow/format/index.ts';
import { runRead } from '../../../../src/telemetry/sysflow/format/read-command.ts';
import type { SysFlowRecord } from '../../../../src/telemetry/sysflow/records/index.ts';
import { TRACES } from '../helpers.ts';

const HOSTILE = 'ev\u001b]0;owned\u0007il\u202etxt.exe\u001b[2J\u009b31m\nnext';
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

async function output(args: string[], format: string): Promise<string> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  await runRead(args, { format }, out);
  return text;
}

test('sysflow read escapes terminal controls in process names, in the table and in JSON lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-sf-hostile-'));
  try {
    const records: SysFlowRecord[] = [];
    for await (const r of readSysFlowFile(join(TRACES, 'shellshock.sf'))) {
      records.push(r.kind === 'Process' ? { ...r, exe: `/tmp/${HOSTILE}`, exeArgs: HOSTILE } : r);
    }
    const path = join(dir, 'hostile.sf');
    await writeSysFlowFile(path, records);

    const table = await output([path], 'table');
    assert.equal(RAW.exec(table), null, 'no raw control in the table');
    assert.ok(table.includes('ev\\u001b]0;owned\\u0007il\\u202etxt.exe'), 'the name is shown escaped');
    const rows = table.trimEnd().split('\n');
    assert.equal(rows.length, records.length + 1, 'a header, then one line per record');
    assert.ok(rows.every((r) => !r.startsWith('next')), 'a newline in a value does not start a row');
    assert.ok(table.includes('\\u009b31m\\nnext'), 'C1 CSI and the newline are shown escaped');

    const jsonl = await output([path], 'jsonl');
    assert.equal(RAW.exec(jsonl), null, 'no raw control in JSON lines');
    const procs = jsonl
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { process?: { exe: string } })
      .filter((o) => o.process);
    assert.ok(procs.length > 0);
    assert.equal(procs[0]!.process!.exe, `/tmp/${HOSTILE}`, 'JSON keeps the value exactly');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
