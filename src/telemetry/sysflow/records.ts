/**
 * SysFlow records as typed plain data — the contract between the `.sf` reader/writer (`format/`), the processor
 * (`processor/`), the policy engine (`policy/`, H6) and the exporters (`export/`, `ecs/`).
 *
 * Field names follow the SysFlow Avro schema (sf-apis `avsc/`, schema version 5) so that a record reads like the
 * specification. Every record carries a `kind` naming its type; the set of kinds is closed ({@link SysFlowRecord}).
 *
 * Number representation (fixed, do not change without telling every consumer):
 * - Timestamps (`ts`, `endTs`, `createTS`, Pod `ts`) are nanoseconds since the epoch as `bigint` — they exceed 2^53.
 * - Process ids, thread ids, counters (`numRRecvOps`, bytes, …) and `restartCount` are `number` (they fit exactly).
 * - IPv4 addresses (`sip`, `dip`) are the raw Avro `int` (signed 32-bit) whose LOW byte is the FIRST octet
 *   (`ipv4ToString(0x0100007f) === '127.0.0.1'`). Pod IP lists are raw Avro longs as `number`, same byte order.
 * - File object ids (`FOID`, 20 bytes, SHA-1 of path + container) are lowercase hex strings (40 characters).
 *
 * Records are immutable by convention: consumers never mutate them (the reader shares entity records between events).
 */

/** Process identity: host pid and the clone timestamp (ns). Unique over a host's lifetime. */
export interface OID {
  readonly createTS: bigint;
  readonly hpid: number;
}

/** Object state of an entity record (SFObjectState). REUP = re-emitted because a new file/chunk started. */
export type ObjectState = 'CREATED' | 'MODIFIED' | 'REUP';

export const CONTAINER_TYPES = [
  'CT_DOCKER',
  'CT_LXC',
  'CT_LIBVIRT_LXC',
  'CT_MESOS',
  'CT_RKT',
  'CT_CUSTOM',
  'CT_CRI',
  'CT_CONTAINERD',
  'CT_CRIO',
  'CT_BPM',
] as const;
export type ContainerType = (typeof CONTAINER_TYPES)[number];

export const K8S_COMPONENTS = [
  'K8S_NODES',
  'K8S_NAMESPACES',
  'K8S_PODS',
  'K8S_REPLICATIONCONTROLLERS',
  'K8S_SERVICES',
  'K8S_EVENTS',
  'K8S_REPLICASETS',
  'K8S_DAEMONSETS',
  'K8S_DEPLOYMENTS',
  'K8S_UNKNOWN',
] as const;
export type K8sComponent = (typeof K8S_COMPONENTS)[number];

export const K8S_ACTIONS = [
  'K8S_COMPONENT_ADDED',
  'K8S_COMPONENT_MODIFIED',
  'K8S_COMPONENT_DELETED',
  'K8S_COMPONENT_ERROR',
  'K8S_COMPONENT_NONEXISTENT',
  'K8S_COMPONENT_UNKNOWN',
] as const;
export type K8sAction = (typeof K8S_ACTIONS)[number];

// ---------------------------------------------------------------------------------------------------------------
// Entities

/** First record of every file: who wrote it. `version` is the schema version the file was written with. */
export interface Header {
  readonly kind: 'Header';
  readonly version: number;
  /** Exporter (node) id — `sf.node.id`. */
  readonly exporter: string;
  /** Node IP — `sf.node.ip`; "NA" when unknown (older schemas have no ip). */
  readonly ip: string;
  /** Name of the trace file as the collector wrote it ("" in older schemas). */
  readonly filename: string;
}

export interface Container {
  readonly kind: 'Container';
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly imageid: string;
  readonly type: ContainerType;
  readonly privileged: boolean;
  readonly podId: string | null;
}

export interface Process {
  readonly kind: 'Process';
  readonly state: ObjectState;
  readonly oid: OID;
  /** Parent identity; null for a process whose parent the collector never saw. */
  readonly poid: OID | null;
  readonly ts: bigint;
  /** Executable path (`sf.proc.exe`). */
  readonly exe: string;
  /** Arguments as one string, without argv[0] (`sf.proc.args`). */
  readonly exeArgs: string;
  readonly uid: number;
  readonly userName: string;
  readonly gid: number;
  readonly groupName: string;
  readonly tty: boolean;
  readonly containerId: string | null;
  /** The process is its container's entrypoint (`sf.proc.entry`). */
  readonly entry: boolean;
  /** Working directory ("" in schemas older than 5). */
  readonly cwd: string;
  /** Environment ([] in schemas older than 5). */
  readonly env: readonly string[];
}

/** A file-like resource. `restype` is the sysdig fd type character code: see {@link FILE_TYPES}. */
export interface File {
  readonly kind: 'File';
  readonly state: ObjectState;
  /** 40-hex FOID. */
  readonly oid: string;
  readonly ts: bigint;
  readonly restype: number;
  readonly path: string;
  readonly containerId: string | null;
}

export interface Port {
  readonly port: number;
  readonly targetPort: number;
  readonly nodePort: number;
  readonly proto: string;
}

export interface Service {
  readonly name: string;
  readonly id: string;
  readonly namespace: string;
  readonly portList: readonly Port[];
  readonly clusterIP: readonly number[];
}

export interface Pod {
  readonly kind: 'Pod';
  readonly ts: bigint;
  readonly id: string;
  readonly name: string;
  readonly nodeName: string;
  readonly hostIP: readonly number[];
  readonly internalIP: readonly number[];
  readonly namespace: string;
  readonly restartCount: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly selectors: Readonly<Record<string, string>>;
  readonly services: readonly Service[];
}

// ---------------------------------------------------------------------------------------------------------------
// Events and flows

/** clone / exec / exit / setuid of a process (`sf.type = PE`). `args` holds syscall arguments (e.g. setuid's uid). */
export interface ProcessEvent {
  readonly kind: 'ProcessEvent';
  readonly procOID: OID;
  readonly ts: bigint;
  readonly tid: number;
  readonly opFlags: number;
  readonly args: readonly string[];
  readonly ret: number;
}

/** Aggregated socket activity of one thread on one 5-tuple between `ts` and `endTs` (`sf.type = NF`). */
export interface NetworkFlow {
  readonly kind: 'NetworkFlow';
  readonly procOID: OID;
  readonly ts: bigint;
  readonly tid: number;
  readonly opFlags: number;
  readonly endTs: bigint;
  readonly sip: number;
  readonly sport: number;
  readonly dip: number;
  readonly dport: number;
  /** IP protocol number: 6 TCP, 17 UDP, … */
  readonly proto: number;
  /** -1 when the schema had no fd. */
  readonly fd: number;
  readonly numRRecvOps: number;
  readonly numWSendOps: number;
  readonly numRRecvBytes: number;
  readonly numWSendBytes: number;
}

/** Aggregated file activity of one thread on one file descriptor (`sf.type = FF`). */
export interface FileFlow {
  readonly kind: 'FileFlow';
  readonly procOID: OID;
  readonly ts: bigint;
  readonly tid: number;
  readonly opFlags: number;
  /** sysdig PPM open flags, see {@link OpenFlag}. */
  readonly openFlags: number;
  readonly endTs: bigint;
  readonly fileOID: string;
  readonly fd: number;
  readonly numRRecvOps: number;
  readonly numWSendOps: number;
  readonly numRRecvBytes: number;
  readonly numWSendBytes: number;
}

/** mkdir, rmdir, link, unlink, symlink, rename, … (`sf.type = FE`). `newFileOID` is the target of link/rename. */
export interface FileEvent {
  readonly kind: 'FileEvent';
  readonly procOID: OID;
  readonly ts: bigint;
  readonly tid: number;
  readonly opFlags: number;
  readonly fileOID: string;
  readonly ret: number;
  readonly newFileOID: string | null;
}

/** A single network operation (connect/accept/…) outside a flow (`sf.type = NE`). */
export interface NetworkEvent {
  readonly kind: 'NetworkEvent';
  readonly procOID: OID;
  readonly ts: bigint;
  readonly tid: number;
  readonly opFlags: number;
  readonly sip: number;
  readonly sport: number;
  readonly dip: number;
  readonly dport: number;
  readonly proto: number;
  readonly ret: number;
}

/** Thread clone/exit counts of a process over an interval (`sf.type = PF`). */
export interface ProcessFlow {
  readonly kind: 'ProcessFlow';
  readonly procOID: OID;
  readonly ts: bigint;
  readonly numThreadsCloned: number;
  readonly opFlags: number;
  readonly endTs: bigint;
  readonly numThreadsExited: number;
  readonly numCloneErrors: number;
}

/** A Kubernetes API event (`sf.type = KE`); `message` is the JSON text of the API object. */
export interface K8sEvent {
  readonly kind: 'K8sEvent';
  /** The Avro field `kind` (renamed: `kind` is the record discriminator) — `sf.ke.kind`. */
  readonly k8sKind: K8sComponent;
  readonly action: K8sAction;
  readonly ts: bigint;
  readonly message: string;
}

export type EntityRecord = Header | Container | Process | File | Pod;
export type EventRecord =
  ProcessEvent | NetworkFlow | FileFlow | FileEvent | NetworkEvent | ProcessFlow | K8sEvent;
/** Every SysFlow record, discriminated by `kind`. */
export type SysFlowRecord = EntityRecord | EventRecord;
export type RecordKind = SysFlowRecord['kind'];

/**
 * Record kinds in Avro union order: the index of a kind here is its branch index in the `SysFlow.rec` union
 * of every schema version (older versions simply stop earlier).
 */
export const RECORD_KINDS = [
  'Header',
  'Container',
  'Process',
  'File',
  'ProcessEvent',
  'NetworkFlow',
  'FileFlow',
  'FileEvent',
  'NetworkEvent',
  'ProcessFlow',
  'Pod',
  'K8sEvent',
] as const satisfies readonly RecordKind[];

export const EVENT_KINDS = [
  'ProcessEvent',
  'NetworkFlow',
  'FileFlow',
  'FileEvent',
  'NetworkEvent',
  'ProcessFlow',
  'K8sEvent',
] as const satisfies readonly EventRecord['kind'][];

/** The short type code of an event record (`sf.type`), as sf-processor's policy language spells it. */
export const SF_TYPE: Readonly<Record<EventRecord['kind'], string>> = {
  ProcessEvent: 'PE',
  NetworkFlow: 'NF',
  FileFlow: 'FF',
  FileEvent: 'FE',
  NetworkEvent: 'NE',
  ProcessFlow: 'PF',
  K8sEvent: 'KE',
};

/** True for the entity records (header, container, process, file, pod): they update the tables events resolve in. */
export function isEntityRecord(r: SysFlowRecord): r is EntityRecord {
  switch (r.kind) {
    case 'Header':
    case 'Container':
    case 'Process':
    case 'File':
    case 'Pod':
      return true;
    default:
      return false;
  }
}

export function isEventRecord(r: SysFlowRecord): r is EventRecord {
  return !isEntityRecord(r);
}

// ---------------------------------------------------------------------------------------------------------------
// Flags

/** Operation flag bits (`opFlags`) as the SysFlow spec defines them (`OP_` prefix dropped in policies). */
export const OpFlag = {
  CLONE: 1 << 0,
  EXEC: 1 << 1,
  EXIT: 1 << 2,
  SETUID: 1 << 3,
  SETNS: 1 << 4,
  ACCEPT: 1 << 5,
  CONNECT: 1 << 6,
  OPEN: 1 << 7,
  READ_RECV: 1 << 8,
  WRITE_SEND: 1 << 9,
  CLOSE: 1 << 10,
  TRUNCATE: 1 << 11,
  SHUTDOWN: 1 << 12,
  MMAP: 1 << 13,
  DIGEST: 1 << 14,
  MKDIR: 1 << 15,
  RMDIR: 1 << 16,
  LINK: 1 << 17,
  UNLINK: 1 << 18,
  SYMLINK: 1 << 19,
  RENAME: 1 << 20,
} as const;
export type OpFlagName = keyof typeof OpFlag;
export const OP_FLAG_NAMES = Object.keys(OpFlag) as OpFlagName[];

/** Names of the bits set in `opFlags`, lowest bit first (e.g. `['OPEN','READ_RECV','CLOSE']`). */
export function opFlagNames(opFlags: number): OpFlagName[] {
  const out: OpFlagName[] = [];
  for (const name of OP_FLAG_NAMES) if (opFlags & OpFlag[name]) out.push(name);
  return out;
}

/**
 * Open flags (`FileFlow.openFlags`) — these are sysdig's portable PPM_O_* bits, NOT Linux `O_*` values:
 * RDONLY and WRONLY are separate bits and RDWR is both.
 */
export const OpenFlag = {
  RDONLY: 1 << 0,
  WRONLY: 1 << 1,
  RDWR: (1 << 0) | (1 << 1),
  CREAT: 1 << 2,
  APPEND: 1 << 3,
  DSYNC: 1 << 4,
  EXCL: 1 << 5,
  NONBLOCK: 1 << 6,
  SYNC: 1 << 7,
  TRUNC: 1 << 8,
  DIRECT: 1 << 9,
  DIRECTORY: 1 << 10,
  LARGEFILE: 1 << 11,
  CLOEXEC: 1 << 12,
  TMPFILE: 1 << 13,
} as const;
export type OpenFlagName = keyof typeof OpenFlag;

/** Names of the open flags set (RDWR reported instead of RDONLY+WRONLY). */
export function openFlagNames(openFlags: number): OpenFlagName[] {
  const out: OpenFlagName[] = [];
  if ((openFlags & OpenFlag.RDWR) === OpenFlag.RDWR) out.push('RDWR');
  else if (openFlags & OpenFlag.RDONLY) out.push('RDONLY');
  else if (openFlags & OpenFlag.WRONLY) out.push('WRONLY');
  for (const name of Object.keys(OpenFlag) as OpenFlagName[]) {
    if (name === 'RDONLY' || name === 'WRONLY' || name === 'RDWR') continue;
    if (openFlags & OpenFlag[name]) out.push(name);
  }
  return out;
}

/** File type characters (`File.restype` is the char code): `sf.file.type`. */
export const FILE_TYPES: Readonly<Record<string, string>> = {
  f: 'file',
  d: 'directory',
  '4': 'ipv4',
  '6': 'ipv6',
  u: 'unix',
  p: 'pipe',
  e: 'eventfd',
  s: 'signalfd',
  l: 'eventpoll',
  i: 'inotify',
  o: 'unknown',
};

/** `sf.file.type` as a one-character string ('f', 'd', 'u', …). */
export function fileTypeChar(restype: number): string {
  return String.fromCharCode(restype);
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers shared by every consumer

/** Dotted quad of a SysFlow IPv4 int (first octet in the low byte). */
export function ipv4ToString(ip: number): string {
  return `${ip & 0xff}.${(ip >>> 8) & 0xff}.${(ip >>> 16) & 0xff}.${(ip >>> 24) & 0xff}`;
}

/** Inverse of {@link ipv4ToString}: a signed 32-bit int as the Avro schema stores it. */
export function ipv4FromString(s: string): number {
  const p = s.split('.').map(Number);
  return p[0] | (p[1] << 8) | (p[2] << 16) | (p[3] << 24) | 0;
}

/** Stable text key of a process identity, `hpid:createTS`. */
export function oidKey(oid: OID): string {
  return `${oid.hpid}:${oid.createTS}`;
}

/** Last path component (`sf.proc.name` of an exe, `sf.file.name` of a path). */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** Protocol name of an IP protocol number for `network.transport` (lower case, as ECS wants). */
export function transportName(proto: number): string {
  switch (proto) {
    case 6:
      return 'tcp';
    case 17:
      return 'udp';
    case 1:
      return 'icmp';
    case 58:
      return 'ipv6-icmp';
    case 132:
      return 'sctp';
    default:
      return String(proto);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The resolved event — what the policy engine and the exporters consume

/**
 * An event or flow record together with the entities it refers to, resolved by the reader from the entity records
 * seen so far in the stream (processes by OID, files by FOID, containers by id, pods by id).
 *
 * How `sf.*` attributes read from it (sf-processor semantics):
 * - `sf.type` = `SF_TYPE[record.kind]`; `sf.opflags` = `opFlagNames(record.opFlags)`; `sf.ts` = `record.ts`;
 *   `sf.endts` = `record.endTs` (flows; else 0); `sf.ret` = `record.ret` (events; else 0).
 * - `sf.proc.*` from `process` (pid = `record.procOID.hpid`, tid = `record.tid`, name = baseName(exe),
 *   cmdline = exe + ' ' + exeArgs, createts = oid.createTS); `sf.pproc.*` from `parent`.
 * - `sf.proc.aname` / `sf.proc.apid` / `sf.proc.aexe` … from `ancestors` (parent first, root last).
 * - `sf.file.*` from `file` (FF, FE); `sf.file.newpath` from `newFile` (FE with a target); `sf.file.fd` and
 *   `sf.file.openflags` from the FileFlow record.
 * - `sf.net.*` and `sf.flow.*` from the NetworkFlow / NetworkEvent / FileFlow record itself.
 * - `sf.container.*` from `container` (of the process; for a file-only record, of the file);
 *   `sf.pod.*` from `pod` (the container's pod); `sf.ke.*` from a K8sEvent record.
 * - `sf.node.id` / `sf.node.ip` / `sf.schema.version` from `header`.
 * Any of the entities may be missing (undefined) when the trace never described it — e.g. events of processes
 * that started before a file split; attributes then read as their zero value ("" / 0 / false).
 */
export interface ResolvedEvent {
  readonly record: EventRecord;
  /** The process the record's `procOID` names (undefined for K8sEvent or an unknown process). */
  readonly process: Process | undefined;
  /** The process's parent (by `poid`). */
  readonly parent: Process | undefined;
  /** The parent, grandparent, … up to the oldest known ancestor. Empty when there is no known parent. */
  readonly ancestors: readonly Process[];
  /** FileFlow / FileEvent: the file `fileOID` names. */
  readonly file: File | undefined;
  /** FileEvent with a `newFileOID` (rename, link, symlink): the target. */
  readonly newFile: File | undefined;
  /** The container of the process (or of the file when there is no process); undefined on the host. */
  readonly container: Container | undefined;
  /** The pod of the container. */
  readonly pod: Pod | undefined;
  /** The header of the trace the record came from. */
  readonly header: Header | undefined;
  /** Where it came from: file path (or "-" for stdin, or a stream name) — informational. */
  readonly source: string;
}

/** JSON replacer that writes bigints as decimal strings — records are otherwise JSON-safe. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
