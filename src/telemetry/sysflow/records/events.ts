/**
 * The event and flow records of a SysFlow trace, the closed union of every record kind, and the kinds in Avro union
 * order (the branch index of the `SysFlow.rec` union).
 */
import type { EntityRecord, K8sAction, K8sComponent, OID } from './entities.ts';

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
