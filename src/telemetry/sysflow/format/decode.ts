/**
 * Avro values (as avsc decodes them with {@link sysflowLongType}) → typed SysFlow records, for every schema version:
 * fields an older writer schema lacks take the defaults documented in `records.ts` (and any other missing field its
 * zero value: "", 0, false, []), so a record of an unforeseen schema still yields a well-typed record. Branches are matched by record
 * name, not by union position, so a writer schema that reorders or extends the union still decodes.
 */
import type {
  Container,
  ContainerType,
  File,
  FileEvent,
  FileFlow,
  Header,
  K8sAction,
  K8sComponent,
  K8sEvent,
  NetworkEvent,
  NetworkFlow,
  OID,
  ObjectState,
  Pod,
  Process,
  ProcessEvent,
  ProcessFlow,
  RecordKind,
  Service,
  SysFlowRecord,
} from '../records.ts';
import { big, num, type AvroLong } from './long-type.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- raw avsc values are untyped by nature */
type Raw = any;

/** Record kind of an Avro record name (`sysflow.entity.SFHeader` → `Header`); undefined for an unknown branch. */
export function kindOfAvroName(name: string | undefined): RecordKind | undefined {
  const short = name?.slice(name.lastIndexOf('.') + 1);
  switch (short) {
    case 'SFHeader':
      return 'Header';
    case 'Container':
    case 'Process':
    case 'File':
    case 'ProcessEvent':
    case 'NetworkFlow':
    case 'FileFlow':
    case 'FileEvent':
    case 'NetworkEvent':
    case 'ProcessFlow':
    case 'Pod':
    case 'K8sEvent':
      return short;
    default:
      return undefined;
  }
}

function oid(r: Raw): OID {
  return r ? { createTS: big(r.createTS), hpid: num(r.hpid) } : { createTS: 0n, hpid: 0 };
}
function hex(b: Buffer | null | undefined): string {
  return b ? b.toString('hex') : '';
}
function longs(a: AvroLong[] | undefined): number[] {
  return a ? a.map(num) : [];
}

export const decoders: { readonly [K in RecordKind]: (r: Raw) => Extract<SysFlowRecord, { kind: K }> } = {
  Header: (r): Header => ({
    kind: 'Header',
    version: num(r.version),
    exporter: r.exporter ?? '',
    ip: r.ip ?? 'NA',
    filename: r.filename ?? '',
  }),
  Container: (r): Container => ({
    kind: 'Container',
    id: r.id ?? '',
    name: r.name ?? '',
    image: r.image ?? '',
    imageid: r.imageid ?? '',
    type: (r.type ?? 'CT_CUSTOM') as ContainerType,
    privileged: r.privileged ?? false,
    podId: r.podId ?? null,
  }),
  Process: (r): Process => ({
    kind: 'Process',
    state: (r.state ?? 'CREATED') as ObjectState,
    oid: oid(r.oid),
    poid: r.poid ? oid(r.poid) : null,
    ts: big(r.ts),
    exe: r.exe ?? '',
    exeArgs: r.exeArgs ?? '',
    uid: r.uid ?? 0,
    userName: r.userName ?? '',
    gid: r.gid ?? 0,
    groupName: r.groupName ?? '',
    tty: r.tty ?? false,
    containerId: r.containerId ?? null,
    entry: r.entry ?? false,
    cwd: r.cwd ?? '',
    env: r.env ?? [],
  }),
  File: (r): File => ({
    kind: 'File',
    state: (r.state ?? 'CREATED') as ObjectState,
    oid: hex(r.oid),
    ts: big(r.ts),
    restype: r.restype ?? 0,
    path: r.path ?? '',
    containerId: r.containerId ?? null,
  }),
  ProcessEvent: (r): ProcessEvent => ({
    kind: 'ProcessEvent',
    procOID: oid(r.procOID),
    ts: big(r.ts),
    tid: num(r.tid),
    opFlags: r.opFlags ?? 0,
    args: r.args ?? [],
    ret: r.ret ?? 0,
  }),
  NetworkFlow: (r): NetworkFlow => ({
    kind: 'NetworkFlow',
    procOID: oid(r.procOID),
    ts: big(r.ts),
    tid: num(r.tid),
    opFlags: r.opFlags ?? 0,
    endTs: big(r.endTs),
    sip: r.sip ?? 0,
    sport: r.sport ?? 0,
    dip: r.dip ?? 0,
    dport: r.dport ?? 0,
    proto: r.proto ?? 0,
    fd: r.fd ?? -1,
    numRRecvOps: num(r.numRRecvOps),
    numWSendOps: num(r.numWSendOps),
    numRRecvBytes: num(r.numRRecvBytes),
    numWSendBytes: num(r.numWSendBytes),
  }),
  FileFlow: (r): FileFlow => ({
    kind: 'FileFlow',
    procOID: oid(r.procOID),
    ts: big(r.ts),
    tid: num(r.tid),
    opFlags: r.opFlags ?? 0,
    openFlags: r.openFlags ?? 0,
    endTs: big(r.endTs),
    fileOID: hex(r.fileOID),
    fd: r.fd ?? -1,
    numRRecvOps: num(r.numRRecvOps),
    numWSendOps: num(r.numWSendOps),
    numRRecvBytes: num(r.numRRecvBytes),
    numWSendBytes: num(r.numWSendBytes),
  }),
  FileEvent: (r): FileEvent => ({
    kind: 'FileEvent',
    procOID: oid(r.procOID),
    ts: big(r.ts),
    tid: num(r.tid),
    opFlags: r.opFlags ?? 0,
    fileOID: hex(r.fileOID),
    ret: r.ret ?? 0,
    newFileOID: r.newFileOID ? hex(r.newFileOID) : null,
  }),
  NetworkEvent: (r): NetworkEvent => ({
    kind: 'NetworkEvent',
    procOID: oid(r.procOID),
    ts: big(r.ts),
    tid: num(r.tid),
    opFlags: r.opFlags ?? 0,
    sip: r.sip ?? 0,
    sport: r.sport ?? 0,
    dip: r.dip ?? 0,
    dport: r.dport ?? 0,
    proto: r.proto ?? 0,
    ret: r.ret ?? 0,
  }),
  ProcessFlow: (r): ProcessFlow => ({
    kind: 'ProcessFlow',
    procOID: oid(r.procOID),
    ts: big(r.ts),
    numThreadsCloned: num(r.numThreadsCloned),
    opFlags: r.opFlags ?? 0,
    endTs: big(r.endTs),
    numThreadsExited: num(r.numThreadsExited),
    numCloneErrors: num(r.numCloneErrors),
  }),
  Pod: (r): Pod => ({
    kind: 'Pod',
    ts: big(r.ts),
    id: r.id ?? '',
    name: r.name ?? '',
    nodeName: r.nodeName ?? '',
    hostIP: longs(r.hostIP),
    internalIP: longs(r.internalIP),
    namespace: r.namespace ?? '',
    restartCount: num(r.restartCount),
    labels: { ...(r.labels ?? {}) },
    selectors: { ...(r.selectors ?? {}) },
    services: (r.services ?? []).map((s: Raw): Service => ({
      name: s.name,
      id: s.id,
      namespace: s.namespace,
      portList: (s.portList ?? []).map((p: Raw) => ({
        port: p.port,
        targetPort: p.targetPort,
        nodePort: p.nodePort,
        proto: p.proto,
      })),
      clusterIP: longs(s.clusterIP),
    })),
  }),
  K8sEvent: (r): K8sEvent => ({
    kind: 'K8sEvent',
    k8sKind: (r.kind ?? 'K8S_UNKNOWN') as K8sComponent,
    action: (r.action ?? 'K8S_COMPONENT_UNKNOWN') as K8sAction,
    ts: big(r.ts),
    message: r.message ?? '',
  }),
};
