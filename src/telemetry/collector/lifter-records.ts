/**
 * What the lifter keeps per process — identity, what it knows of it, its open descriptors with the flow each one is
 * aggregating — and the SysFlow records written from it (process records and events, file and network flows).
 */
import type { FileFlow, NetworkFlow, OID, Process, ProcessEvent } from '../sysflow/records/index.ts';
import { groupName, userName } from './proc.ts';

/** Activity on one descriptor since its flow started: operation flags OR-ed, operations and bytes counted. */
export interface Flow {
  tid: number;
  ts: bigint;
  endTs: bigint;
  opFlags: number;
  rops: number;
  wops: number;
  rbytes: number;
  wbytes: number;
}

/** An open descriptor: a file-like resource or a TCP/UDP socket (with the flow it aggregates), or anything else. */
export type Fd =
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

export interface Proc {
  oid: OID;
  poid: OID | null;
  exe: string;
  args: string[];
  uid: number;
  gid: number;
  cwd: string;
  fds: Map<number, Fd>;
  /** Its `Process` record (CREATED) has been written. */
  written: boolean;
}

/** What the lifter knows of a process besides its identity and descriptors. */
export type ProcFields = Pick<Proc, 'poid' | 'exe' | 'args' | 'uid' | 'gid' | 'cwd'>;

/** A process (not yet written) from what is known of it; what is not known stays blank (as SysFlow leaves it). */
export function newProc(
  pid: number,
  createTS: bigint,
  info: Partial<ProcFields>,
  fds = new Map<number, Fd>(),
): Proc {
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

/** The `Process` record of `p` as it is now. */
export function processRecord(
  p: Proc,
  state: 'CREATED' | 'MODIFIED',
  ts: bigint,
  containerId: string | null,
): Process {
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
    containerId,
    entry: false,
    cwd: p.cwd,
    env: [],
  };
}

/** A `ProcessEvent` (CLONE, EXEC, EXIT, SETUID, SETNS) of the process `procOID`. */
export function processEvent(
  procOID: OID,
  ts: bigint,
  tid: number,
  opFlags: number,
  ret = 0,
  args: string[] = [],
): ProcessEvent {
  return { kind: 'ProcessEvent', procOID, ts, tid, opFlags, args, ret };
}

/** The flow of `fd`, started by thread `tid` at `ts` if it has none yet. */
export function flowOf(fd: Exclude<Fd, { kind: 'other' }>, tid: number, ts: bigint): Flow {
  if (!fd.flow) fd.flow = { tid, ts, endTs: ts, opFlags: 0, rops: 0, wops: 0, rbytes: 0, wbytes: 0 };
  return fd.flow;
}

/** The `FileFlow` or `NetworkFlow` record of flow `f` on descriptor `fdNum` of `p`, ending at `endTs`. */
export function flowRecord(
  p: Proc,
  fd: Exclude<Fd, { kind: 'other' }>,
  f: Flow,
  fdNum: number,
  endTs: bigint,
): FileFlow | NetworkFlow {
  if (fd.kind === 'file') {
    return {
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
    };
  }
  return {
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
  };
}
