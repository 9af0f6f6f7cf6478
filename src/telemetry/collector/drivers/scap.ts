/**
 * The scap replay driver: reads a sysdig capture (`.scap`) through Debian's `sysdig -r FILE -j` and turns its
 * system-call exit events into raw events for the lifter — the same path live captures take, so a replay of the
 * captures SysFlow's own collector was tested with can be compared with the `.sf` files it wrote.
 *
 * Only exit events are read (`evt.dir = <`, and sysdig's `procexit`): they carry the result and, through sysdig's fd table, the descriptor's
 * path or socket tuple. Process identity comes from sysdig's thread table (`proc.pid`, `proc.ppid`).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { TelemetryError } from '../../../errors/index.ts';
import type { RawEvent } from '../raw.ts';
import { parseLinuxOpenFlags } from './open-flags.ts';
import { PATH_OP, syscallNames, syscallRole } from './syscalls.ts';

const EVENT_TYPES = syscallNames('sysdig');

const FIELDS = [
  'evt.rawtime',
  'evt.type',
  'evt.dir',
  'thread.tid',
  'proc.pid',
  'proc.ppid',
  'evt.rawres',
  'fd.num',
  'fd.name',
  'fd.typechar',
  'fd.l4proto',
  'fd.cip',
  'fd.cport',
  'fd.sip',
  'fd.sport',
  'proc.exe',
  'proc.args',
  'proc.cwd',
  'user.uid',
  'group.gid',
  'evt.arg.flags',
  'evt.info',
];

/** The sysdig command line that prints what the parser needs, one JSON object per exit event. */
export function sysdigArgv(file: string): string[] {
  const filter = `(evt.dir = < and evt.type in (${EVENT_TYPES.join(',')})) or evt.type = procexit or (evt.type = mmap and evt.dir = >)`;
  return ['sysdig', '-r', file, '-j', '-p', '*' + FIELDS.map((f) => `%${f}`).join(' '), filter];
}

type Row = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? NaN));
const str = (v: unknown): string => (v === undefined || v === null || v === '<NA>' ? '' : String(v));

/** `key=value` of sysdig's event info text (values end at the next ` key=`). */
export function infoArg(info: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${key}=(.*?)(?=\\s[a-z_]+=|\\s*$)`).exec(info);
  return m?.[1];
}

/** Linux open flags from sysdig's `flags=4097(O_RDONLY|O_CLOEXEC)` rendering: the names in parentheses. */
function openFlags(text: string): number {
  return parseLinuxOpenFlags(/\(([^)]*)\)/.exec(text)?.[1] ?? '');
}

/** Turns sysdig exit-event rows into raw events; remembers which sockets it has described. */
export class ScapParser {
  private readonly seen = new Set<string>();

  rowToEvents(row: Row): RawEvent[] {
    const events = this.events(row);
    if (events.length) {
      const exe = str(row['proc.exe']);
      if (exe) {
        const args = str(row['proc.args']);
        const uid = num(row['user.uid']);
        const hint = {
          exe,
          args: [exe, ...(args ? args.split(' ') : [])],
          ppid: num(row['proc.ppid']),
          ...(Number.isFinite(uid) && uid < 4294967295 ? { uid } : {}),
          ...(str(row['proc.cwd']) ? { cwd: str(row['proc.cwd']) } : {}),
        };
        for (const e of events) e.hint = hint;
      }
    }
    return events;
  }

  private events(row: Row): RawEvent[] {
    const type = str(row['evt.type']);
    const ts = BigInt(str(row['evt.rawtime']) || '0');
    const tid = num(row['thread.tid']);
    const pid = num(row['proc.pid']);
    const res = num(row['evt.rawres']);
    const info = str(row['evt.info']);
    const fd = num(row['fd.num']);
    const role = syscallRole(type, 'sysdig');
    if (!role) return [];
    switch (role) {
      case 'clone': {
        // the parent's exit (res = child tid) describes the new task; the child's (res = 0) is skipped
        if (!(res > 0)) return [];
        const flags = str(row['evt.arg.flags']) || infoArg(info, 'flags') || '';
        return [{ kind: 'clone', ts, ppid: pid, ptid: tid, pid: res, thread: /CLONE_THREAD/.test(flags) }];
      }
      case 'exec': {
        if (res !== 0) return [];
        const exe = str(row['proc.exe']) || infoArg(info, 'exe') || '';
        const args = str(row['proc.args']);
        return [
          {
            kind: 'exec',
            ts,
            pid,
            tid,
            exe,
            args: [exe, ...(args ? args.split(' ') : [])],
            uid:
              Number.isFinite(num(row['user.uid'])) && num(row['user.uid']) < 4294967295
                ? num(row['user.uid'])
                : undefined,
            cwd: str(row['proc.cwd']) || undefined,
          },
        ];
      }
      case 'exit':
        return [{ kind: 'exit', ts, pid, tid }];
      case 'open': {
        if (!(res >= 0)) return [];
        const flagsText = str(row['evt.arg.flags']) || infoArg(info, 'flags') || '';
        return [
          {
            kind: 'open',
            ts,
            pid,
            tid,
            fd: res,
            path: str(row['fd.name']) || infoArg(info, 'name') || '',
            flags: openFlags(flagsText),
          },
        ];
      }
      case 'read':
      case 'write': {
        if (!(res >= 0) || !(fd >= 0)) return [];
        const target = { name: str(row['fd.name']), type: str(row['fd.typechar']) };
        return [
          ...this.socketIfNew(row, ts, pid, tid, fd),
          { kind: 'io', ts, pid, tid, fd, dir: role, ops: 1, bytes: res, target },
        ];
      }
      // sysdig's sendfile exit names one descriptor of the two: not lifted
      case 'transfer':
        return [];
      case 'connect':
      case 'accept': {
        const sockFd = type === 'connect' ? fd : res;
        if (!(sockFd >= 0)) return [];
        if (type === 'connect' && res < 0 && res !== -115) return [];
        const ev = this.socketEvent(row, ts, pid, tid, sockFd, type !== 'connect');
        return ev ? [ev] : [];
      }
      case 'close':
        return fd >= 0 ? [{ kind: 'close', ts, pid, tid, fd }] : [];
      case 'shutdown':
        return fd >= 0 ? [{ kind: 'shutdown', ts, pid, tid, fd }] : [];
      case 'mmap': {
        // read from the enter event, which names the descriptor
        const mfd = Number(/(?:^|\s)fd=(-?\d+)/.exec(info)?.[1] ?? fd);
        return str(row['evt.dir']) === '>' && mfd >= 0 ? [{ kind: 'mmap', ts, pid, tid, fd: mfd }] : [];
      }
      case 'dup':
        return res >= 0 && fd >= 0 ? [{ kind: 'dup', ts, pid, tid, oldFd: fd, newFd: res }] : [];
      case 'mkdir':
      case 'rmdir':
      case 'unlink': {
        const path = infoArg(info, 'path') ?? infoArg(info, 'name') ?? '';
        return [{ kind: 'fileop', ts, pid, tid, op: PATH_OP[role], path: stripResolved(path), ret: res }];
      }
      case 'rename':
      case 'link':
      case 'symlink': {
        const from = infoArg(info, 'oldpath') ?? infoArg(info, 'target') ?? '';
        const to = infoArg(info, 'newpath') ?? infoArg(info, 'linkpath') ?? '';
        return [
          {
            kind: 'fileop',
            ts,
            pid,
            tid,
            op: PATH_OP[role],
            path: stripResolved(from),
            newPath: stripResolved(to),
            ret: res,
          },
        ];
      }
      case 'setuid': {
        const uid = Number(infoArg(info, type === 'setuid' ? 'uid' : 'euid')?.replace(/\(.*$/, '') ?? NaN);
        return [{ kind: 'setuid', ts, pid, tid, uid: Number.isFinite(uid) ? uid : -1, ret: res }];
      }
      case 'setns':
        return [{ kind: 'setns', ts, pid, tid, fd, ret: res }];
    }
  }

  private socketEvent(
    row: Row,
    ts: bigint,
    pid: number,
    tid: number,
    fd: number,
    accepted: boolean,
  ): RawEvent | undefined {
    const proto = str(row['fd.l4proto']);
    if (proto !== 'tcp' && proto !== 'udp') return undefined;
    const cip = str(row['fd.cip']);
    const sip = str(row['fd.sip']);
    if (!cip || !sip) return undefined;
    const client = { ip: cip, port: num(row['fd.cport']) };
    const server = { ip: sip, port: num(row['fd.sport']) };
    this.seen.add(`${pid}:${fd}`);
    return {
      kind: 'socket',
      ts,
      pid,
      tid,
      fd,
      ret: 0,
      accepted,
      proto: proto === 'tcp' ? 6 : 17,
      local: accepted ? server : client,
      remote: accepted ? client : server,
    };
  }

  /** A socket the replay never saw connected/accepted (opened before the capture): described from its first I/O. */
  private socketIfNew(row: Row, ts: bigint, pid: number, tid: number, fd: number): RawEvent[] {
    const typechar = str(row['fd.typechar']);
    if (typechar !== '4' && typechar !== '6') return [];
    if (this.seen.has(`${pid}:${fd}`)) return [];
    const ev = this.socketEvent(row, ts, pid, tid, fd, false);
    return ev ? [ev] : [];
  }
}

/**
 * sysdig prints a path argument as `asgiven(resolved)`: keep the resolved one when it is absolute, else the path as
 * given (the capture did not know the working directory — SysFlow then keeps it relative too).
 */
function stripResolved(p: string): string {
  const m = /^(.*?)\((.*)\)$/.exec(p);
  if (!m) return p;
  return m[2]!.startsWith('/') ? m[2]! : m[1]!;
}

/** Replays `file` through sysdig; raw events in capture order. */
export async function* replayScap(file: string): AsyncGenerator<RawEvent> {
  const argv = sysdigArgv(file);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (e) =>
      reject(
        new TelemetryError('E_SYSDIG', `could not run sysdig: ${e.message}`, {
          hint: 'apt-get install --no-install-recommends sysdig',
        }),
      ),
    );
  });
  const parser = new ScapParser();
  const rl = createInterface({ input: child.stdout! });
  const lines = rl[Symbol.asyncIterator]();
  for (;;) {
    const next = await Promise.race([lines.next(), failed]);
    if (next.done) break;
    const line = next.value;
    if (!line.startsWith('{')) continue;
    let row: Row;
    try {
      // nanosecond timestamps exceed 2^53: keep them as text
      row = JSON.parse(line.replace(/"evt\.rawtime":(\d+)/, '"evt.rawtime":"$1"')) as Row;
    } catch {
      continue;
    }
    yield* parser.rowToEvents(row);
  }
  const code = await new Promise<number | null>((r) =>
    child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c)),
  );
  if (code !== 0) {
    throw new TelemetryError('E_SYSDIG', `sysdig could not read ${file} (exit ${code})`, {
      hint: stderr.trim().split('\n').slice(-3).join('\n') || undefined,
    });
  }
}
