/**
 * The lifter's tables and the operations every raw event handler shares: the process table (processes written
 * before their first event, placeholders for pids first seen mid-life), the files already described, descriptors
 * resolved from /proc, and writing flows (on close, exit, idle timeout and end of capture).
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { OpFlag, type Container, type File, type SysFlowRecord } from '../sysflow/records/index.ts';
import type { LifterOptions, LifterStats } from './lifter.ts';
import { flowRecord, newProc, processRecord, type Fd, type Proc, type ProcFields } from './lifter-records.ts';
import { procFdTarget, procInfo, socketTuple } from './proc.ts';
import type { RawEvent } from './raw.ts';
import { fileOid } from './syscall-values.ts';

export const NS_PER_MS = 1_000_000n;

export class LiftState {
  readonly stats: LifterStats = {
    rawEvents: 0,
    records: 0,
    processes: 0,
    fileFlows: 0,
    networkFlows: 0,
    lostEvents: 0,
    orphanEvents: 0,
  };
  /** Processes by host pid. */
  readonly procs = new Map<number, Proc>();
  private readonly files = new Set<string>();
  private readonly timeoutNs: bigint;
  readonly containerId: string | null;
  private containerWritten = false;
  private headerWritten = false;
  /** Event time of the last sweep for idle flows. */
  lastSweep = 0n;

  constructor(readonly opts: LifterOptions) {
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

  /** The trace header, before the first record. */
  preamble(out: SysFlowRecord[]): void {
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

  /** The process `pid`, written (CREATED) if it was not yet; an unknown pid gets a placeholder from /proc. */
  proc(pid: number, ts: bigint, out: SysFlowRecord[]): Proc {
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
      out.push(processRecord(p, 'CREATED', ts, this.containerId));
    }
    return p;
  }

  /** A process first seen mid-life, described by the driver's hint. */
  adopt(pid: number, ts: bigint, hint: NonNullable<RawEvent['hint']>): void {
    this.procs.set(pid, newProc(pid, ts, { ...hint, poid: this.procs.get(hint.ppid)?.oid ?? null }));
  }

  /** A process first seen mid-life with no hint: what /proc still says of it (nothing once it is gone). */
  private fromProc(pid: number, ts: bigint): Proc {
    const info: Partial<ProcFields> = {};
    if (this.opts.useProc !== false) {
      const { ppid, ...read } = procInfo(pid);
      Object.assign(info, read);
      if (ppid !== undefined) info.poid = this.procs.get(ppid)?.oid ?? null;
    }
    return newProc(pid, ts, info);
  }

  /** The object id of the file at `path`, writing its `File` record (CREATED) the first time. */
  fileRecord(path: string, ts: bigint, restype: string, out: SysFlowRecord[]): string {
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

  /** The descriptor `fdNum` of `p`, resolved from /proc when the lifter never saw it opened. */
  fd(p: Proc, pid: number, fdNum: number, out?: SysFlowRecord[], ts?: bigint): Fd | undefined {
    let fd = p.fds.get(fdNum);
    if (fd || this.opts.useProc === false) return fd;
    const target = procFdTarget(pid, fdNum);
    if (target === undefined) return undefined;
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

  /**
   * Writes the flow of `fd` (if any activity) and forgets it; the descriptor stays open. A flow written before its
   * descriptor was closed (exit, idle timeout, end of capture) carries TRUNCATE, as SysFlow marks it.
   */
  emitFlow(p: Proc, fd: Fd, ts: bigint, fdNumHint: number, out: SysFlowRecord[]): void {
    if (fd.kind === 'other' || !fd.flow) return;
    const f = fd.flow;
    fd.flow = undefined;
    if (!(f.opFlags & OpFlag.CLOSE)) f.opFlags |= OpFlag.TRUNCATE;
    const fdNum = [...p.fds].find(([, v]) => v === fd)?.[0] ?? fdNumHint;
    const endTs = f.endTs > ts ? f.endTs : ts;
    if (fd.kind === 'file') this.stats.fileFlows++;
    else this.stats.networkFlows++;
    out.push(flowRecord(p, fd, f, fdNum, endTs));
  }

  /** Writes flows idle for longer than the timeout. */
  sweep(now: bigint, out: SysFlowRecord[]): void {
    for (const p of this.procs.values()) {
      for (const [fdNum, fd] of p.fds) {
        if (fd.kind !== 'other' && fd.flow && now - fd.flow.endTs > this.timeoutNs)
          this.emitFlow(p, fd, fd.flow.endTs, fdNum, out);
      }
    }
  }
}
