/**
 * The lifter: raw system-call events (from any capture driver) → SysFlow records, with SysFlow's semantics:
 *
 * - A process is identified by (host pid, clone time). Its `Process` record (CREATED) is written before the first
 *   event that names it; an exec writes it again (MODIFIED, new exe and args) followed by a `ProcessEvent` EXEC.
 *   Clones of processes write a CLONE event for the child; exits write EXIT after the process's open flows.
 * - File and network activity is aggregated per (process, file descriptor) into `FileFlow` / `NetworkFlow` records:
 *   operation flags OR-ed, read/write operations and bytes counted, the thread of the first operation kept. A flow is
 *   written when its descriptor is closed, when its process exits, when capture ends, and when it has been idle for
 *   `flowTimeoutMs` (then it is written without CLOSE and the next operation starts a new interval) — idle flows are
 *   written, never dropped.
 * - Path operations (mkdir, rmdir, unlink, rename, link, symlink) become `FileEvent`s; setuid and setns become
 *   `ProcessEvent`s. Every file gets one `File` record (CREATED) before its first use.
 *
 * Socket tuples are client → server, as SysFlow writes them: for connect (sip, sport) is the local end, for accept
 * the remote one. Descriptors the lifter never saw opened (inherited, opened before capture) are resolved once from
 * /proc when still possible.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  OpFlag,
  OpenFlag,
  ipv4FromString,
  type Container,
  type File,
  type OID,
  type Process,
  type ProcessEvent,
  type SysFlowRecord,
} from '../sysflow/records.ts';
import type { ProcSnapshot, RawEvent } from './raw.ts';

export interface LifterOptions {
  /** Idle time after which an open flow is written (ms of event time). Default 5000. */
  flowTimeoutMs?: number;
  /** When set, every lifted process belongs to this container (the watched workload runs as one). */
  container?: { id: string; name: string; image: string };
  /** Processes already running when capture started. */
  snapshot?: ProcSnapshot[];
  /** Resolve unknown descriptors and working directories from /proc (live capture only). Default true. */
  useProc?: boolean;
  /** Exporter name for the header (default: the host name). */
  exporter?: string;
  /** Trace file name for the header. */
  filename?: string;
}

export interface LifterStats {
  rawEvents: number;
  records: number;
  processes: number;
  fileFlows: number;
  networkFlows: number;
  lostEvents: number;
  /** Events naming a process the lifter never saw start (attributed to a placeholder process). */
  orphanEvents: number;
}

interface Flow {
  tid: number;
  ts: bigint;
  endTs: bigint;
  opFlags: number;
  rops: number;
  wops: number;
  rbytes: number;
  wbytes: number;
}

type Fd =
  | { kind: 'file'; path: string; openFlags: number; fileOID: string; flow?: Flow }
  | {
      kind: 'sock';
      proto: number;
      sip: number;
      sport: number;
      dip: number;
      dport: number;
      flow?: Flow;
    }
  | { kind: 'other' };

interface Proc {
  oid: OID;
  poid: OID | null;
  exe: string;
  args: string[];
  uid: number;
  gid: number;
  cwd: string;
  fds: Map<number, Fd>;
  written: boolean;
}

/** What the lifter knows of a process besides its identity and descriptors. */
type ProcInfo = Pick<Proc, 'poid' | 'exe' | 'args' | 'uid' | 'gid' | 'cwd'>;

/** A process (not yet written) from what is known of it; what is not known stays blank (as SysFlow leaves it). */
function newProc(pid: number, createTS: bigint, info: Partial<ProcInfo>, fds = new Map<number, Fd>()): Proc {
  return {
    oid: { hpid: pid, createTS },
    poid: info.poid ?? null,
    exe: info.exe ?? '',
    args: info.args ?? [],
    uid: info.uid ?? 0,
    gid: info.gid ?? 0,
    cwd: info.cwd ?? '',
    fds,
    written: false,
  };
}

/** A `ProcessEvent` (CLONE, EXEC, EXIT, SETUID, SETNS) of the process `procOID`. */
function processEvent(
  procOID: OID,
  ts: bigint,
  tid: number,
  opFlags: number,
  ret = 0,
  args: string[] = [],
): ProcessEvent {
  return { kind: 'ProcessEvent', procOID, ts, tid, opFlags, args, ret };
}

const NS_PER_MS = 1_000_000n;

/** Linux O_* open flags → SysFlow's portable PPM open flags. */
export function linuxToPpmOpenFlags(f: number): number {
  let out = 0;
  const acc = f & 3;
  if (acc === 0) out |= OpenFlag.RDONLY;
  else if (acc === 1) out |= OpenFlag.WRONLY;
  else if (acc === 2) out |= OpenFlag.RDWR;
  if (f & 0o100) out |= OpenFlag.CREAT;
  if (f & 0o200) out |= OpenFlag.EXCL;
  if (f & 0o1000) out |= OpenFlag.TRUNC;
  if (f & 0o2000) out |= OpenFlag.APPEND;
  if (f & 0o4000) out |= OpenFlag.NONBLOCK;
  if (f & 0o10000) out |= OpenFlag.DSYNC;
  if (f & 0o40000) out |= OpenFlag.DIRECT;
  if (f & 0o100000) out |= OpenFlag.LARGEFILE;
  if (f & 0o200000) out |= OpenFlag.DIRECTORY;
  if (f & 0o2000000) out |= OpenFlag.CLOEXEC;
  if ((f & 0o4010000) === 0o4010000) out |= OpenFlag.SYNC;
  if ((f & 0o20200000) === 0o20200000) out |= OpenFlag.TMPFILE;
  return out;
}

/** SysFlow file object id: SHA-1 of the path and the container id, as 40 hex digits. */
export function fileOid(path: string, containerId: string | null): string {
  return createHash('sha1')
    .update(path)
    .update(containerId ?? '')
    .digest('hex');
}

/** `p` resolved against the working directory; kept as given when the directory is unknown (as SysFlow does). */
function joinPath(dir: string, p: string): string {
  if (p.startsWith('/')) return normalize(p);
  if (!dir) return p;
  return normalize(`${dir}/${p}`);
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** sysdig fd type characters the lifter keeps file flows for: files, directories, pipes, unix sockets. */
const FILE_LIKE = new Set(['f', 'd', 'p', 'u']);

/** Protocol numbers the lifter keeps network flows for. */
const TRACKED_PROTOS = new Set([6, 17]);

export class Lifter {
  readonly stats: LifterStats = {
    rawEvents: 0,
    records: 0,
    processes: 0,
    fileFlows: 0,
    networkFlows: 0,
    lostEvents: 0,
    orphanEvents: 0,
  };
  private readonly procs = new Map<number, Proc>();
  private readonly files = new Set<string>();
  private readonly timeoutNs: bigint;
  private readonly containerId: string | null;
  private containerWritten = false;
  private headerWritten = false;
  private lastSweep = 0n;

  constructor(private readonly opts: LifterOptions = {}) {
    this.timeoutNs = BigInt(opts.flowTimeoutMs ?? 5000) * NS_PER_MS;
    this.containerId = opts.container?.id ?? null;
    for (const s of opts.snapshot ?? []) {
      const fds = new Map<number, Fd>();
      for (const [fd, target] of s.fds) fds.set(fd, this.fdFromTarget(target));
      this.procs.set(
        s.pid,
        newProc(s.pid, s.startTs, { ...s, poid: this.procs.get(s.ppid)?.oid ?? null }, fds),
      );
    }
  }

  /** Lifts one raw event; returns the records it completes (possibly none). */
  push(ev: RawEvent): SysFlowRecord[] {
    this.stats.rawEvents++;
    const out: SysFlowRecord[] = [];
    this.preamble(out);
    if (ev.hint && ev.kind !== 'lost' && ev.kind !== 'clone' && !this.procs.has(ev.pid))
      this.adopt(ev.pid, ev.ts, ev.hint);
    switch (ev.kind) {
      case 'lost':
        this.stats.lostEvents += ev.count;
        break;
      case 'clone':
        this.onClone(ev, out);
        break;
      case 'exec':
        this.onExec(ev, out);
        break;
      case 'exit':
        this.onExit(ev, out);
        break;
      case 'open':
        this.onOpen(ev, out);
        break;
      case 'io':
        this.onIo(ev, out);
        break;
      case 'close':
        this.onClose(ev.pid, ev.fd, ev.ts, out);
        break;
      case 'dup': {
        const p = this.proc(ev.pid, ev.ts, out);
        const src = this.fd(p, ev.pid, ev.oldFd, out, ev.ts);
        if (ev.newFd !== ev.oldFd) {
          const old = p.fds.get(ev.newFd);
          if (old) this.emitFlow(p, old, ev.ts, ev.newFd, out);
          if (src) p.fds.set(ev.newFd, src.kind === 'other' ? src : { ...src, flow: undefined });
          else p.fds.delete(ev.newFd);
        }
        break;
      }
      case 'socket':
        this.onSocket(ev, out);
        break;
      case 'shutdown':
      case 'mmap': {
        const p = this.proc(ev.pid, ev.ts, out);
        const fd = this.fd(p, ev.pid, ev.fd);
        if (fd && fd.kind !== 'other') {
          const flow = this.flowOf(fd, ev.tid, ev.ts);
          flow.opFlags |= ev.kind === 'shutdown' ? OpFlag.SHUTDOWN : OpFlag.MMAP;
        }
        break;
      }
      case 'fileop':
        this.onFileOp(ev, out);
        break;
      case 'setuid': {
        const p = this.proc(ev.pid, ev.ts, out);
        if (ev.ret === 0) {
          p.uid = ev.uid;
          out.push(this.processRecord(p, 'MODIFIED', ev.ts));
        }
        out.push(processEvent(p.oid, ev.ts, ev.tid, OpFlag.SETUID, ev.ret, [String(ev.uid)]));
        break;
      }
      case 'setns': {
        const p = this.proc(ev.pid, ev.ts, out);
        out.push(processEvent(p.oid, ev.ts, ev.tid, OpFlag.SETNS, ev.ret, [String(ev.fd)]));
        break;
      }
    }
    if (ev.kind !== 'lost' && ev.ts - this.lastSweep > NS_PER_MS * 500n) {
      this.sweep(ev.ts, out);
      this.lastSweep = ev.ts;
    }
    this.stats.records += out.length;
    return out;
  }

  /** Writes every open flow (capture ended). */
  finish(ts: bigint): SysFlowRecord[] {
    const out: SysFlowRecord[] = [];
    this.preamble(out);
    for (const p of this.procs.values()) {
      for (const fd of p.fds.values()) this.emitFlow(p, fd, ts, 0, out);
    }
    this.stats.records += out.length;
    return out;
  }

  private preamble(out: SysFlowRecord[]): void {
    if (this.headerWritten) return;
    this.headerWritten = true;
    out.push({
      kind: 'Header',
      version: 5,
      exporter: this.opts.exporter ?? hostname(),
      ip: 'NA',
      filename: this.opts.filename ?? '',
    });
  }

  private ensureContainer(out: SysFlowRecord[]): void {
    if (this.containerWritten || !this.opts.container) return;
    this.containerWritten = true;
    const c: Container = {
      kind: 'Container',
      id: this.opts.container.id,
      name: this.opts.container.name,
      image: this.opts.container.image,
      imageid: createHash('sha256').update(this.opts.container.image).digest('hex').slice(0, 12),
      type: 'CT_CUSTOM',
      privileged: false,
      podId: null,
    };
    out.push(c);
  }

  private processRecord(p: Proc, state: 'CREATED' | 'MODIFIED', ts: bigint): Process {
    return {
      kind: 'Process',
      state,
      oid: p.oid,
      poid: p.poid,
      ts,
      exe: p.exe,
      exeArgs: p.args.slice(1).join(' '),
      uid: p.uid,
      userName: userName(p.uid),
      gid: p.gid,
      groupName: groupName(p.gid),
      tty: false,
      containerId: this.containerId,
      entry: false,
      cwd: p.cwd,
      env: [],
    };
  }

  /** The process `pid`, written (CREATED) if it was not yet; an unknown pid gets a placeholder from /proc. */
  private proc(pid: number, ts: bigint, out: SysFlowRecord[]): Proc {
    let p = this.procs.get(pid);
    if (!p) {
      this.stats.orphanEvents++;
      p = this.fromProc(pid, ts);
      this.procs.set(pid, p);
    }
    if (!p.written) {
      this.ensureContainer(out);
      p.written = true;
      this.stats.processes++;
      out.push(this.processRecord(p, 'CREATED', ts));
    }
    return p;
  }

  /** A process first seen mid-life, described by the driver's hint. */
  private adopt(pid: number, ts: bigint, hint: NonNullable<RawEvent['hint']>): void {
    this.procs.set(pid, newProc(pid, ts, { ...hint, poid: this.procs.get(hint.ppid)?.oid ?? null }));
  }

  /** A process first seen mid-life with no hint: what /proc still says of it (nothing once it is gone). */
  private fromProc(pid: number, ts: bigint): Proc {
    const info: Partial<ProcInfo> = {};
    if (this.opts.useProc !== false) {
      try {
        info.exe = readlinkSync(`/proc/${pid}/exe`);
        info.args = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .split('\0')
          .filter((s, i, a) => s !== '' || i < a.length - 1);
        info.cwd = readlinkSync(`/proc/${pid}/cwd`);
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        info.uid = Number(/^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1] ?? 0);
        info.gid = Number(/^Gid:\s+\d+\s+(\d+)/m.exec(status)?.[1] ?? 0);
        const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
        info.poid = this.procs.get(ppid)?.oid ?? null;
      } catch {
        // the process is gone: it keeps the placeholder identity
      }
    }
    return newProc(pid, ts, info);
  }

  private onClone(ev: Extract<RawEvent, { kind: 'clone' }>, out: SysFlowRecord[]): void {
    const parent = this.proc(ev.ppid, ev.ts, out);
    if (ev.thread) return;
    const child = newProc(
      ev.pid,
      ev.ts,
      { ...parent, poid: parent.oid, args: [...parent.args] },
      new Map([...parent.fds].map(([fd, f]) => [fd, f.kind === 'other' ? f : { ...f, flow: undefined }])),
    );
    this.procs.set(ev.pid, child);
    // as SysFlow: the parent's CLONE (ret = the child's pid), then the child's (ret = 0)
    out.push(processEvent(parent.oid, ev.ts, ev.ptid, OpFlag.CLONE, ev.pid));
    this.proc(ev.pid, ev.ts, out);
    out.push(processEvent(child.oid, ev.ts, ev.pid, OpFlag.CLONE));
  }

  private onExec(ev: Extract<RawEvent, { kind: 'exec' }>, out: SysFlowRecord[]): void {
    const p = this.proc(ev.pid, ev.ts, out);
    p.exe = ev.exe;
    p.args = ev.args.length ? ev.args : [ev.exe];
    if (ev.uid !== undefined) p.uid = ev.uid;
    if (ev.gid !== undefined) p.gid = ev.gid;
    if (ev.cwd) p.cwd = ev.cwd;
    else if (this.opts.useProc !== false) {
      try {
        p.cwd = readlinkSync(`/proc/${ev.pid}/cwd`);
      } catch {
        // gone already
      }
    }
    // close-on-exec descriptors disappear; their flows are written
    for (const [fd, f] of p.fds) {
      if (f.kind === 'file' && f.openFlags & OpenFlag.CLOEXEC) {
        this.emitFlow(p, f, ev.ts, 0, out);
        p.fds.delete(fd);
      }
    }
    out.push(this.processRecord(p, 'MODIFIED', ev.ts));
    out.push(processEvent(p.oid, ev.ts, ev.tid, OpFlag.EXEC));
  }

  private onExit(ev: Extract<RawEvent, { kind: 'exit' }>, out: SysFlowRecord[]): void {
    if (ev.pid !== ev.tid) return;
    const p = this.proc(ev.pid, ev.ts, out);
    for (const f of p.fds.values()) this.emitFlow(p, f, ev.ts, 0, out);
    p.fds.clear();
    out.push(processEvent(p.oid, ev.ts, ev.tid, OpFlag.EXIT));
    this.procs.delete(ev.pid);
  }

  private fileRecord(path: string, ts: bigint, restype: string, out: SysFlowRecord[]): string {
    const oid = fileOid(path, this.containerId);
    if (!this.files.has(oid)) {
      this.files.add(oid);
      const f: File = {
        kind: 'File',
        state: 'CREATED',
        oid,
        ts,
        restype: restype.charCodeAt(0),
        path,
        containerId: this.containerId,
      };
      out.push(f);
    }
    return oid;
  }

  private onOpen(ev: Extract<RawEvent, { kind: 'open' }>, out: SysFlowRecord[]): void {
    if (ev.fd < 0) return;
    const p = this.proc(ev.pid, ev.ts, out);
    const old = p.fds.get(ev.fd);
    if (old) this.emitFlow(p, old, ev.ts, 0, out);
    const path = joinPath(p.cwd, ev.path);
    const isDir = (ev.flags & 0o200000) !== 0;
    const fileOID = this.fileRecord(path, ev.ts, isDir ? 'd' : 'f', out);
    const fd: Fd = { kind: 'file', path, openFlags: linuxToPpmOpenFlags(ev.flags), fileOID };
    this.flowOf(fd, ev.tid, ev.ts).opFlags |= OpFlag.OPEN;
    p.fds.set(ev.fd, fd);
  }

  private onIo(ev: Extract<RawEvent, { kind: 'io' }>, out: SysFlowRecord[]): void {
    const p = this.proc(ev.pid, ev.ts, out);
    if (ev.target && !p.fds.has(ev.fd) && FILE_LIKE.has(ev.target.type) && ev.target.name) {
      // a descriptor opened before the capture, described by the driver (files, pipes, unix sockets)
      const fileOID = this.fileRecord(ev.target.name, ev.ts, ev.target.type, out);
      p.fds.set(ev.fd, { kind: 'file', path: ev.target.name, openFlags: 0, fileOID });
    }
    const fd = this.fd(p, ev.pid, ev.fd, out, ev.ts);
    if (!fd || fd.kind === 'other') return;
    const flow = this.flowOf(fd, ev.tid, ev.firstTs ?? ev.ts);
    if (ev.dir === 'read') {
      flow.opFlags |= OpFlag.READ_RECV;
      flow.rops += ev.ops;
      flow.rbytes += ev.bytes;
    } else {
      flow.opFlags |= OpFlag.WRITE_SEND;
      flow.wops += ev.ops;
      flow.wbytes += ev.bytes;
    }
    if (ev.ts > flow.endTs) flow.endTs = ev.ts;
  }

  private onClose(pid: number, fdNum: number, ts: bigint, out: SysFlowRecord[]): void {
    const p = this.procs.get(pid);
    const fd = p?.fds.get(fdNum);
    if (!p || !fd) return;
    this.proc(pid, ts, out);
    if (fd.kind !== 'other') {
      const flow = this.flowOf(fd, fd.flow?.tid ?? pid, ts);
      flow.opFlags |= OpFlag.CLOSE;
      this.emitFlow(p, fd, ts, 0, out);
    }
    p.fds.delete(fdNum);
  }

  private onSocket(ev: Extract<RawEvent, { kind: 'socket' }>, out: SysFlowRecord[]): void {
    const p = this.proc(ev.pid, ev.ts, out);
    if (!TRACKED_PROTOS.has(ev.proto) || !ev.local || !ev.remote) return;
    const old = p.fds.get(ev.fd);
    if (old) this.emitFlow(p, old, ev.ts, 0, out);
    const client = ev.accepted ? ev.remote : ev.local;
    const server = ev.accepted ? ev.local : ev.remote;
    const fd: Fd = {
      kind: 'sock',
      proto: ev.proto,
      sip: ipv4FromString(v4(client.ip)),
      sport: client.port,
      dip: ipv4FromString(v4(server.ip)),
      dport: server.port,
    };
    this.flowOf(fd, ev.tid, ev.ts).opFlags |= ev.accepted ? OpFlag.ACCEPT : OpFlag.CONNECT;
    p.fds.set(ev.fd, fd);
  }

  private onFileOp(ev: Extract<RawEvent, { kind: 'fileop' }>, out: SysFlowRecord[]): void {
    const p = this.proc(ev.pid, ev.ts, out);
    const path = joinPath(p.cwd, ev.path);
    const dirLike = ev.op === 'MKDIR' || ev.op === 'RMDIR';
    const fileOID = this.fileRecord(path, ev.ts, dirLike ? 'd' : 'f', out);
    const newFileOID =
      ev.newPath !== undefined ? this.fileRecord(joinPath(p.cwd, ev.newPath), ev.ts, 'f', out) : null;
    out.push({
      kind: 'FileEvent',
      procOID: p.oid,
      ts: ev.ts,
      tid: ev.tid,
      opFlags: OpFlag[ev.op],
      fileOID,
      ret: ev.ret,
      newFileOID,
    });
  }

  /** The descriptor `fdNum` of `p`, resolved from /proc when the lifter never saw it opened. */
  private fd(p: Proc, pid: number, fdNum: number, out?: SysFlowRecord[], ts?: bigint): Fd | undefined {
    let fd = p.fds.get(fdNum);
    if (fd || this.opts.useProc === false) return fd;
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fdNum}`);
    } catch {
      return undefined;
    }
    fd = this.fdFromTarget(target);
    if (fd.kind === 'file' && out && ts !== undefined) fd.fileOID = this.fileRecord(fd.path, ts, 'f', out);
    p.fds.set(fdNum, fd);
    return fd;
  }

  private fdFromTarget(target: string): Fd {
    if (target.startsWith('/'))
      return { kind: 'file', path: target, openFlags: 0, fileOID: fileOid(target, this.containerId) };
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) {
      const t = socketTuple(m[1]!);
      if (t) return { kind: 'sock', ...t };
    }
    return { kind: 'other' };
  }

  private flowOf(fd: Exclude<Fd, { kind: 'other' }>, tid: number, ts: bigint): Flow {
    if (!fd.flow) fd.flow = { tid, ts, endTs: ts, opFlags: 0, rops: 0, wops: 0, rbytes: 0, wbytes: 0 };
    return fd.flow;
  }

  /**
   * Writes the flow of `fd` (if any activity) and forgets it; the descriptor stays open. A flow written before its
   * descriptor was closed (exit, idle timeout, end of capture) carries TRUNCATE, as SysFlow marks it.
   */
  private emitFlow(p: Proc, fd: Fd, ts: bigint, fdNumHint: number, out: SysFlowRecord[]): void {
    if (fd.kind === 'other' || !fd.flow) return;
    const f = fd.flow;
    fd.flow = undefined;
    if (!(f.opFlags & OpFlag.CLOSE)) f.opFlags |= OpFlag.TRUNCATE;
    const fdNum = [...p.fds].find(([, v]) => v === fd)?.[0] ?? fdNumHint;
    const endTs = f.endTs > ts ? f.endTs : ts;
    if (fd.kind === 'file') {
      this.stats.fileFlows++;
      out.push({
        kind: 'FileFlow',
        procOID: p.oid,
        ts: f.ts,
        tid: f.tid,
        opFlags: f.opFlags,
        openFlags: fd.openFlags,
        endTs,
        fileOID: fd.fileOID,
        fd: fdNum,
        numRRecvOps: f.rops,
        numWSendOps: f.wops,
        numRRecvBytes: f.rbytes,
        numWSendBytes: f.wbytes,
      });
    } else {
      this.stats.networkFlows++;
      out.push({
        kind: 'NetworkFlow',
        procOID: p.oid,
        ts: f.ts,
        tid: f.tid,
        opFlags: f.opFlags,
        endTs,
        sip: fd.sip,
        sport: fd.sport,
        dip: fd.dip,
        dport: fd.dport,
        proto: fd.proto,
        fd: fdNum,
        numRRecvOps: f.rops,
        numWSendOps: f.wops,
        numRRecvBytes: f.rbytes,
        numWSendBytes: f.wbytes,
      });
    }
  }

  /** Writes flows idle for longer than the timeout. */
  private sweep(now: bigint, out: SysFlowRecord[]): void {
    for (const p of this.procs.values()) {
      for (const [fdNum, fd] of p.fds) {
        if (fd.kind !== 'other' && fd.flow && now - fd.flow.endTs > this.timeoutNs)
          this.emitFlow(p, fd, fd.flow.endTs, fdNum, out);
      }
    }
  }
}

function v4(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (m) return m[1]!;
  if (ip === '::1') return '127.0.0.1';
  return /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip : '0.0.0.0';
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
const userName = (uid: number) => lookupName('/etc/passwd', uid);
const groupName = (gid: number) => lookupName('/etc/group', gid);

/** Looks a socket inode up in /proc/net/{tcp,udp}{,6}; client → server order is guessed from the listening side. */
function socketTuple(
  inode: string,
): { proto: number; sip: number; sport: number; dip: number; dport: number } | undefined {
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
