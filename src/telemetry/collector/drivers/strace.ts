/**
 * The strace capture driver (ptrace; needs no eBPF): runs a command under `strace -f -ttt -yy` writing into a FIFO
 * and parses its text output into raw events. strace's `-yy` decorates every descriptor with its path or socket
 * tuple (`3</etc/passwd>`, `5<TCP:[127.0.0.1:40000->127.0.0.1:8080]>`), which the parser uses directly.
 *
 * Pids: strace prefixes each line with the host pid, but a clone inside a pid namespace (the demo's container)
 * returns the child's pid in that namespace. `--pidns-translation` adds the host pid (`= 14 /* 3081 in strace's PID
 * NS *\/`), which the parser prefers; and since a child's first calls are often printed before its parent's clone
 * returns, the lines of a task not yet announced by a clone are held until it is, so the child is one process that
 * starts with its clone.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TelemetryError } from '../../../errors/index.ts';
import type { RawEvent } from '../raw.ts';
import { parseLinuxOpenFlags } from './open-flags.ts';
import { PATH_OP, syscallNames, syscallRole } from './syscalls.ts';

/** strace's `process` class (clone, fork, exec, exit, …) and every other call the table lifts. */
const SYSCALLS = ['process', ...syscallNames('strace', ['clone', 'exec', 'exit'])];

let pidnsTranslation: boolean | undefined;

/** Whether this strace prints host pids beside pid-namespace ones (`--pidns-translation`, strace 5.9 and later). */
function hasPidnsTranslation(): boolean {
  pidnsTranslation ??=
    spawnSync('strace', ['--pidns-translation', '-e', 'trace=none', 'true'], { stdio: 'ignore' }).status ===
    0;
  return pidnsTranslation;
}

/** The strace command line that writes the trace of `argv` into `outPath`. */
export function straceArgv(outPath: string, argv: string[]): string[] {
  return [
    'strace',
    '-f',
    ...(hasPidnsTranslation() ? ['--pidns-translation'] : []),
    '-ttt',
    '-yy',
    '-q',
    '-s',
    '256',
    '-e',
    `trace=${SYSCALLS.join(',')}`,
    '-e',
    'signal=none',
    '-o',
    outPath,
    '--',
    ...argv,
  ];
}

/** Decodes a C string literal as strace prints it (without the quotes). */
function unquote(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', v: '\v', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

/** All string literals in `s`, in order. */
function strings(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push(unquote(m[1]!));
  return out;
}

const TUPLE = /^(\d+)<(TCP|UDP|TCPv6|UDPv6):\[(.+?):(\d+)->(.+?):(\d+)\]>/;
const FD_PATH = /^(-?\d+)<(\/.*?)>/;

/** The socket event of a {@link TUPLE} match (the descriptor, its protocol, local and remote ends). */
function socketOf(t: RegExpExecArray, ts: bigint, pid: number, tid: number, accepted: boolean): RawEvent {
  const end = (ip: string, port: string) => ({ ip: ip.replace(/^\[|\]$/g, ''), port: Number(port) });
  return {
    kind: 'socket',
    ts,
    pid,
    tid,
    fd: Number(t[1]),
    ret: 0,
    accepted,
    proto: t[2]!.startsWith('TCP') ? 6 : 17,
    local: end(t[3]!, t[4]!),
    remote: end(t[5]!, t[6]!),
  };
}

interface Pending {
  text: string;
  ts: bigint;
}

/** A clone's return as strace prints it: the pid in the caller's namespace, the host pid when translated. */
const HOST_PID = /\/\* (\d+) in strace's PID NS \*\//;

/** Parses strace's lines (one call per complete line, unfinished/resumed pairs joined) into raw events. */
export class StraceParser {
  private readonly unfinished = new Map<number, Pending>();
  /** tid → tgid for threads. */
  private readonly tgid = new Map<number, number>();
  private readonly pendingConnect = new Map<string, { ts: bigint; tid: number }>();
  private readonly knownSockets = new Set<string>();
  /** Tasks announced: the traced command's first task, then every child a clone returned. */
  private readonly announced = new Set<number>();
  /** Lines of tasks that printed before the clone that made them returned, by tid, in order. */
  private readonly held = new Map<number, string[]>();

  parse(line: string): RawEvent[] {
    const m = /^(\d+)\s+(\d+)\.(\d+)\s+(.*)$/.exec(line);
    if (!m) return [];
    const tid = Number(m[1]);
    if (this.announced.size === 0) this.announced.add(tid);
    if (!this.announced.has(tid)) {
      const lines = this.held.get(tid) ?? [];
      lines.push(line);
      this.held.set(tid, lines);
      return [];
    }
    const ts = BigInt(m[2]!) * 1_000_000_000n + BigInt(m[3]!.padEnd(9, '0').slice(0, 9));
    let body = m[4]!;
    if (body.endsWith('<unfinished ...>')) {
      this.unfinished.set(tid, { text: body.slice(0, -'<unfinished ...>'.length), ts });
      return [];
    }
    let startTs = ts;
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(body);
    if (resumed) {
      const head = this.unfinished.get(tid);
      this.unfinished.delete(tid);
      if (!head) return [];
      body = head.text + resumed[2];
      startTs = head.ts;
    }
    const pid = this.tgid.get(tid) ?? tid;
    if (body.startsWith('+++ ')) {
      this.tgid.delete(tid);
      return [{ kind: 'exit', ts, pid, tid }];
    }
    const call = /^(\w+)\((.*)\)\s+=\s+(-?\d+|\?|0x[0-9a-f]+)(.*)$/.exec(body);
    if (!call) return [];
    const [, name, args, retText, retRest] = call as unknown as [string, string, string, string, string];
    const ret = retText === '?' ? 0 : Number(retText);
    if (syscallRole(name, 'strace') === 'clone' && ret > 0)
      return this.clone(args, ret, retRest, startTs, pid, tid);
    return this.event(name, args, ret, retText + retRest, ts, pid, tid);
  }

  /**
   * A clone that returned `ret`: the child's host pid is the translated one, else `ret` when that task printed or
   * nothing is held, else the one task held (an old strace inside a pid namespace). The event is dated at the
   * clone's entry, before anything the child did; the child's held lines follow it.
   */
  private clone(
    args: string,
    ret: number,
    retRest: string,
    ts: bigint,
    pid: number,
    tid: number,
  ): RawEvent[] {
    const translated = HOST_PID.exec(retRest);
    let child = translated ? Number(translated[1]) : ret;
    if (!translated && !this.held.has(ret) && this.held.size === 1) child = [...this.held.keys()][0]!;
    const thread = /CLONE_THREAD/.test(args);
    if (thread) this.tgid.set(child, pid);
    this.announced.add(child);
    const out: RawEvent[] = [{ kind: 'clone', ts, ppid: pid, ptid: tid, pid: child, thread }];
    const lines = this.held.get(child);
    this.held.delete(child);
    for (const l of lines ?? []) out.push(...this.parse(l));
    return out;
  }

  /** Lines of tasks whose clone never returned (the trace was cut), parsed as they are. */
  flush(): RawEvent[] {
    const out: RawEvent[] = [];
    for (const [tid, lines] of this.held) {
      this.announced.add(tid);
      this.held.delete(tid);
      for (const l of lines) out.push(...this.parse(l));
    }
    return out;
  }

  private event(
    name: string,
    args: string,
    ret: number,
    retText: string,
    ts: bigint,
    pid: number,
    tid: number,
  ): RawEvent[] {
    const firstFd = () => Number(/^(-?\d+)/.exec(args)?.[1] ?? -1);
    const role = syscallRole(name, 'strace');
    if (!role) return [];
    switch (role) {
      // a successful clone is handled by parse(), which knows the child's host pid
      case 'clone':
        return [];
      case 'exec': {
        if (ret !== 0) return [];
        const s = strings(args);
        const exe = s[0] ?? '';
        const argvText = /\[(.*?)\](?:\.\.\.)?,\s*(?:0x|\[|NULL)/.exec(args)?.[1] ?? '';
        return [{ kind: 'exec', ts, pid, tid, exe, args: strings(argvText) }];
      }
      case 'open': {
        const dec = FD_PATH.exec(retText);
        const s = strings(args);
        const flagsText =
          /",\s*([A-Z_|0-9]+)/.exec(args)?.[1] ??
          (name === 'creat' ? 'O_CREAT|O_WRONLY|O_TRUNC' : 'O_RDONLY');
        return [
          {
            kind: 'open',
            ts,
            pid,
            tid,
            fd: ret,
            path: dec ? dec[2]! : (s[0] ?? ''),
            flags: parseLinuxOpenFlags(flagsText),
          },
        ];
      }
      case 'read':
      case 'write': {
        if (ret < 0) return [];
        const out = this.socketFromDecoration(args, ts, pid, tid);
        out.push({ kind: 'io', ts, pid, tid, fd: firstFd(), dir: role, ops: 1, bytes: ret });
        return out;
      }
      case 'dup':
        return ret >= 0 ? [{ kind: 'dup', ts, pid, tid, oldFd: firstFd(), newFd: ret }] : [];
      case 'transfer': {
        if (ret <= 0) return [];
        const fds = [...args.matchAll(/(?:^|,\s*)(\d+)</g)].map((m) => Number(m[1]));
        const [a, b] = name === 'sendfile' ? [fds[1], fds[0]] : [fds[0], fds[1]];
        if (a === undefined || b === undefined) return [];
        return [
          { kind: 'io', ts, pid, tid, fd: a, dir: 'read', ops: 1, bytes: ret },
          { kind: 'io', ts, pid, tid, fd: b, dir: 'write', ops: 1, bytes: ret },
        ];
      }
      case 'close': {
        const out = this.socketFromDecoration(args, ts, pid, tid);
        this.knownSockets.delete(`${pid}:${firstFd()}`);
        out.push({ kind: 'close', ts, pid, tid, fd: firstFd() });
        return out;
      }
      case 'connect': {
        if (ret !== 0 && !/EINPROGRESS/.test(retText)) return [];
        this.pendingConnect.set(`${pid}:${firstFd()}`, { ts, tid });
        return this.socketFromDecoration(args, ts, pid, tid);
      }
      case 'accept': {
        const t = TUPLE.exec(retText);
        if (!t) return [];
        this.knownSockets.add(`${pid}:${t[1]}`);
        return [socketOf(t, ts, pid, tid, true)];
      }
      case 'shutdown':
        return [{ kind: 'shutdown', ts, pid, tid, fd: firstFd() }];
      case 'mmap': {
        const fd = Number(/,\s*(-?\d+)(?:<[^>]*>)?,\s*0x[0-9a-f]+$/.exec(args)?.[1] ?? -1);
        return fd >= 0 ? [{ kind: 'mmap', ts, pid, tid, fd }] : [];
      }
      case 'mkdir':
      case 'rmdir':
      case 'unlink': {
        // unlinkat(…, AT_REMOVEDIR) removes a directory
        const op = role === 'unlink' && /AT_REMOVEDIR/.test(args) ? 'RMDIR' : PATH_OP[role];
        return [{ kind: 'fileop', ts, pid, tid, op, path: strings(args)[0] ?? '', ret }];
      }
      case 'rename':
      case 'link':
      case 'symlink': {
        const s = strings(args);
        return [
          { kind: 'fileop', ts, pid, tid, op: PATH_OP[role], path: s[0] ?? '', newPath: s[1] ?? '', ret },
        ];
      }
      case 'setuid': {
        const ids = args.split(',').map((x) => Number(x.trim()));
        return [{ kind: 'setuid', ts, pid, tid, uid: name === 'setuid' ? ids[0]! : ids[1]!, ret }];
      }
      case 'setns':
        return [{ kind: 'setns', ts, pid, tid, fd: firstFd(), ret }];
      // strace reports a thread's end as `+++ exited`, handled before the call is parsed
      case 'exit':
        return [];
    }
  }

  /** A socket event for a descriptor whose tuple strace decorated, the first time it is seen. */
  private socketFromDecoration(args: string, ts: bigint, pid: number, tid: number): RawEvent[] {
    const t = TUPLE.exec(args);
    if (!t) return [];
    const key = `${pid}:${t[1]}`;
    if (this.knownSockets.has(key)) return [];
    this.knownSockets.add(key);
    const pending = this.pendingConnect.get(key);
    this.pendingConnect.delete(key);
    return [socketOf(t, pending?.ts ?? ts, pid, pending?.tid ?? tid, false)];
  }
}

/** A FIFO strace writes into, and the raw events read from it. */
export interface StraceOutput {
  path: string;
  events: AsyncIterable<RawEvent>;
  cleanup(): void;
}

export function straceFifo(): StraceOutput {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-strace-'));
  const path = join(dir, 'trace.fifo');
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new TelemetryError('E_STRACE', `could not create a FIFO in ${dir}`);
  async function* events(): AsyncGenerator<RawEvent> {
    const parser = new StraceParser();
    const rl = createInterface({ input: createReadStream(path) });
    for await (const line of rl) for (const ev of parser.parse(line)) yield ev;
    yield* parser.flush();
  }
  return { path, events: events(), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `argv` under strace; events end when the command exits. */
export function startStraceCapture(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv } = {},
): {
  events: AsyncIterable<RawEvent>;
  pid: Promise<number>;
  stop(): Promise<void>;
} {
  if (spawnSync('strace', ['-V'], { stdio: 'ignore' }).status !== 0) {
    throw new TelemetryError('E_STRACE', 'strace is not installed', { hint: 'apt-get install strace' });
  }
  const out = straceFifo();
  const child: ChildProcess = spawn(straceArgv(out.path, argv)[0]!, straceArgv(out.path, argv).slice(1), {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: options.env ?? process.env,
  });
  async function* events(): AsyncGenerator<RawEvent> {
    try {
      yield* out.events;
    } finally {
      out.cleanup();
    }
  }
  return {
    events: events(),
    pid: Promise.resolve(child.pid ?? -1),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
