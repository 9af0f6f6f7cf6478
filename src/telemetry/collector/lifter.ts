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
 *
 * Files: `lifter-events.ts` (one handler per raw event kind), `lifter-state.ts` (the process table, files,
 * descriptors, writing flows), `lifter-records.ts` (per-process state and the records written from it).
 */
import type { SysFlowRecord } from '../sysflow/records/index.ts';
import { RAW_EVENT_LIFTERS } from './lifter-events.ts';
import { LiftState, NS_PER_MS } from './lifter-state.ts';
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

export class Lifter {
  private readonly st: LiftState;
  readonly stats: LifterStats;

  constructor(opts: LifterOptions = {}) {
    this.st = new LiftState(opts);
    this.stats = this.st.stats;
  }

  /** Lifts one raw event; returns the records it completes (possibly none). */
  push(ev: RawEvent): SysFlowRecord[] {
    const st = this.st;
    st.stats.rawEvents++;
    const out: SysFlowRecord[] = [];
    st.preamble(out);
    if (ev.hint && ev.kind !== 'lost' && ev.kind !== 'clone' && !st.procs.has(ev.pid))
      st.adopt(ev.pid, ev.ts, ev.hint);
    (RAW_EVENT_LIFTERS[ev.kind] as (ev: RawEvent, st: LiftState, out: SysFlowRecord[]) => void)(ev, st, out);
    if (ev.kind !== 'lost' && ev.ts - st.lastSweep > NS_PER_MS * 500n) {
      st.sweep(ev.ts, out);
      st.lastSweep = ev.ts;
    }
    st.stats.records += out.length;
    return out;
  }

  /** Writes every open flow (capture ended). */
  finish(ts: bigint): SysFlowRecord[] {
    const st = this.st;
    const out: SysFlowRecord[] = [];
    st.preamble(out);
    for (const p of st.procs.values()) {
      for (const fd of p.fds.values()) st.emitFlow(p, fd, ts, 0, out);
    }
    st.stats.records += out.length;
    return out;
  }
}
