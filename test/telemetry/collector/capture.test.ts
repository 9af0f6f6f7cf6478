/**
 * Live capture of a small workload with both drivers: the same script must yield its processes (clone/exec/exit with
 * arguments), its file flows (bytes read and written), path operations and a TCP flow to a local server.
 * The eBPF test reports — as a skip with the reason — when this kernel or user cannot run eBPF; the strace test
 * covers the same path then.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { captureCommand, captureTree, ebpfReadiness } from '../../../src/telemetry/collector/index.ts';
import { ipv4ToString, opFlagNames, type SysFlowRecord } from '../../../src/telemetry/sysflow/records/index.ts';

let server: Server;
let port = 0;
let dir = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'peregrine-capture-test-'));
  writeFileSync(join(dir, 'input.txt'), 'x'.repeat(5000));
  server = createServer((_req, res) => res.end('y'.repeat(300)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function script(): string {
  return [
    `cat ${dir}/input.txt > ${dir}/copy.txt`,
    `mkdir ${dir}/sub`,
    `mv ${dir}/sub ${dir}/sub2`,
    `rmdir ${dir}/sub2`,
    `curl -s -o /dev/null http://127.0.0.1:${port}/`,
    'true',
  ].join('; ');
}

interface Summary {
  execs: string[];
  clones: number;
  exits: number;
  fileFlows: { path: string; ops: string[]; rbytes: number; wbytes: number }[];
  fileEvents: string[];
  netFlows: { tuple: string; ops: string[]; rbytes: number; wbytes: number }[];
}

function summarize(records: SysFlowRecord[]): Summary {
  const procs = new Map<string, { exe: string; args: string }>();
  const files = new Map<string, string>();
  const s: Summary = { execs: [], clones: 0, exits: 0, fileFlows: [], fileEvents: [], netFlows: [] };
  for (const r of records) {
    if (r.kind === 'Process') procs.set(`${r.oid.hpid}:${r.oid.createTS}`, { exe: r.exe, args: r.exeArgs });
    else if (r.kind === 'File') files.set(r.oid, r.path);
    else if (r.kind === 'ProcessEvent') {
      const names = opFlagNames(r.opFlags);
      if (names.includes('EXEC')) {
        const p = procs.get(`${r.procOID.hpid}:${r.procOID.createTS}`)!;
        s.execs.push(`${p.exe} ${p.args}`.trim());
      }
      if (names.includes('CLONE')) s.clones++;
      if (names.includes('EXIT')) s.exits++;
    } else if (r.kind === 'FileFlow') {
      s.fileFlows.push({
        path: files.get(r.fileOID) ?? '?',
        ops: opFlagNames(r.opFlags),
        rbytes: r.numRRecvBytes,
        wbytes: r.numWSendBytes,
      });
    } else if (r.kind === 'FileEvent') {
      s.fileEvents.push(
        `${opFlagNames(r.opFlags).join('|')} ${files.get(r.fileOID)}${r.newFileOID ? ' -> ' + files.get(r.newFileOID) : ''}`,
      );
    } else if (r.kind === 'NetworkFlow') {
      s.netFlows.push({
        tuple: `${ipv4ToString(r.sip)}:${r.sport}->${ipv4ToString(r.dip)}:${r.dport}/${r.proto}`,
        ops: opFlagNames(r.opFlags),
        rbytes: r.numRRecvBytes,
        wbytes: r.numWSendBytes,
      });
    }
  }
  return s;
}

function assertWorkload(s: Summary): void {
  assert.ok(s.execs.includes(`/usr/bin/cat ${dir}/input.txt`), `cat exec missing: ${s.execs.join('\n')}`);
  assert.ok(
    s.execs.some((e) => e.startsWith('/usr/bin/curl -s -o /dev/null')),
    'curl exec missing',
  );
  assert.ok(s.clones >= 5, `expected a clone per command, got ${s.clones}`);
  assert.ok(s.exits >= 5, `expected an exit per command, got ${s.exits}`);
  const input = s.fileFlows.find((f) => f.path === `${dir}/input.txt`);
  assert.ok(input, 'no file flow for input.txt');
  assert.equal(input.rbytes, 5000);
  assert.deepEqual(
    input.ops.filter((o) => o !== 'MMAP'),
    ['OPEN', 'READ_RECV', 'CLOSE'],
  );
  const copy = s.fileFlows.find((f) => f.path === `${dir}/copy.txt` && f.wbytes > 0);
  assert.ok(copy, 'no file flow writing copy.txt');
  assert.equal(copy.wbytes, 5000);
  assert.ok(s.fileEvents.includes(`MKDIR ${dir}/sub`), s.fileEvents.join('\n'));
  assert.ok(s.fileEvents.includes(`RENAME ${dir}/sub -> ${dir}/sub2`), s.fileEvents.join('\n'));
  assert.ok(s.fileEvents.includes(`RMDIR ${dir}/sub2`), s.fileEvents.join('\n'));
  const nf = s.netFlows.find((f) => f.tuple.endsWith(`->127.0.0.1:${port}/6`));
  assert.ok(nf, `no network flow to the server: ${JSON.stringify(s.netFlows)}`);
  assert.ok(nf.ops.includes('CONNECT') && nf.ops.includes('CLOSE'), nf.ops.join('|'));
  assert.ok(nf.rbytes > 300 && nf.wbytes > 0, `bytes ${nf.rbytes}/${nf.wbytes}`);
}

test('strace driver captures a launched workload', async () => {
  const cap = captureCommand(['bash', '-c', script()], {});
  const records: SysFlowRecord[] = [];
  for await (const r of cap.records) records.push(r);
  assertWorkload(summarize(records));
  assert.equal(cap.stats().lostEvents, 0);
});

test('eBPF driver captures a process tree', async (t) => {
  const ready = ebpfReadiness();
  if (!ready.ok) {
    t.skip(
      `live eBPF capture is not possible here: ${ready.problems.join('; ')} (the strace test covers this path)`,
    );
    return;
  }
  const gate = join(dir, 'gate');
  spawnSync('mkfifo', [gate]);
  const { spawn } = await import('node:child_process');
  const child = spawn('sh', ['-c', 'read -r _ 0<> "$0"; exec bash -c "$1"', gate, script()], {
    stdio: 'ignore',
  });
  const cap = await captureTree({ driver: 'ebpf', rootPid: child.pid! });
  const records: SysFlowRecord[] = [];
  const pump = (async () => {
    for await (const r of cap.records) records.push(r);
  })();
  writeFileSync(gate, 'go\n');
  await new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise((r) => setTimeout(r, 300));
  await cap.stop();
  await pump;
  assert.ok(records.length > 0, `no records (stats ${JSON.stringify(cap.stats())})`);
  assertWorkload(summarize(records));
});
