/**
 * Overhead of live capture on a syscall-heavy workload, every figure measured in the same run:
 *
 * - `bare`   the workload alone;
 * - `ebpf`   under the eBPF driver (bpftrace; tree filter on the workload's pid, launched behind a FIFO gate as
 *            `peregrine sysflow collect -- CMD` does it), records lifted in this process;
 * - `strace` under the strace driver (`captureCommand`).
 *
 * The workload is a small C program compiled here with `cc`: CYCLES × (open O_TRUNC, OPS × write 64 B, lseek,
 * OPS × read 64 B, close) on a temp file, then a loopback TCP echo of TRIPS × 64 B between it and a forked child
 * (send/recv on both ends). It times itself (CLOCK_MONOTONIC, from its first open to the child's reaping), so the
 * ratios exclude bpftrace's start-up and strace's exec; attach time is reported apart.
 *
 * Every captured run is also checked for exactness: the FileFlow bytes of the temp file and the NetworkFlow bytes of
 * the echo connection (client and server side) must equal what the workload reports it read and wrote. Lost events
 * (`lostEvents`, bpftrace perf-buffer overruns) are counted and printed.
 *
 *     node --import tsx bench/collector-overhead.ts [ROUNDS=3] [CYCLES=400] [OPS=100] [TRIPS=20000] [--per-op]
 *
 * `--per-op` adds `ebpf-op`: the eBPF driver with in-kernel read/write aggregation off (one perf event per
 * operation), to show what the aggregation saves.
 *
 * Medians of ROUNDS interleaved rounds (bare, ebpf, strace, bare, …); the machine is shared, so compare ratios:
 * `ratio` (of the medians), `round ratio` (median of each round's ratio to its own bare run) and `CPU ratio` (the
 * workload's user + system CPU time, where the probes' in-kernel cost lands; less disturbed by load than wall time).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  captureCommand,
  captureTree,
  ebpfReadiness,
  lift,
  Lifter,
  startEbpfCapture,
  type CaptureHandle,
} from '../src/telemetry/collector/index.ts';
import { snapshotTree } from '../src/telemetry/collector/proc.ts';
import { ipv4ToString, type SysFlowRecord } from '../src/telemetry/sysflow/records/index.ts';

const WORKLOAD_C = `#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void die(const char *m) { perror(m); exit(2); }
int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: w FILE CYCLES OPS ROUNDTRIPS RESULT\\n"); return 2; }
  const char *path = argv[1];
  long cycles = atol(argv[2]), ops = atol(argv[3]), trips = atol(argv[4]);
  char buf[64]; memset(buf, 'x', sizeof buf);
  double t0 = now();
  long fr = 0, fw = 0;
  for (long i = 0; i < cycles; i++) {
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) die("open");
    for (long j = 0; j < ops; j++) { ssize_t n = write(fd, buf, sizeof buf); if (n != sizeof buf) die("write"); fw += n; }
    if (lseek(fd, 0, SEEK_SET) != 0) die("lseek");
    for (long j = 0; j < ops; j++) { ssize_t n = read(fd, buf, sizeof buf); if (n != sizeof buf) die("read"); fr += n; }
    close(fd);
  }
  double t1 = now();
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0 };
  socklen_t al = sizeof a;
  if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 1) || getsockname(ls, (struct sockaddr *)&a, &al)) die("listen");
  pid_t child = fork();
  if (child == 0) {
    int c = accept(ls, NULL, NULL);
    if (c < 0) die("accept");
    for (long j = 0; j < trips; j++) {
      size_t got = 0;
      while (got < sizeof buf) { ssize_t n = recv(c, buf + got, sizeof buf - got, 0); if (n <= 0) die("recv"); got += n; }
      if (send(c, buf, sizeof buf, 0) != sizeof buf) die("send");
    }
    close(c);
    _exit(0);
  }
  close(ls);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&a, sizeof a)) die("connect");
  for (long j = 0; j < trips; j++) {
    if (send(s, buf, sizeof buf, 0) != sizeof buf) die("send");
    size_t got = 0;
    while (got < sizeof buf) { ssize_t n = recv(s, buf + got, sizeof buf - got, 0); if (n <= 0) die("recv"); got += n; }
  }
  close(s);
  waitpid(child, NULL, 0);
  double t2 = now();
  struct rusage self, kids;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &kids);
  double cpu = self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec + kids.ru_stime.tv_sec +
               (self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) / 1e6;
  FILE *out = fopen(argv[5], "w");
  if (!out) die("result");
  fprintf(out, "{\\"fileSec\\":%.6f,\\"tcpSec\\":%.6f,\\"totalSec\\":%.6f,\\"cpuSec\\":%.6f,\\"fileRead\\":%ld,\\"fileWritten\\":%ld,\\"port\\":%d}\\n",
         t1 - t0, t2 - t1, t2 - t0, cpu, fr, fw, ntohs(a.sin_port));
  fclose(out);
  return 0;
}
`;

const PER_OP = process.argv.includes('--per-op');
const [ROUNDS, CYCLES, OPS, TRIPS] = [3, 400, 100, 20000].map((d, i) =>
  Number(process.argv.filter((a) => !a.startsWith('--'))[2 + i] ?? d),
);
const dir = mkdtempSync(join(tmpdir(), 'peregrine-bench-collector-'));
const exe = join(dir, 'workload');
writeFileSync(join(dir, 'workload.c'), WORKLOAD_C);
const cc = spawnSync('cc', ['-O2', '-o', exe, join(dir, 'workload.c')], { encoding: 'utf8' });
if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);

interface WorkloadResult {
  fileSec: number;
  tcpSec: number;
  totalSec: number;
  /** CPU time of the workload and its child (user + system): probe costs land in its system time. */
  cpuSec: number;
  fileRead: number;
  fileWritten: number;
  port: number;
}

type Mode = 'bare' | 'ebpf' | 'ebpf-op' | 'strace';

interface RunResult {
  mode: Mode;
  round?: number;
  work: WorkloadResult;
  attachMs?: number;
  rawEvents?: number;
  records?: number;
  lost?: number;
  /** Workload start to the last record lifted. */
  captureSec?: number;
  collectorCpuSec?: number;
  /** Read/write operations the flows account for (an aggregated raw event covers many). */
  ioOps?: number;
  exact?: string;
}

let runNo = 0;
function workloadArgv(): { argv: string[]; result: string; file: string } {
  runNo++;
  const file = join(dir, `data-${runNo}`);
  const result = join(dir, `result-${runNo}.json`);
  return { argv: [exe, file, String(CYCLES), String(OPS), String(TRIPS), result], result, file };
}

const readResult = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as WorkloadResult;

async function bare(): Promise<RunResult> {
  const w = workloadArgv();
  const r = spawnSync(w.argv[0]!, w.argv.slice(1), { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`workload failed (${r.status})`);
  return { mode: 'bare', work: readResult(w.result) };
}

/** Checks the flows of the run against what the workload did. */
function ioOps(records: SysFlowRecord[]): number {
  let n = 0;
  for (const r of records)
    if (r.kind === 'FileFlow' || r.kind === 'NetworkFlow') n += r.numRRecvOps + r.numWSendOps;
  return n;
}

function check(records: SysFlowRecord[], file: string, work: WorkloadResult): string {
  const files = new Map<string, string>();
  let fr = 0;
  let fw = 0;
  const net = new Map<string, { r: number; w: number }>();
  for (const r of records) {
    if (r.kind === 'File') files.set(r.oid, r.path);
    else if (r.kind === 'FileFlow' && files.get(r.fileOID) === file) {
      fr += r.numRRecvBytes;
      fw += r.numWSendBytes;
    } else if (r.kind === 'NetworkFlow' && r.dport === work.port) {
      const k = `${ipv4ToString(r.sip)}:${r.sport} pid ${r.procOID.hpid}`;
      const n = net.get(k) ?? { r: 0, w: 0 };
      n.r += r.numRRecvBytes;
      n.w += r.numWSendBytes;
      net.set(k, n);
    }
  }
  const want = TRIPS * 64;
  const problems: string[] = [];
  if (fr !== work.fileRead || fw !== work.fileWritten)
    problems.push(`file r/w ${fr}/${fw}, want ${work.fileRead}/${work.fileWritten}`);
  const ends = [...net.values()];
  if (ends.length !== 2 || ends.some((e) => e.r !== want || e.w !== want))
    problems.push(`tcp ${JSON.stringify(Object.fromEntries(net))}, want 2 ends × ${want}/${want}`);
  return problems.length ? `NO (${problems.join('; ')})` : 'yes';
}

async function drain(cap: CaptureHandle, records: SysFlowRecord[]): Promise<void> {
  for await (const r of cap.records) records.push(r);
}

/** `captureTree` with the per-operation program (`aggregateIo: false`): what the in-kernel aggregation saves. */
async function captureTreePerOp(rootPid: number): Promise<CaptureHandle> {
  const snapshot = snapshotTree(rootPid);
  const cap = startEbpfCapture({ rootPid, aggregateIo: false });
  await cap.ready;
  const lifter = new Lifter({ snapshot });
  return { records: lift(cap.events, lifter), stats: () => lifter.stats, stop: () => cap.stop() };
}

const ebpf = () => ebpfRun('ebpf');
const ebpfPerOp = () => ebpfRun('ebpf-op');

async function ebpfRun(mode: 'ebpf' | 'ebpf-op'): Promise<RunResult> {
  const w = workloadArgv();
  const gate = join(dir, `gate-${runNo}`);
  spawnSync('mkfifo', [gate]);
  // as `collect` launches a command, but the gate is opened read-write (`0<>`), which does not block: the shell then
  // waits in read() with the FIFO open before the probes attach, so the /proc snapshot names its descriptors. With
  // `<` the shell sits in open(), the open is never seen, and the lifter resolves the gate's descriptor from /proc
  // only later — by then it may name the workload's data file, and the gate's 3 bytes are counted there.
  const child = spawn('sh', ['-c', 'read -r _ 0<> "$0"; exec "$@"', gate, ...w.argv], { stdio: 'inherit' });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const a0 = performance.now();
  const cap =
    mode === 'ebpf'
      ? await captureTree({ driver: 'ebpf', rootPid: child.pid! })
      : await captureTreePerOp(child.pid!);
  const attachMs = performance.now() - a0;
  const records: SysFlowRecord[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const pump = drain(cap, records);
  writeFileSync(gate, 'go\n');
  const code = await exited;
  if (code !== 0) throw new Error(`workload failed under ebpf (${code})`);
  // as `collect` does: let the last events drain, then stop
  await new Promise((r) => setTimeout(r, 300));
  await cap.stop();
  await pump;
  const captureSec = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const work = readResult(w.result);
  const s = cap.stats();
  return {
    mode,
    work,
    attachMs,
    rawEvents: s.rawEvents,
    records: s.records,
    lost: s.lostEvents,
    captureSec,
    collectorCpuSec: (cpu.user + cpu.system) / 1e6,
    ioOps: ioOps(records),
    exact: check(records, w.file, work),
  };
}

async function strace(): Promise<RunResult> {
  const w = workloadArgv();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const cap = captureCommand(w.argv, {});
  const records: SysFlowRecord[] = [];
  await drain(cap, records);
  const captureSec = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const work = readResult(w.result);
  const s = cap.stats();
  return {
    mode: 'strace',
    work,
    rawEvents: s.rawEvents,
    records: s.records,
    lost: s.lostEvents,
    captureSec,
    collectorCpuSec: (cpu.user + cpu.system) / 1e6,
    ioOps: ioOps(records),
    exact: check(records, w.file, work),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const f = (x: number, d = 2) => x.toFixed(d);

async function main(): Promise<void> {
  const haveEbpf = ebpfReadiness();
  if (!haveEbpf.ok) console.log(`eBPF not measured: ${haveEbpf.problems.join('; ')}`);
  console.log(
    `workload: ${CYCLES} × (open, ${OPS} × write 64 B, lseek, ${OPS} × read 64 B, close) + ${TRIPS} TCP echo round trips of 64 B; ` +
      `${ROUNDS} rounds; load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const runs: RunResult[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const modes = [bare, ...(haveEbpf.ok ? [ebpf, ...(PER_OP ? [ebpfPerOp] : [])] : []), strace];
      for (const m of modes) {
        const r = { ...(await m()), round: i };
        runs.push(r);
        console.log(
          `round ${i + 1} ${r.mode.padEnd(7)} ${f(r.work.totalSec)} s (file ${f(r.work.fileSec)} s, tcp ${f(r.work.tcpSec)} s, CPU ${f(r.work.cpuSec)} s)` +
            (r.rawEvents !== undefined
              ? `; ${r.rawEvents} raw events for ${r.ioOps} read/write ops, ${r.records} records, ${r.lost} lost, exact ${r.exact}` +
                (r.attachMs !== undefined ? `, attach ${f(r.attachMs / 1000, 1)} s` : '') +
                `, collector CPU ${f(r.collectorCpuSec!)} s`
              : ''),
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = median(runs.filter((r) => r.mode === 'bare').map((r) => r.work.totalSec));
  console.log(
    `\nload ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    'mode    median s  ratio  round ratio  CPU ratio  file×  tcp×   raw events  raw ev/s lifted  rw ops/s lifted  records  lost  exact',
  );
  for (const mode of ['bare', 'ebpf', 'ebpf-op', 'strace'] as const) {
    const rs = runs.filter((r) => r.mode === mode);
    if (!rs.length) continue;
    const total = median(rs.map((r) => r.work.totalSec));
    const file =
      median(rs.map((r) => r.work.fileSec)) /
      median(runs.filter((r) => r.mode === 'bare').map((r) => r.work.fileSec));
    const tcp =
      median(rs.map((r) => r.work.tcpSec)) /
      median(runs.filter((r) => r.mode === 'bare').map((r) => r.work.tcpSec));
    const raw = rs[0]!.rawEvents;
    // ratios to the bare run of the same round, then their median: the load drifts between rounds
    const bareOf = (r: RunResult) => runs.find((b) => b.mode === 'bare' && b.round === r.round)!.work;
    const roundRatio = median(rs.map((r) => r.work.totalSec / bareOf(r).totalSec));
    const cpuRatio = median(rs.map((r) => r.work.cpuSec / bareOf(r).cpuSec));
    console.log(
      [
        mode.padEnd(7),
        f(total).padStart(9),
        f(total / base).padStart(6),
        f(roundRatio).padStart(12),
        f(cpuRatio).padStart(10),
        f(file).padStart(5),
        f(tcp).padStart(5),
        String(raw !== undefined ? median(rs.map((r) => r.rawEvents!)) : '-').padStart(12),
        (raw !== undefined ? f(median(rs.map((r) => r.rawEvents! / r.captureSec!)), 0) : '-').padStart(16),
        (raw !== undefined ? f(median(rs.map((r) => r.ioOps! / r.captureSec!)), 0) : '-').padStart(16),
        String(raw !== undefined ? median(rs.map((r) => r.records!)) : '-').padStart(8),
        String(raw !== undefined ? rs.reduce((a, r) => a + r.lost!, 0) : '-').padStart(5),
        raw !== undefined ? (rs.every((r) => r.exact === 'yes') ? 'yes' : 'NO') : '-',
      ].join(' '),
    );
  }
}

await main();
