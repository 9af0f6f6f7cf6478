/**
 * What the collector reads from /proc: snapshots of processes that already run when capture starts (so their later
 * events are attributed to the right identity — host pid + clone time — with their executable, arguments and open
 * descriptors), what is left to read of a process or descriptor first seen mid-life, sockets by inode, user and
 * group names.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { ProcSnapshot } from './raw.ts';

let bootNs: bigint | undefined;
const TICKS_PER_SECOND = 100n;

function bootTimeNs(): bigint {
  if (bootNs === undefined) {
    const m = /^btime\s+(\d+)/m.exec(readFileSync('/proc/stat', 'utf8'));
    bootNs = BigInt(m?.[1] ?? 0) * 1_000_000_000n;
  }
  return bootNs;
}

/** One process from /proc, or undefined when it is gone. */
export function snapshotProcess(pid: number): ProcSnapshot | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may contain spaces and parentheses: fields start after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    const startTicks = BigInt(rest[19] ?? 0);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const fds = new Map<number, string>();
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          fds.set(Number(fd), readlinkSync(`/proc/${pid}/fd/${fd}`));
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      // no access
    }
    let exe = '';
    try {
      exe = readlinkSync(`/proc/${pid}/exe`);
    } catch {
      // kernel thread or gone
    }
    return {
      pid,
      ppid,
      startTs: bootTimeNs() + (startTicks * 1_000_000_000n) / TICKS_PER_SECOND,
      exe,
      args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0'),
      uid: Number(/^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1] ?? 0),
      gid: Number(/^Gid:\s+\d+\s+(\d+)/m.exec(status)?.[1] ?? 0),
      cwd: safeReadlink(`/proc/${pid}/cwd`),
      fds,
    };
  } catch {
    return undefined;
  }
}

function safeReadlink(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
}

/** The process `pid` and its living descendants, parents first. */
export function snapshotTree(pid: number): ProcSnapshot[] {
  const all = new Map<number, ProcSnapshot>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = snapshotProcess(Number(name));
    if (s) all.set(s.pid, s);
  }
  const out: ProcSnapshot[] = [];
  const visit = (p: number) => {
    const s = all.get(p);
    if (!s) return;
    out.push(s);
    for (const c of all.values()) if (c.ppid === p) visit(c.pid);
  };
  visit(pid);
  return out;
}

/** What /proc still says of a process first seen mid-life, as far as it could be read (nothing once it is gone). */
export interface ProcInfo {
  exe?: string;
  args?: string[];
  cwd?: string;
  uid?: number;
  gid?: number;
  ppid?: number;
}

/** Reads {@link ProcInfo} of `pid`; stops at the first file that cannot be read and returns what it has. */
export function procInfo(pid: number): ProcInfo {
  const info: ProcInfo = {};
  try {
    info.exe = readlinkSync(`/proc/${pid}/exe`);
    info.args = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((s, i, a) => s !== '' || i < a.length - 1);
    info.cwd = readlinkSync(`/proc/${pid}/cwd`);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    info.uid = Number(/^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1] ?? 0);
    info.gid = Number(/^Gid:\s+\d+\s+(\d+)/m.exec(status)?.[1] ?? 0);
    info.ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  } catch {
    // the process is gone: what was read so far
  }
  return info;
}

/** The working directory of `pid`, or undefined when it is gone. */
export function procCwd(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** What descriptor `fd` of `pid` points to (`/path`, `socket:[inode]`, `pipe:[…]`), or undefined. */
export function procFdTarget(pid: number, fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/** A TCP or UDP socket's 5-tuple with SysFlow's IPv4 ints. */
export interface SocketTuple {
  proto: number;
  sip: number;
  sport: number;
  dip: number;
  dport: number;
}

/** Looks a socket inode up in /proc/net/{tcp,udp}{,6}; client → server order is guessed from the listening side. */
export function socketTuple(inode: string): SocketTuple | undefined {
  for (const [file, proto] of [
    ['/proc/net/tcp', 6],
    ['/proc/net/udp', 17],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[9] !== inode) continue;
      const [lip, lport] = cols[1]!.split(':');
      const [rip, rport] = cols[2]!.split(':');
      // /proc/net/tcp prints the address as the host-order hex of the network-order int: low byte = first octet,
      // which is exactly SysFlow's representation.
      return {
        proto,
        sip: parseInt(lip!, 16) | 0,
        sport: parseInt(lport!, 16),
        dip: parseInt(rip!, 16) | 0,
        dport: parseInt(rport!, 16),
      };
    }
  }
  return undefined;
}

const nameCache = new Map<string, string>();
function lookupName(file: string, id: number): string {
  const key = `${file}:${id}`;
  let name = nameCache.get(key);
  if (name === undefined) {
    name = '';
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const parts = line.split(':');
        if (parts[2] === String(id)) {
          name = parts[0]!;
          break;
        }
      }
    } catch {
      // no passwd/group file: names stay empty
    }
    nameCache.set(key, name);
  }
  return name;
}

/** The user name of `uid` in /etc/passwd ("" when there is none). */
export const userName = (uid: number): string => lookupName('/etc/passwd', uid);
/** The group name of `gid` in /etc/group ("" when there is none). */
export const groupName = (gid: number): string => lookupName('/etc/group', gid);
