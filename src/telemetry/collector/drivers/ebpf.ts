/**
 * The eBPF capture driver: spawns Debian's `bpftrace` with the generated program (`bpftrace-script.ts`), reads its
 * JSON output and yields raw events in timestamp order. Events of different CPUs reach user space out of order, so
 * they pass through a small reorder window before they are released.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TelemetryError } from '../../../errors/index.ts';
import type { RawEvent } from '../raw.ts';
import { bpftraceScript, PACKED_BYTES_BITS, type ScriptOptions } from './bpftrace-script.ts';

/** Why live eBPF capture is or is not possible here. */
export interface EbpfReadiness {
  ok: boolean;
  root: boolean;
  tracefs: boolean;
  btf: boolean;
  bpftrace: string | null;
  problems: string[];
}

export function ebpfReadiness(options: { mountTracefs?: boolean } = {}): EbpfReadiness {
  const problems: string[] = [];
  const root = process.getuid?.() === 0;
  if (!root) problems.push('not running as root (eBPF needs CAP_BPF/CAP_SYS_ADMIN)');
  let tracefs = existsSync('/sys/kernel/tracing/events/syscalls');
  if (!tracefs && root && options.mountTracefs !== false && existsSync('/sys/kernel/tracing')) {
    spawnSync('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing'], { stdio: 'ignore' });
    tracefs = existsSync('/sys/kernel/tracing/events/syscalls');
  }
  if (!tracefs)
    problems.push(
      'tracefs is not mounted at /sys/kernel/tracing (mount -t tracefs nodev /sys/kernel/tracing)',
    );
  const btf = existsSync('/sys/kernel/btf/vmlinux');
  if (!btf)
    problems.push('the kernel exposes no BTF (/sys/kernel/btf/vmlinux): socket tuples cannot be read');
  const which = spawnSync('bpftrace', ['--version'], { encoding: 'utf8' });
  const bpftrace = which.status === 0 ? which.stdout.trim() : null;
  if (!bpftrace) problems.push('bpftrace is not installed (apt-get install bpftrace)');
  return { ok: problems.length === 0, root, tracefs, btf, bpftrace, problems };
}

export interface EbpfCapture {
  /** Raw events in timestamp order; ends after `stop()` once bpftrace has exited. */
  events: AsyncIterable<RawEvent>;
  /** Resolves when the probes are attached (start the workload after this). */
  ready: Promise<void>;
  stop(): Promise<void>;
  /** Events bpftrace reported lost. */
  lost(): number;
}

/** Measured here: most probes fire within ~100 ms after the canary, not all; 500 leaves margin. */
const SETTLE_MS = 500;
/** How long `stop()` waits for bpftrace to catch up with the events already in its buffers. */
const DRAIN_LIMIT_MS = 30_000;
/** How long bpftrace may take to detach its probes and run END after SIGINT. */
const STOP_LIMIT_MS = 15_000;

/** Wall-clock ns of CLOCK_MONOTONIC 0 (bpftrace's `nsecs` is monotonic). */
function monotonicToWallOffset(): bigint {
  return BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
}

/** A flushed read/write slot (`G` line): packed `ops << 40 | bytes` counters. */
interface Aggregate {
  kind: 'aggregate';
  ts: bigint;
  pid: number;
  tid: number;
  fd: number;
  reads: bigint;
  writes: bigint;
  firstTs: bigint;
}

const BYTES_MASK = (1n << PACKED_BYTES_BITS) - 1n;

/** The io events of a flushed slot: one per direction that saw operations. */
function unpackAggregate(a: Aggregate): RawEvent[] {
  const out: RawEvent[] = [];
  for (const [dir, packed] of [
    ['read', a.reads],
    ['write', a.writes],
  ] as const) {
    const ops = Number(packed >> PACKED_BYTES_BITS);
    if (ops === 0) continue;
    out.push({
      kind: 'io',
      ts: a.ts,
      pid: a.pid,
      tid: a.tid,
      fd: a.fd,
      dir,
      ops,
      bytes: Number(packed & BYTES_MASK),
      ...(ops > 1 ? { firstTs: a.firstTs } : {}),
    });
  }
  return out;
}

/**
 * The slots END printed as maps (`@gf` … `@g1`, keyed by tid) → `G` aggregates. A slot only exists in a
 * single-threaded process, whose one thread is (nearly always) its leader: pid = tid.
 */
function aggregatesFromMaps(maps: Map<string, Record<string, string>>, off: bigint): Aggregate[] {
  const gf = maps.get('@gf') ?? {};
  const get = (m: string, tid: string) => BigInt(maps.get(m)?.[tid] ?? 0);
  return Object.entries(gf)
    .filter(([, fd1]) => Number(fd1) > 0)
    .map(([tid, fd1]) => ({
      kind: 'aggregate',
      ts: get('@g1', tid) + off,
      pid: Number(tid),
      tid: Number(tid),
      fd: Number(fd1) - 1,
      reads: get('@gr', tid),
      writes: get('@gw', tid),
      firstTs: get('@g0', tid) + off,
    }));
}

/**
 * A `map` line of bpftrace's JSON output (`{"type": "map", "data": {"@gr": {"123": 5497558142711}}}`) with its
 * values kept as digit strings: packed counters exceed 2^53, where JSON.parse would round them.
 */
function parseMapLine(line: string): [string, Record<string, string>] | undefined {
  const name = /^\{"type": "map", "data": \{"(@\w+)": \{/.exec(line)?.[1];
  if (!name) return undefined;
  const entries: Record<string, string> = {};
  for (const m of line.matchAll(/"(\d+)": (\d+)/g)) entries[m[1]!] = m[2]!;
  return [name, entries];
}

/** The pid field of most printf lines (`CODE|ts|pid|…`). */
const PRINTF_PID = /^\{"type": "printf", "data": "[A-Za-z]\|\d+\|(\d+)\|/;

/** The fixed head of a bpftrace `-f json` printf line. */
const PRINTF_HEAD = '{"type": "printf", "data": "';

/**
 * The `data` of a printf line without JSON.parse when it holds no escapes but its final `\n` (nearly every line);
 * `undefined` when the line needs the full parser.
 */
function fastPrintfData(line: string): string | undefined {
  if (!line.startsWith(PRINTF_HEAD) || !line.endsWith('\\n"}')) return undefined;
  const end = line.length - 4;
  const esc = line.indexOf('\\', PRINTF_HEAD.length);
  return esc === end ? line.slice(PRINTF_HEAD.length, end) : undefined;
}

/** Parses one `printf` line of the program into a raw event (or a partial one awaiting its `join`/`Q` line). */
function parseLine(
  data: string,
  off: bigint,
):
  | RawEvent
  | { kind: 'argv-head'; ts: bigint; pid: number; tid: number }
  | { kind: 'path2-tail'; path: string }
  | Aggregate
  | null {
  const f = data.replace(/\n$/, '').split('|');
  const code = f[0];
  const ts = () => BigInt(f[1]!) + off;
  const n = (i: number) => Number(f[i]);
  switch (code) {
    case 'N':
      return {
        kind: 'clone',
        ts: ts(),
        ppid: n(2),
        ptid: n(3),
        pid: n(4),
        thread: (BigInt(f[5]!) & 0x10000n) !== 0n,
      };
    case 'A':
      return { kind: 'argv-head', ts: ts(), pid: n(2), tid: n(3) };
    case 'E':
      return {
        kind: 'exec',
        ts: ts(),
        pid: n(2),
        tid: n(3),
        uid: n(5),
        gid: n(6),
        exe: f.slice(7).join('|'),
        args: [],
      };
    case 'X':
      return { kind: 'exit', ts: ts(), pid: n(2), tid: n(3) };
    case 'O':
      return {
        kind: 'open',
        ts: ts(),
        pid: n(2),
        tid: n(3),
        fd: n(4),
        flags: n(5),
        dirfd: n(6),
        path: f.slice(7).join('|'),
      };
    case 'R':
    case 'W':
      return {
        kind: 'io',
        ts: ts(),
        pid: n(2),
        tid: n(3),
        fd: n(4),
        dir: code === 'R' ? 'read' : 'write',
        ops: 1,
        bytes: n(5),
      };
    case 'G':
      return {
        kind: 'aggregate',
        ts: ts(),
        pid: n(2),
        tid: n(3),
        fd: n(4),
        reads: BigInt(f[5]!),
        writes: BigInt(f[6]!),
        firstTs: BigInt(f[7]!) + off,
      };
    case 'D':
      return { kind: 'dup', ts: ts(), pid: n(2), tid: n(3), oldFd: n(4), newFd: n(5) };
    case 'K':
      return { kind: 'close', ts: ts(), pid: n(2), tid: n(3), fd: n(4) };
    case 'H':
      return { kind: 'shutdown', ts: ts(), pid: n(2), tid: n(3), fd: n(4) };
    case 'M':
      return { kind: 'mmap', ts: ts(), pid: n(2), tid: n(3), fd: n(4) };
    case 'C':
    case 'a':
      return {
        kind: 'socket',
        ts: ts(),
        pid: n(2),
        tid: n(3),
        fd: n(4),
        ret: n(5),
        accepted: code === 'a',
        proto: n(7),
        local: { ip: f[10]!, port: n(8) },
        remote: { ip: f[11]!, port: n(9) },
      };
    case 'P': {
      const op = f[4] as Extract<RawEvent, { kind: 'fileop' }>['op'];
      const two = f[f.length - 1] === '+';
      const path = f.slice(6, two ? -1 : f.length - 1).join('|');
      return {
        kind: 'fileop',
        ts: ts(),
        pid: n(2),
        tid: n(3),
        op,
        ret: n(5),
        path,
        ...(two ? { newPath: '' } : {}),
      };
    }
    case 'Q':
      return { kind: 'path2-tail', path: f.slice(4).join('|') };
    case 'U':
      return { kind: 'setuid', ts: ts(), pid: n(2), tid: n(3), uid: n(4), ret: n(5) };
    case 'S':
      return { kind: 'setns', ts: ts(), pid: n(2), tid: n(3), fd: n(4), ret: n(5) };
    default:
      return null;
  }
}

/** Holds events for `windowNs` of event time and releases them sorted by timestamp. */
class ReorderBuffer {
  private buf: RawEvent[] = [];
  private maxTs = 0n;
  /** Buffer length at which the next release is tried: twice what the last one kept, so sorting is amortised. */
  private nextRelease = 64;
  constructor(private readonly windowNs: bigint) {}
  push(ev: RawEvent): RawEvent[] {
    this.buf.push(ev);
    if (ev.ts > this.maxTs) this.maxTs = ev.ts;
    if (this.buf.length < this.nextRelease) return [];
    const out = this.release(this.maxTs - this.windowNs);
    this.nextRelease = Math.max(64, this.buf.length * 2);
    return out;
  }
  release(upTo: bigint): RawEvent[] {
    this.buf.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    let i = 0;
    while (i < this.buf.length && this.buf[i]!.ts <= upTo) i++;
    return this.buf.splice(0, i);
  }
  drain(): RawEvent[] {
    return this.release(BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000_000n);
  }
}

/** Starts bpftrace; events flow until `stop()`. */
export function startEbpfCapture(
  options: ScriptOptions & { onStderr?: (line: string) => void } = {},
): EbpfCapture {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-bpf-'));
  const scriptPath = join(dir, 'capture.bt');
  writeFileSync(scriptPath, bpftraceScript({ ...options, canaryPid: process.pid }));
  const off = monotonicToWallOffset();
  const child: ChildProcess = spawn('bpftrace', ['-f', 'json', scriptPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // 160: longer strings overflow the 512-byte BPF stack of the two-string probes on some kernels and the program
    // then silently loses events
    env: { ...process.env, BPFTRACE_STRLEN: '160', BPFTRACE_PERF_RB_PAGES: '1024' },
  });
  let lost = 0;
  let stderr = '';
  let resolveReady!: () => void;
  let rejectReady!: (e: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    // bpftrace warns about RLIMIT_MEMLOCK on kernels that account BPF memory by cgroup: harmless, not shown
    if (/RLIMIT_MEMLOCK/.test(line) || !line.trim()) return;
    stderr += line + '\n';
    options.onStderr?.(line);
  });
  child.once('error', (e) =>
    rejectReady(
      new TelemetryError('E_EBPF', `could not start bpftrace: ${e.message}`, {
        hint: 'apt-get install bpftrace',
      }),
    ),
  );
  child.once('exit', (code) => {
    if (canary) clearInterval(canary);
    rejectReady(
      new TelemetryError('E_EBPF', `bpftrace exited (code ${code}) before its probes were attached`, {
        hint:
          stderr
            .split('\n')
            .filter((l) => l && !l.includes('RLIMIT_MEMLOCK'))
            .slice(-5)
            .join('\n') || 'run `peregrine doctor`',
      }),
    );
  });

  // stdout is read from the start (the `attached_probes` line resolves `ready`); lines wait in a queue for the
  // consumer, and the pipe is paused while the queue is long (back-pressure).
  const rl = createInterface({ input: child.stdout! });
  let canary: NodeJS.Timeout | undefined;
  let attached = false;
  const canaryWaiters: (() => void)[] = [];
  /** Processes seen in the output: the ones that may hold a pending read/write slot when capture stops. */
  const seenPids = new Set<number>();
  const queue: string[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  rl.on('line', (line) => {
    // BEGIN has run (it seeds the tracked tree): poke the canary until the last probe fires
    if (line.startsWith('{"type": "printf", "data": "B|')) {
      canary = setInterval(() => {
        try {
          accessSync('/.peregrine-canary');
        } catch {
          // it never exists: only the system call matters
        }
      }, 20);
      return;
    }
    if (line.startsWith('{"type": "printf", "data": "Y|')) {
      if (canary) clearInterval(canary);
      canary = undefined;
      if (!attached) {
        attached = true;
        // probes are not attached in program order: give the rest a moment after the canary fired
        setTimeout(resolveReady, SETTLE_MS);
      }
      for (const w of canaryWaiters.splice(0)) w();
      return;
    }
    const pid = PRINTF_PID.exec(line)?.[1];
    if (pid) seenPids.add(Number(pid));
    queue.push(line);
    if (queue.length > 10_000) rl.pause();
    wake?.();
  });
  rl.on('close', () => {
    ended = true;
    wake?.();
  });
  async function* lines(): AsyncGenerator<string> {
    for (;;) {
      if (queue.length) {
        const batch = queue.splice(0, queue.length);
        rl.resume();
        yield* batch;
        continue;
      }
      if (ended) return;
      await new Promise<void>((r) => (wake = r));
      wake = null;
    }
  }

  async function* events(): AsyncGenerator<RawEvent> {
    const reorder = new ReorderBuffer(50_000_000n);
    let pendingArgv: { ts: bigint; pid: number; tid: number } | null = null;
    const argvByTid = new Map<number, string[]>();
    let pendingPath2: Extract<RawEvent, { kind: 'fileop' }> | null = null;
    const endMaps = new Map<string, Record<string, string>>();
    try {
      for await (const line of lines()) {
        if (!line) continue;
        const fast = fastPrintfData(line);
        if (fast !== undefined && fast[0] === 'G') {
          const agg = parseLine(fast, off) as Aggregate;
          for (const io of unpackAggregate(agg)) for (const r of reorder.push(io)) yield r;
          continue;
        }
        let msg: { type: string; data: unknown };
        try {
          msg =
            fast !== undefined
              ? { type: 'printf', data: fast }
              : (JSON.parse(line) as { type: string; data: unknown });
        } catch {
          continue;
        }
        if (msg.type === 'map') {
          // END prints the read/write slots still pending
          const map = parseMapLine(line);
          if (map) endMaps.set(map[0], map[1]);
          continue;
        }
        if (msg.type === 'attached_probes') {
          resolveReady();
          continue;
        }
        if (msg.type === 'lost_events') {
          const count = Number((msg.data as { events?: number }).events ?? 0);
          lost += count;
          yield {
            kind: 'lost',
            ts: BigInt(Date.now()) * 1_000_000n,
            count,
            reason: 'bpftrace perf buffer overrun',
          };
          continue;
        }
        if (msg.type === 'join') {
          if (pendingArgv) argvByTid.set(pendingArgv.tid, String(msg.data).split('\x1f'));
          pendingArgv = null;
          continue;
        }
        if (msg.type !== 'printf') continue;
        const ev = parseLine(String(msg.data), off);
        if (!ev) continue;
        if (ev.kind === 'aggregate') {
          for (const io of unpackAggregate(ev)) for (const r of reorder.push(io)) yield r;
          continue;
        }
        if (ev.kind === 'argv-head') {
          pendingArgv = ev;
          continue;
        }
        if (ev.kind === 'path2-tail') {
          if (pendingPath2) {
            pendingPath2.newPath = ev.path;
            for (const r of reorder.push(pendingPath2)) yield r;
          }
          pendingPath2 = null;
          continue;
        }
        if (ev.kind === 'exec') {
          const old = Number(String(msg.data).split('|')[4]);
          ev.args = argvByTid.get(old) ?? argvByTid.get(ev.tid) ?? [ev.exe];
          argvByTid.delete(old);
          argvByTid.delete(ev.tid);
        }
        if (ev.kind === 'fileop' && ev.newPath !== undefined) {
          pendingPath2 = ev;
          continue;
        }
        for (const r of reorder.push(ev)) yield r;
      }
      for (const agg of aggregatesFromMaps(endMaps, off))
        for (const io of unpackAggregate(agg)) for (const r of reorder.push(io)) yield r;
      for (const r of reorder.drain()) yield r;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  return {
    events: events(),
    ready,
    lost: () => lost,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      if (attached) {
        // flush the read/write slots still pending (the probe on kill(pid, 0) from this process), then let bpftrace
        // catch up with the present — it drops what is still in its perf buffers when interrupted — which it has
        // once it printed a canary hit made now (probes of all CPUs are read in the same poll round)
        for (const pid of seenPids) {
          try {
            process.kill(pid, 0);
          } catch {
            // gone: its exit flushed its slot
          }
        }
        const caughtUp = new Promise<boolean>((r) => {
          canaryWaiters.push(() => r(true));
          void exited.then(() => r(false));
        });
        const poke = setInterval(() => {
          try {
            accessSync('/.peregrine-canary');
          } catch {
            // it never exists: only the system call matters
          }
        }, 20);
        const limit = setTimeout(() => canaryWaiters.splice(0).forEach((w) => w()), DRAIN_LIMIT_MS);
        await caughtUp;
        clearInterval(poke);
        clearTimeout(limit);
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGINT');
      // detaching ~90 probes takes seconds on a loaded host, and END (which prints the pending read/write slots)
      // runs after it: only a bpftrace that hangs is killed
      const t = setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS);
      await exited;
      clearTimeout(t);
    },
  };
}
