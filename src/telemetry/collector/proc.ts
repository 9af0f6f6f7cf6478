/**
 * Snapshots of processes that already run when capture starts, read from /proc, so their later events are attributed
 * to the right identity (host pid + clone time) with their executable, arguments and open descriptors.
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
