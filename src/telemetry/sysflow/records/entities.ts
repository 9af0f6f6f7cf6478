/**
 * The entity records of a SysFlow trace — header, container, process, file, pod — and the identities events refer
 * to them by. Entities update the tables the reader resolves events in (see `../format/resolver.ts`).
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

export type EntityRecord = Header | Container | Process | File | Pod;
