/**
 * One handler per raw event kind, in a table keyed by `kind` (a new kind of raw event fails `tsc` until it is
 * lifted). Each handler updates the lifter's state and appends the records the event completes to `out`.
 */
import { OpFlag, OpenFlag, ipv4FromString, type SysFlowRecord } from '../sysflow/records/index.ts';
import { flowOf, newProc, processEvent, processRecord, type Fd } from './lifter-records.ts';
import type { LiftState } from './lifter-state.ts';
import { procCwd } from './proc.ts';
import type { RawEvent } from './raw.ts';
import { ipv4Of, joinPath, linuxToPpmOpenFlags } from './syscall-values.ts';

type RawEventKind = RawEvent['kind'];

type RawEventLifters = {
  readonly [K in RawEventKind]: (
    ev: Extract<RawEvent, { kind: K }>,
    st: LiftState,
    out: SysFlowRecord[],
  ) => void;
};

/** sysdig fd type characters the lifter keeps file flows for: files, directories, pipes, unix sockets. */
const FILE_LIKE = new Set(['f', 'd', 'p', 'u']);

/** Protocol numbers the lifter keeps network flows for. */
const TRACKED_PROTOS = new Set([6, 17]);

/** `shutdown` and `mmap` of a descriptor mark its flow. */
function markFlow(
  ev: Extract<RawEvent, { kind: 'shutdown' | 'mmap' }>,
  st: LiftState,
  out: SysFlowRecord[],
): void {
  const p = st.proc(ev.pid, ev.ts, out);
  const fd = st.fd(p, ev.pid, ev.fd);
  if (fd && fd.kind !== 'other') {
    const flow = flowOf(fd, ev.tid, ev.ts);
    flow.opFlags |= ev.kind === 'shutdown' ? OpFlag.SHUTDOWN : OpFlag.MMAP;
  }
}

export const RAW_EVENT_LIFTERS: RawEventLifters = {
  lost(ev, st) {
    st.stats.lostEvents += ev.count;
  },

  clone(ev, st, out) {
    const parent = st.proc(ev.ppid, ev.ts, out);
    if (ev.thread) return;
    const child = newProc(
      ev.pid,
      ev.ts,
      { ...parent, poid: parent.oid, args: [...parent.args] },
      new Map([...parent.fds].map(([fd, f]) => [fd, f.kind === 'other' ? f : { ...f, flow: undefined }])),
    );
    st.procs.set(ev.pid, child);
    // as SysFlow: the parent's CLONE (ret = the child's pid), then the child's (ret = 0)
    out.push(processEvent(parent.oid, ev.ts, ev.ptid, OpFlag.CLONE, ev.pid));
    st.proc(ev.pid, ev.ts, out);
    out.push(processEvent(child.oid, ev.ts, ev.pid, OpFlag.CLONE));
  },

  exec(ev, st, out) {
    const p = st.proc(ev.pid, ev.ts, out);
    p.exe = ev.exe;
    p.args = ev.args.length ? ev.args : [ev.exe];
    if (ev.uid !== undefined) p.uid = ev.uid;
    if (ev.gid !== undefined) p.gid = ev.gid;
    if (ev.cwd) p.cwd = ev.cwd;
    // a process gone already keeps the working directory it had
    else if (st.opts.useProc !== false) p.cwd = procCwd(ev.pid) ?? p.cwd;
    // close-on-exec descriptors disappear; their flows are written
    for (const [fd, f] of p.fds) {
      if (f.kind === 'file' && f.openFlags & OpenFlag.CLOEXEC) {
        st.emitFlow(p, f, ev.ts, 0, out);
        p.fds.delete(fd);
      }
    }
    out.push(processRecord(p, 'MODIFIED', ev.ts, st.containerId));
    out.push(processEvent(p.oid, ev.ts, ev.tid, OpFlag.EXEC));
  },

  exit(ev, st, out) {
    if (ev.pid !== ev.tid) return;
    const p = st.proc(ev.pid, ev.ts, out);
    for (const f of p.fds.values()) st.emitFlow(p, f, ev.ts, 0, out);
    p.fds.clear();
    out.push(processEvent(p.oid, ev.ts, ev.tid, OpFlag.EXIT));
    st.procs.delete(ev.pid);
  },

  open(ev, st, out) {
    if (ev.fd < 0) return;
    const p = st.proc(ev.pid, ev.ts, out);
    const old = p.fds.get(ev.fd);
    if (old) st.emitFlow(p, old, ev.ts, 0, out);
    const path = joinPath(p.cwd, ev.path);
    const isDir = (ev.flags & 0o200000) !== 0;
    const fileOID = st.fileRecord(path, ev.ts, isDir ? 'd' : 'f', out);
    const fd: Fd = { kind: 'file', path, openFlags: linuxToPpmOpenFlags(ev.flags), fileOID };
    flowOf(fd, ev.tid, ev.ts).opFlags |= OpFlag.OPEN;
    p.fds.set(ev.fd, fd);
  },

  io(ev, st, out) {
    const p = st.proc(ev.pid, ev.ts, out);
    if (ev.target && !p.fds.has(ev.fd) && FILE_LIKE.has(ev.target.type) && ev.target.name) {
      // a descriptor opened before the capture, described by the driver (files, pipes, unix sockets)
      const fileOID = st.fileRecord(ev.target.name, ev.ts, ev.target.type, out);
      p.fds.set(ev.fd, { kind: 'file', path: ev.target.name, openFlags: 0, fileOID });
    }
    const fd = st.fd(p, ev.pid, ev.fd, out, ev.ts);
    if (!fd || fd.kind === 'other') return;
    const flow = flowOf(fd, ev.tid, ev.firstTs ?? ev.ts);
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
  },

  close(ev, st, out) {
    const p = st.procs.get(ev.pid);
    const fd = p?.fds.get(ev.fd);
    if (!p || !fd) return;
    st.proc(ev.pid, ev.ts, out);
    if (fd.kind !== 'other') {
      const flow = flowOf(fd, fd.flow?.tid ?? ev.pid, ev.ts);
      flow.opFlags |= OpFlag.CLOSE;
      st.emitFlow(p, fd, ev.ts, 0, out);
    }
    p.fds.delete(ev.fd);
  },

  dup(ev, st, out) {
    const p = st.proc(ev.pid, ev.ts, out);
    const src = st.fd(p, ev.pid, ev.oldFd, out, ev.ts);
    if (ev.newFd !== ev.oldFd) {
      const old = p.fds.get(ev.newFd);
      if (old) st.emitFlow(p, old, ev.ts, ev.newFd, out);
      if (src) p.fds.set(ev.newFd, src.kind === 'other' ? src : { ...src, flow: undefined });
      else p.fds.delete(ev.newFd);
    }
  },

  socket(ev, st, out) {
    const p = st.proc(ev.pid, ev.ts, out);
    if (!TRACKED_PROTOS.has(ev.proto) || !ev.local || !ev.remote) return;
    const old = p.fds.get(ev.fd);
    if (old) st.emitFlow(p, old, ev.ts, 0, out);
    const client = ev.accepted ? ev.remote : ev.local;
    const server = ev.accepted ? ev.local : ev.remote;
    const fd: Fd = {
      kind: 'sock',
      proto: ev.proto,
      sip: ipv4FromString(ipv4Of(client.ip)),
      sport: client.port,
      dip: ipv4FromString(ipv4Of(server.ip)),
      dport: server.port,
    };
    flowOf(fd, ev.tid, ev.ts).opFlags |= ev.accepted ? OpFlag.ACCEPT : OpFlag.CONNECT;
    p.fds.set(ev.fd, fd);
  },

  shutdown: markFlow,
  mmap: markFlow,

  fileop(ev, st, out) {
    const p = st.proc(ev.pid, ev.ts, out);
    const path = joinPath(p.cwd, ev.path);
    const dirLike = ev.op === 'MKDIR' || ev.op === 'RMDIR';
    const fileOID = st.fileRecord(path, ev.ts, dirLike ? 'd' : 'f', out);
    const newFileOID =
      ev.newPath !== undefined ? st.fileRecord(joinPath(p.cwd, ev.newPath), ev.ts, 'f', out) : null;
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
  },

  setuid(ev, st, out) {
    const p = st.proc(ev.pid, ev.ts, out);
    if (ev.ret === 0) {
      p.uid = ev.uid;
      out.push(processRecord(p, 'MODIFIED', ev.ts, st.containerId));
    }
    out.push(processEvent(p.oid, ev.ts, ev.tid, OpFlag.SETUID, ev.ret, [String(ev.uid)]));
  },

  setns(ev, st, out) {
    const p = st.proc(ev.pid, ev.ts, out);
    out.push(processEvent(p.oid, ev.ts, ev.tid, OpFlag.SETNS, ev.ret, [String(ev.fd)]));
  },
};
