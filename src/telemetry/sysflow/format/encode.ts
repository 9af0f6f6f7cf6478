/**
 * Typed SysFlow records → Avro values of the version-5 schema (`sysflow-schema.json`), the inverse of `decode.ts`.
 * FOIDs go back to 20-byte buffers; everything else is already in a shape the {@link sysflowLongType} accepts.
 */
import type { OID, RecordKind, SysFlowRecord } from '../records/index.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- avsc values are untyped */
type Raw = any;

function oid(o: OID): Raw {
  return { createTS: o.createTS, hpid: o.hpid };
}
function foid(h: string): Buffer {
  const b = Buffer.from(h, 'hex');
  if (b.length === 20) return b;
  const out = Buffer.alloc(20);
  b.copy(out);
  return out;
}

export const encoders: { readonly [K in RecordKind]: (r: Extract<SysFlowRecord, { kind: K }>) => Raw } = {
  Header: (r) => ({ version: r.version, exporter: r.exporter, ip: r.ip, filename: r.filename }),
  Container: (r) => ({
    id: r.id,
    name: r.name,
    image: r.image,
    imageid: r.imageid,
    type: r.type,
    privileged: r.privileged,
    podId: r.podId,
  }),
  Process: (r) => ({
    state: r.state,
    oid: oid(r.oid),
    poid: r.poid ? oid(r.poid) : null,
    ts: r.ts,
    exe: r.exe,
    exeArgs: r.exeArgs,
    uid: r.uid,
    userName: r.userName,
    gid: r.gid,
    groupName: r.groupName,
    tty: r.tty,
    containerId: r.containerId,
    entry: r.entry,
    cwd: r.cwd,
    env: [...r.env],
  }),
  File: (r) => ({
    state: r.state,
    oid: foid(r.oid),
    ts: r.ts,
    restype: r.restype,
    path: r.path,
    containerId: r.containerId,
  }),
  ProcessEvent: (r) => ({
    procOID: oid(r.procOID),
    ts: r.ts,
    tid: r.tid,
    opFlags: r.opFlags,
    args: [...r.args],
    ret: r.ret,
  }),
  NetworkFlow: (r) => ({
    procOID: oid(r.procOID),
    ts: r.ts,
    tid: r.tid,
    opFlags: r.opFlags,
    endTs: r.endTs,
    sip: r.sip,
    sport: r.sport,
    dip: r.dip,
    dport: r.dport,
    proto: r.proto,
    fd: r.fd,
    numRRecvOps: r.numRRecvOps,
    numWSendOps: r.numWSendOps,
    numRRecvBytes: r.numRRecvBytes,
    numWSendBytes: r.numWSendBytes,
  }),
  FileFlow: (r) => ({
    procOID: oid(r.procOID),
    ts: r.ts,
    tid: r.tid,
    opFlags: r.opFlags,
    openFlags: r.openFlags,
    endTs: r.endTs,
    fileOID: foid(r.fileOID),
    fd: r.fd,
    numRRecvOps: r.numRRecvOps,
    numWSendOps: r.numWSendOps,
    numRRecvBytes: r.numRRecvBytes,
    numWSendBytes: r.numWSendBytes,
  }),
  FileEvent: (r) => ({
    procOID: oid(r.procOID),
    ts: r.ts,
    tid: r.tid,
    opFlags: r.opFlags,
    fileOID: foid(r.fileOID),
    ret: r.ret,
    newFileOID: r.newFileOID === null ? null : foid(r.newFileOID),
  }),
  NetworkEvent: (r) => ({
    procOID: oid(r.procOID),
    ts: r.ts,
    tid: r.tid,
    opFlags: r.opFlags,
    sip: r.sip,
    sport: r.sport,
    dip: r.dip,
    dport: r.dport,
    proto: r.proto,
    ret: r.ret,
  }),
  ProcessFlow: (r) => ({
    procOID: oid(r.procOID),
    ts: r.ts,
    numThreadsCloned: r.numThreadsCloned,
    opFlags: r.opFlags,
    endTs: r.endTs,
    numThreadsExited: r.numThreadsExited,
    numCloneErrors: r.numCloneErrors,
  }),
  Pod: (r) => ({
    ts: r.ts,
    id: r.id,
    name: r.name,
    nodeName: r.nodeName,
    hostIP: [...r.hostIP],
    internalIP: [...r.internalIP],
    namespace: r.namespace,
    restartCount: r.restartCount,
    labels: { ...r.labels },
    selectors: { ...r.selectors },
    services: r.services.map((s) => ({
      name: s.name,
      id: s.id,
      namespace: s.namespace,
      portList: s.portList.map((p) => ({ ...p })),
      clusterIP: [...s.clusterIP],
    })),
  }),
  K8sEvent: (r) => ({ kind: r.k8sKind, action: r.action, ts: r.ts, message: r.message }),
};
