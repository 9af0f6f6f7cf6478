/**
 * Conformance of the lifter with SysFlow's own collector: captures of sf-collector's tests (test/data/sysflow, the
 * `.scap` files gzipped: `sysdig -r` reads them as they are) are replayed through `sysdig -r … -j` and our lifter,
 * and compared with the `.sf` the reference collector wrote from the same capture — processes and exec chains, file
 * paths, flow operation flags and op/byte counts, network tuples.
 *
 * Six captures must match record for record. For two others the differences are known and documented in
 * docs/conformance.md (each listed here with the reason); the test checks that nothing else differs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Lifter, lift } from '../../../src/telemetry/collector/index.ts';
import { replayScap } from '../../../src/telemetry/collector/drivers/scap.ts';
import { readSysFlowFile } from '../../../src/telemetry/sysflow/format/index.ts';
import {
  baseName,
  ipv4ToString,
  opFlagNames,
  type SysFlowRecord,
} from '../../../src/telemetry/sysflow/records/index.ts';
import { SYSFLOW_DATA } from '../../support/data.ts';

const TESTS = join(SYSFLOW_DATA, 'sf-collector', 'tests');

/** One comparable line per event record: who, what, on what, with which counts. */
function lines(records: SysFlowRecord[]): string[] {
  const procs = new Map<number, string>();
  const files = new Map<string, string>();
  const out: string[] = [];
  for (const r of records) {
    if (r.kind === 'Process') procs.set(r.oid.hpid, baseName(r.exe));
    else if (r.kind === 'File') files.set(r.oid, r.path);
    else if (r.kind === 'ProcessEvent')
      out.push(`PE ${procs.get(r.procOID.hpid)} ${opFlagNames(r.opFlags).join('|')}`);
    else if (r.kind === 'FileFlow')
      out.push(
        `FF ${procs.get(r.procOID.hpid)} ${files.get(r.fileOID)} ${opFlagNames(r.opFlags).join('|')} r=${r.numRRecvOps}/${r.numRRecvBytes} w=${r.numWSendOps}/${r.numWSendBytes}`,
      );
    else if (r.kind === 'NetworkFlow')
      out.push(
        `NF ${procs.get(r.procOID.hpid)} ${ipv4ToString(r.sip)}:${r.sport}->${ipv4ToString(r.dip)}:${r.dport}/${r.proto} ${opFlagNames(r.opFlags).join('|')} r=${r.numRRecvOps}/${r.numRRecvBytes} w=${r.numWSendOps}/${r.numWSendBytes}`,
      );
    else if (r.kind === 'FileEvent')
      out.push(
        `FE ${procs.get(r.procOID.hpid)} ${opFlagNames(r.opFlags).join('|')} ${files.get(r.fileOID)}${r.newFileOID ? ' ' + files.get(r.newFileOID) : ''}`,
      );
  }
  return out.sort();
}

function diff(a: string[], b: string[]): { onlyOurs: string[]; onlyTheirs: string[] } {
  const count = new Map<string, number>();
  for (const l of b) count.set(l, (count.get(l) ?? 0) + 1);
  const onlyOurs: string[] = [];
  for (const l of a) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else onlyOurs.push(l);
  }
  const onlyTheirs = [...count].flatMap(([l, n]) => Array<string>(n).fill(l));
  return { onlyOurs, onlyTheirs };
}

async function compare(name: string): Promise<{ onlyOurs: string[]; onlyTheirs: string[] }> {
  const scap = join(TESTS, `${name}.scap.gz`);
  const ours: SysFlowRecord[] = [];
  for await (const r of lift(replayScap(scap), new Lifter({ useProc: false }))) ours.push(r);
  const theirs: SysFlowRecord[] = [];
  for await (const r of readSysFlowFile(join(TESTS, `${name}.sf`))) theirs.push(r);
  return diff(lines(ours), lines(theirs));
}

const hasSysdig = spawnSync('sysdig', ['--version'], { stdio: 'ignore' }).status === 0;

const EXACT = [
  'client-server/tcp-client-server',
  'files/files',
  'files/filesat',
  'rename/rename',
  'rename/rename2at',
  'setuid/setuid',
];

for (const name of EXACT) {
  test(
    `scap replay matches SysFlow: ${name}`,
    { skip: !hasSysdig && 'sysdig is not installed (apt-get install sysdig)' },
    async () => {
      assert.ok(existsSync(join(TESTS, `${name}.scap.gz`)));
      assert.deepEqual(await compare(name), { onlyOurs: [], onlyTheirs: [] });
    },
  );
}

/** Known differences, each a documented reason (docs/conformance.md, "Collector"). */
const KNOWN: Record<string, { ours: RegExp[]; theirs: RegExp[] }> = {
  // reference writes the pipe flows of httpd workers still open at the end as TRUNCATE flows; the capture ends
  // before their exits and our replay does not flush descriptors it never saw opened
  'mpm-preforked/cold_start_capture': { ours: [], theirs: [/^FF httpd pipe:\[\d+\] /] },
  // the old capture has no exe path: sysdig reports the shell as `sh` (argv[0]); the reference resolved busybox.
  // It also writes a CLOSE-only flow of the terminal inherited from before the capture.
  'alpine/alpine': { ours: [/^(FF|PE|FE) sh /], theirs: [/^(FF|PE|FE) busybox /] },
};

for (const [name, known] of Object.entries(KNOWN)) {
  test(
    `scap replay matches SysFlow up to documented differences: ${name}`,
    { skip: !hasSysdig && 'sysdig is not installed' },
    async () => {
      const d = await compare(name);
      const unexplainedOurs = d.onlyOurs.filter((l) => !known.ours.some((re) => re.test(l)));
      const unexplainedTheirs = d.onlyTheirs.filter((l) => !known.theirs.some((re) => re.test(l)));
      assert.deepEqual(
        { unexplainedOurs, unexplainedTheirs },
        { unexplainedOurs: [], unexplainedTheirs: [] },
      );
    },
  );
}
