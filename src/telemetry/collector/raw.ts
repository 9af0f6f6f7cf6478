/**
 * Raw system-call events: what a capture driver (eBPF through bpftrace, strace, a sysdig replay) reports, before the
 * lifter (`lifter.ts`) turns them into SysFlow records. Plain data; `ts` is nanoseconds since the epoch; `pid` is the
 * thread-group id and `tid` the thread id, both in the host pid namespace.
 */

/**
 * What a driver knows of the process behind an event without having seen it start (sysdig's thread table, /proc):
 * the lifter uses it for processes that were already running when the capture began.
 */
export interface ProcessHint {
  exe: string;
  args: string[];
  ppid: number;
  uid?: number;
  gid?: number;
  cwd?: string;
}

/** Raw events; any of them may carry a {@link ProcessHint} as `hint`. */
export type RawEvent = RawEventBody & { hint?: ProcessHint };

type RawEventBody =
  /** A new task: a process (`thread: false`) or a thread of `ppid`'s process. */
  | { kind: 'clone'; ts: bigint; ppid: number; ptid: number; pid: number; thread: boolean }
  /** A successful exec; `args` includes argv[0]. */
  | {
      kind: 'exec';
      ts: bigint;
      pid: number;
      tid: number;
      exe: string;
      args: string[];
      uid?: number;
      gid?: number;
      cwd?: string;
    }
  | { kind: 'exit'; ts: bigint; pid: number; tid: number }
  /** open/openat/openat2 returning `fd` (negative = error, then `path` is what was asked for). */
  | {
      kind: 'open';
      ts: bigint;
      pid: number;
      tid: number;
      fd: number;
      path: string;
      flags: number;
      dirfd?: number;
    }
  /** read/write-family activity on `fd`; `bytes` may be an aggregate of `ops` operations. */
  | {
      kind: 'io';
      ts: bigint;
      pid: number;
      tid: number;
      fd: number;
      dir: 'read' | 'write';
      ops: number;
      bytes: number;
      /** When `ops` > 1 were aggregated by the driver: the time of the first (`ts` is the last). */
      firstTs?: bigint;
      /** What the driver knows the descriptor names (sysdig's fd table): a path, `pipe:[n]`, …, and its type char. */
      target?: { name: string; type: string };
    }
  | { kind: 'close'; ts: bigint; pid: number; tid: number; fd: number }
  /** dup/dup2/dup3: `newFd` now names what `oldFd` names. */
  | { kind: 'dup'; ts: bigint; pid: number; tid: number; oldFd: number; newFd: number }
  /** connect (`accepted: false`) or accept (`accepted: true`) producing a socket fd with its tuple. */
  | {
      kind: 'socket';
      ts: bigint;
      pid: number;
      tid: number;
      fd: number;
      accepted: boolean;
      ret: number;
      proto: number;
      local?: { ip: string; port: number };
      remote?: { ip: string; port: number };
    }
  | { kind: 'shutdown'; ts: bigint; pid: number; tid: number; fd: number }
  | { kind: 'mmap'; ts: bigint; pid: number; tid: number; fd: number }
  /** Path operations: mkdir, rmdir, unlink, rename, link, symlink. */
  | {
      kind: 'fileop';
      ts: bigint;
      pid: number;
      tid: number;
      op: 'MKDIR' | 'RMDIR' | 'UNLINK' | 'RENAME' | 'LINK' | 'SYMLINK';
      path: string;
      newPath?: string;
      ret: number;
    }
  | { kind: 'setuid'; ts: bigint; pid: number; tid: number; uid: number; ret: number }
  | { kind: 'setns'; ts: bigint; pid: number; tid: number; fd: number; ret: number }
  /** The driver lost events (kernel buffer overrun, strace detach, …). */
  | { kind: 'lost'; ts: bigint; count: number; reason: string };

/** A process that already ran when capture started (from /proc), so later events can be attributed. */
export interface ProcSnapshot {
  pid: number;
  ppid: number;
  /** Clone time, ns since the epoch. */
  startTs: bigint;
  exe: string;
  args: string[];
  uid: number;
  gid: number;
  cwd: string;
  /** Open file descriptors: fd → path or socket tuple. */
  fds: Map<number, string>;
}
