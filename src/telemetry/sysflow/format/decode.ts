/**
 * Avro values (as avsc decodes them with {@link sysflowLongType}) → typed SysFlow records, for every schema version:
 * fields an older writer schema lacks take the defaults documented in `../records/` (and any other missing field its
 * zero value: "", 0, false, []), so a record of an unforeseen schema still yields a well-typed record. Branches are
 * matched by record name, not by union position, so a writer schema that reorders or extends the union still decodes.
 * The decoders are built from one table of fields per record kind (`FIELDS`); the record kinds that share fields
 * (events, flows, network endpoints) share their entries.
 */
import type {
  ContainerType,
  K8sAction,
  K8sComponent,
  K8sEvent,
  OID,
  ObjectState,
  RecordKind,
  Service,
  SysFlowRecord,
} from '../records/index.ts';
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

/** How one field of a raw Avro record becomes the field of a typed record (and its default when a schema lacks it). */
type Conv<T> = (v: Raw) => T;
/** A field taken as it is, or `fallback` (a JSON constant) when the writer schema lacks it. */
interface Fallback<T> {
  readonly fallback: T;
}

/** The conversion of every field but `kind` of a record kind: `tsc` checks each field is there, with its type. */
type FieldConvs<K extends RecordKind> = {
  readonly [F in Exclude<keyof Extract<SysFlowRecord, { kind: K }>, 'kind'>]:
    Conv<Extract<SysFlowRecord, { kind: K }>[F]> | Fallback<Extract<SysFlowRecord, { kind: K }>[F]>;
};

const or = <T>(fallback: T): Fallback<T> => ({ fallback });
const str = or('');
const int = or(0);
const bool = or(false);
const nullable = or(null);
const long: Conv<number> = num;
const ts: Conv<bigint> = big;
const oid: Conv<OID> = (r) =>
  r ? { createTS: big(r.createTS), hpid: num(r.hpid) } : { createTS: 0n, hpid: 0 };
const hex: Conv<string> = (b: Buffer | null | undefined) => (b ? b.toString('hex') : '');
const longs: Conv<number[]> = (a: AvroLong[] | undefined) => (a ? a.map(num) : []);
const strings = or<string[]>([]);
const map: Conv<Record<string, string>> = (m) => ({ ...(m ?? {}) });

/** The fields every event record but ProcessFlow and K8sEvent starts with. */
const EVENT = { procOID: oid, ts, tid: long, opFlags: int } as const;
/** The I/O counters of a flow. */
const COUNTERS = { numRRecvOps: long, numWSendOps: long, numRRecvBytes: long, numWSendBytes: long } as const;
/** The endpoints of a network event or flow. */
const ENDPOINTS = { sip: int, sport: int, dip: int, dport: int, proto: int } as const;

const service: Conv<Service> = (s) => ({
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
});

/** Per record kind, its fields in the order of the typed record (the Avro field of the same name feeds each). */
const FIELDS: { readonly [K in Exclude<RecordKind, 'K8sEvent'>]: FieldConvs<K> } = {
  Header: { version: long, exporter: str, ip: or('NA'), filename: str },
  Container: {
    id: str,
    name: str,
    image: str,
    imageid: str,
    type: or<ContainerType>('CT_CUSTOM'),
    privileged: bool,
    podId: nullable,
  },
  Process: {
    state: or<ObjectState>('CREATED'),
    oid,
    poid: (v) => (v ? oid(v) : null),
    ts,
    exe: str,
    exeArgs: str,
    uid: int,
    userName: str,
    gid: int,
    groupName: str,
    tty: bool,
    containerId: nullable,
    entry: bool,
    cwd: str,
    env: strings,
  },
  File: { state: or<ObjectState>('CREATED'), oid: hex, ts, restype: int, path: str, containerId: nullable },
  ProcessEvent: { ...EVENT, args: strings, ret: int },
  NetworkFlow: { ...EVENT, endTs: ts, ...ENDPOINTS, fd: or(-1), ...COUNTERS },
  FileFlow: { ...EVENT, openFlags: int, endTs: ts, fileOID: hex, fd: or(-1), ...COUNTERS },
  FileEvent: { ...EVENT, fileOID: hex, ret: int, newFileOID: (v) => (v ? hex(v) : null) },
  NetworkEvent: { ...EVENT, ...ENDPOINTS, ret: int },
  ProcessFlow: {
    procOID: oid,
    ts,
    numThreadsCloned: long,
    opFlags: int,
    endTs: ts,
    numThreadsExited: long,
    numCloneErrors: long,
  },
  Pod: {
    ts,
    id: str,
    name: str,
    nodeName: str,
    hostIP: longs,
    internalIP: longs,
    namespace: str,
    restartCount: long,
    labels: map,
    selectors: map,
    services: (a) => (a ?? []).map(service),
  },
};

type Decoder<K extends RecordKind> = (r: Raw) => Extract<SysFlowRecord, { kind: K }>;

/**
 * A decoder from a field table: an object literal, `kind` first, then each field converted from the Avro field of
 * its name. The literal is compiled once per kind (names come from the typed table above, never from input), so a
 * record costs what a hand-written decoder costs: one object of a fixed shape, no loop, no dynamic keys.
 */
function fromFields<K extends Exclude<RecordKind, 'K8sEvent'>>(kind: K): Decoder<K> {
  const fields = Object.entries(FIELDS[kind]) as [string, Conv<unknown> | Fallback<unknown>][];
  const convs: Conv<unknown>[] = [];
  const body = fields.map(([name, f]) => {
    const raw = `r[${JSON.stringify(name)}]`;
    if (typeof f !== 'function') return `${JSON.stringify(name)}: ${raw} ?? ${JSON.stringify(f.fallback)}`;
    convs.push(f);
    return `${JSON.stringify(name)}: c${convs.length - 1}(${raw})`;
  });
  const make = new Function(
    ...convs.map((_, i) => `c${i}`),
    `return function decode${kind}(r) { return { kind: ${JSON.stringify(kind)}, ${body.join(', ')} }; };`,
  ) as (...fns: Conv<unknown>[]) => Decoder<K>;
  return make(...convs);
}

export const decoders: { readonly [K in RecordKind]: Decoder<K> } = {
  Header: fromFields('Header'),
  Container: fromFields('Container'),
  Process: fromFields('Process'),
  File: fromFields('File'),
  ProcessEvent: fromFields('ProcessEvent'),
  NetworkFlow: fromFields('NetworkFlow'),
  FileFlow: fromFields('FileFlow'),
  FileEvent: fromFields('FileEvent'),
  NetworkEvent: fromFields('NetworkEvent'),
  ProcessFlow: fromFields('ProcessFlow'),
  Pod: fromFields('Pod'),
  // the one record whose Avro field names differ from the typed ones (`kind` is the k8s component)
  K8sEvent: (r): K8sEvent => ({
    kind: 'K8sEvent',
    k8sKind: (r.kind ?? 'K8S_UNKNOWN') as K8sComponent,
    action: (r.action ?? 'K8S_COMPONENT_UNKNOWN') as K8sAction,
    ts: big(r.ts),
    message: r.message ?? '',
  }),
};
