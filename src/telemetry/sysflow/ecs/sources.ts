/**
 * The values the SysFlow → ECS map (`data/sysflow-ecs.json`) may place, by name: the map decides which ECS field gets
 * which value, for which record kinds, in which order; these readers say how a value is read from a processed event
 * (house rule 5: the mapping is data, the reading is code). A reader returns `undefined` when the value is absent —
 * the field is then left out (a record without that part, an entity the trace never described).
 *
 * Three vocabularies: {@link EVENT_SOURCES} read the whole event ({@link EcsContext}); {@link PROCESS_SOURCES} read one
 * process ({@link ProcessSubject}: the record's process or its parent, possibly known only by its identity) and fill
 * the per-process blocks the map caches; {@link PREDICATES} decide whether a group of fields applies.
 */
import {
  baseName,
  fileTypeChar,
  ipv4ToString,
  opFlagNames,
  openFlagNames,
  OpFlag,
  SF_TYPE,
  transportName,
  type EventRecord,
  type FileFlow,
  type NetworkFlow,
  type OID,
  type Process,
  type ResolvedEvent,
} from '../records/index.ts';
import { nsToIso } from '../format/print.ts';
import type { ProcessedEvent } from '../processor/types.ts';
import { alertFields, type AlertFields } from './alert.ts';
import { classify, has } from './classify.ts';
import { communityId } from './community-id.ts';

/** What every reader of one document sees: the event, its record, the node, and what is computed once per event. */
export interface EcsContext {
  readonly processed: ProcessedEvent;
  readonly event: ResolvedEvent;
  readonly record: EventRecord;
  /** The exporter (node) id of the trace header, "" when there is none. */
  readonly node: string;
  readonly classification: ReturnType<typeof classify>;
  /** The rule, tag and threat fields when a rule matched. */
  readonly alert: AlertFields | undefined;
}

/** The context of a processed event. */
export function ecsContext(p: ProcessedEvent): EcsContext {
  const record = p.event.record;
  return {
    processed: p,
    event: p.event,
    record,
    node: p.event.header?.exporter ?? '',
    classification: classify(record),
    alert: p.matches.length > 0 ? alertFields(p.matches) : undefined,
  };
}

/** A process as the per-process blocks read it: its identity, its record when the trace described it, the node. */
export interface ProcessSubject {
  readonly oid: OID;
  readonly process: Process | undefined;
  readonly node: string;
}

/** `process.entity_id`: stable across files and exporters for one process of one node. */
export function entityId(node: string, hpid: number, createTS: bigint): string {
  return `${node || 'sf'}:${hpid}:${createTS}`;
}

/** sf-processor writes `<NA>` for a user or group name it could not resolve. */
const NA = '<NA>';

function splitArgs(s: string): string[] {
  const t = s.trim();
  return t === '' ? [] : t.split(/\s+/);
}

function endOf(r: EventRecord): bigint {
  return 'endTs' in r && r.endTs > 0n ? r.endTs : r.ts;
}

type Flow = FileFlow | NetworkFlow;
const flow = (c: EcsContext): Flow => c.record as Flow;
const net = (c: EcsContext) => c.record as Extract<EventRecord, { kind: 'NetworkFlow' | 'NetworkEvent' }>;
/** The process accepted the connection: it is the destination (else the source, for connect or unknown). */
const atDestination = (c: EcsContext): boolean => has(flow(c).opFlags, OpFlag.ACCEPT);
const isNetworkFlow = (c: EcsContext): boolean => c.record.kind === 'NetworkFlow';

/** `file.*` of the event's file: ECS names only file, dir and symlink (a SYMLINK event). */
function fileType(c: EcsContext): string | undefined {
  const f = c.event.file;
  if (!f) return undefined;
  if (c.record.kind === 'FileEvent' && has(c.record.opFlags, OpFlag.SYMLINK)) return 'symlink';
  const t = fileTypeChar(f.restype);
  return t === 'f' ? 'file' : t === 'd' ? 'dir' : undefined;
}

/** Last component of an absolute path; a relative path is its own name. */
function fileName(path: string): string {
  return path.startsWith('/') ? path.slice(path.lastIndexOf('/') + 1) : path;
}

function imageTag(image: string): string | undefined {
  const colon = image.lastIndexOf(':');
  return colon > 0 && !image.slice(colon).includes('/') ? image.slice(colon + 1) : undefined;
}

/** Readers of the whole event, by the names the map uses. */
export const EVENT_SOURCES = {
  'time.start': (c: EcsContext) => nsToIso(c.record.ts),
  'time.end': (c: EcsContext) => nsToIso(endOf(c.record)),
  'time.duration': (c: EcsContext) => Number(endOf(c.record) - c.record.ts),

  'event.kind': (c: EcsContext) => (c.alert ? 'alert' : 'event'),
  'event.category': (c: EcsContext) => c.classification.category,
  'event.type': (c: EcsContext) => c.classification.type,
  'event.action': (c: EcsContext) => c.classification.action,
  'event.source': (c: EcsContext) => c.event.source,

  'record.sf_type': (c: EcsContext) => SF_TYPE[c.record.kind],
  'record.ret': (c: EcsContext) => ('ret' in c.record ? c.record.ret : undefined),
  'record.tid': (c: EcsContext) => ('tid' in c.record ? c.record.tid : undefined),
  'record.opflags': (c: EcsContext) => ('opFlags' in c.record ? c.record.opFlags : undefined),
  'record.opflag_names': (c: EcsContext) =>
    'opFlags' in c.record ? opFlagNames(c.record.opFlags) : undefined,
  'record.fd': (c: EcsContext) => flow(c).fd,
  'record.openflag_names': (c: EcsContext) => openFlagNames((c.record as FileFlow).openFlags),
  'record.file_oid': (c: EcsContext) => (c.record as Extract<EventRecord, { fileOID: string }>).fileOID,
  'record.new_file_oid': (c: EcsContext) =>
    (c.record as Extract<EventRecord, { kind: 'FileEvent' }>).newFileOID || undefined,
  'record.args': (c: EcsContext) => {
    const args = (c.record as Extract<EventRecord, { kind: 'ProcessEvent' }>).args;
    return args.length > 0 ? [...args] : undefined;
  },

  'flow.rbytes': (c: EcsContext) => flow(c).numRRecvBytes,
  'flow.rops': (c: EcsContext) => flow(c).numRRecvOps,
  'flow.wbytes': (c: EcsContext) => flow(c).numWSendBytes,
  'flow.wops': (c: EcsContext) => flow(c).numWSendOps,

  'threads.cloned': (c: EcsContext) =>
    (c.record as Extract<EventRecord, { kind: 'ProcessFlow' }>).numThreadsCloned,
  'threads.exited': (c: EcsContext) =>
    (c.record as Extract<EventRecord, { kind: 'ProcessFlow' }>).numThreadsExited,
  'threads.clone_errors': (c: EcsContext) =>
    (c.record as Extract<EventRecord, { kind: 'ProcessFlow' }>).numCloneErrors,

  'k8s.kind': (c: EcsContext) => (c.record as Extract<EventRecord, { kind: 'K8sEvent' }>).k8sKind,
  'k8s.action': (c: EcsContext) => (c.record as Extract<EventRecord, { kind: 'K8sEvent' }>).action,
  'k8s.message': (c: EcsContext) => (c.record as Extract<EventRecord, { kind: 'K8sEvent' }>).message,

  /** The node as host name and id (absent when the header names none). */
  'header.node': (c: EcsContext) => c.node || undefined,
  /** The header's ip as a list, when it is an address. */
  'header.ip_list': (c: EcsContext) => {
    const ip = c.event.header?.ip;
    return ip && /^\d{1,3}(\.\d{1,3}){3}$|:/.test(ip) ? [ip] : undefined;
  },
  'header.exporter': (c: EcsContext) => c.event.header?.exporter,
  'header.ip': (c: EcsContext) => c.event.header?.ip,
  'header.version': (c: EcsContext) => c.event.header?.version,

  'container.id': (c: EcsContext) => c.event.container?.id,
  'container.name': (c: EcsContext) => c.event.container?.name,
  /** The image without its tag (`alpine:latest` → `alpine`). */
  'container.image_name': (c: EcsContext) => {
    const image = c.event.container?.image;
    if (image === undefined) return undefined;
    return imageTag(image) === undefined ? image : image.slice(0, image.lastIndexOf(':'));
  },
  'container.image_id': (c: EcsContext) => c.event.container?.imageid,
  /** The image tag as a list (`alpine:latest` → `[latest]`). */
  'container.image_tag': (c: EcsContext) => {
    const tag = c.event.container && imageTag(c.event.container.image);
    return tag === undefined ? undefined : [tag];
  },
  /** `CT_DOCKER` → `docker`. */
  'container.runtime': (c: EcsContext) => c.event.container?.type.replace(/^CT_/, '').toLowerCase(),
  'container.privileged': (c: EcsContext) => c.event.container?.privileged,

  /** `kubernetes` for an event in a pod or a Kubernetes event. */
  'orchestrator.type': (c: EcsContext) =>
    c.event.pod || c.record.kind === 'K8sEvent' ? 'kubernetes' : undefined,
  /** `pod` for an event in a pod; for a Kubernetes event the kind of object (`K8S_PODS` → `pod`). */
  'orchestrator.resource_type': (c: EcsContext) => {
    if (c.event.pod) return 'pod';
    if (c.record.kind !== 'K8sEvent') return undefined;
    return c.record.k8sKind.replace(/^K8S_/, '').toLowerCase().replace(/s$/, '');
  },
  'pod.namespace': (c: EcsContext) => c.event.pod?.namespace,
  'pod.name': (c: EcsContext) => c.event.pod?.name,
  'pod.id': (c: EcsContext) => c.event.pod?.id,

  'process.entry': (c: EcsContext) => c.event.process?.entry,
  /** Names of the ancestors, parent first (only with more than one). */
  'process.anames': (c: EcsContext) =>
    c.event.process && c.event.ancestors.length > 1
      ? c.event.ancestors.map((a) => baseName(a.exe))
      : undefined,

  'file.type': fileType,
  'file.path': (c: EcsContext) => c.event.file?.path || undefined,
  'file.name': (c: EcsContext) => (c.event.file?.path ? fileName(c.event.file.path) : undefined),
  'file.directory': (c: EcsContext) => {
    const path = c.event.file?.path;
    if (!path?.startsWith('/')) return undefined;
    const i = path.lastIndexOf('/');
    return i === 0 ? '/' : path.slice(0, i);
  },
  'file.extension': (c: EcsContext) => {
    const path = c.event.file?.path;
    if (!path?.startsWith('/')) return undefined;
    const name = fileName(path);
    const dot = name.lastIndexOf('.');
    return dot > 0 ? name.slice(dot + 1) : undefined;
  },
  'file.target_path': (c: EcsContext) => c.event.newFile?.path,
  /** SysFlow's one-character file type (`f`, `d`, `p`, `u`, …). */
  'file.type_char': (c: EcsContext) => (c.event.file ? fileTypeChar(c.event.file.restype) : undefined),

  'net.sip': (c: EcsContext) => ipv4ToString(net(c).sip),
  'net.dip': (c: EcsContext) => ipv4ToString(net(c).dip),
  'net.sport': (c: EcsContext) => net(c).sport,
  'net.dport': (c: EcsContext) => net(c).dport,
  'net.transport': (c: EcsContext) => transportName(net(c).proto),
  'net.iana_number': (c: EcsContext) => String(net(c).proto),
  'net.community_id': (c: EcsContext) => {
    const r = net(c);
    return communityId(r.sip, r.sport, r.dip, r.dport, r.proto);
  },
  /** ECS `source.bytes` is what the source sent: the process's own sends on its side, its receives on the other. */
  'net.source_bytes': (c: EcsContext) =>
    isNetworkFlow(c) ? (atDestination(c) ? flow(c).numRRecvBytes : flow(c).numWSendBytes) : undefined,
  'net.source_packets': (c: EcsContext) =>
    isNetworkFlow(c) ? (atDestination(c) ? flow(c).numRRecvOps : flow(c).numWSendOps) : undefined,
  'net.destination_bytes': (c: EcsContext) =>
    isNetworkFlow(c) ? (atDestination(c) ? flow(c).numWSendBytes : flow(c).numRRecvBytes) : undefined,
  'net.destination_packets': (c: EcsContext) =>
    isNetworkFlow(c) ? (atDestination(c) ? flow(c).numWSendOps : flow(c).numRRecvOps) : undefined,
  'net.bytes': (c: EcsContext) =>
    isNetworkFlow(c) ? flow(c).numRRecvBytes + flow(c).numWSendBytes : undefined,
  'net.packets': (c: EcsContext) =>
    isNetworkFlow(c) ? flow(c).numRRecvOps + flow(c).numWSendOps : undefined,

  'alert.severity': (c: EcsContext) => c.alert?.severity,
  'alert.reason': (c: EcsContext) =>
    c.alert ? c.processed.matches.map((m) => m.name).join(', ') : undefined,
  'alert.rule': (c: EcsContext) => c.alert?.rule,
  'alert.threat': (c: EcsContext) => c.alert?.threat,
  'alert.tags': (c: EcsContext) => c.alert?.tags,
  /** Every matched rule with its priority and tags. */
  'alert.rules': (c: EcsContext) =>
    c.alert
      ? c.processed.matches.map((m) => ({ name: m.name, priority: m.priority, tags: [...m.tags] }))
      : undefined,
} satisfies Record<string, (c: EcsContext) => unknown>;

export type EventSourceName = keyof typeof EVENT_SOURCES;

/** Readers of one process, by the names the map's blocks use. */
export const PROCESS_SOURCES = {
  pid: (s: ProcessSubject) => s.oid.hpid,
  entity_id: (s: ProcessSubject) => entityId(s.node, s.oid.hpid, s.oid.createTS),
  /** The clone time, left out when the collector recorded 0. */
  start: (s: ProcessSubject) => (s.oid.createTS > 0n ? nsToIso(s.oid.createTS) : undefined),
  exe: (s: ProcessSubject) => s.process?.exe,
  name: (s: ProcessSubject) => (s.process ? baseName(s.process.exe) : undefined),
  /** argv as ECS wants it: the executable, then the arguments split on whitespace. */
  args: (s: ProcessSubject) => (s.process ? [s.process.exe, ...splitArgs(s.process.exeArgs)] : undefined),
  args_count: (s: ProcessSubject) => (s.process ? 1 + splitArgs(s.process.exeArgs).length : undefined),
  command_line: (s: ProcessSubject) =>
    s.process ? (s.process.exeArgs ? `${s.process.exe} ${s.process.exeArgs}` : s.process.exe) : undefined,
  cwd: (s: ProcessSubject) => s.process?.cwd || undefined,
  tty: (s: ProcessSubject) => s.process?.tty,
  /** User and group ids as strings (ECS keywords). */
  uid: (s: ProcessSubject) => (s.process ? String(s.process.uid) : undefined),
  gid: (s: ProcessSubject) => (s.process ? String(s.process.gid) : undefined),
  user_name: (s: ProcessSubject) =>
    s.process?.userName && s.process.userName !== NA ? s.process.userName : undefined,
  group_name: (s: ProcessSubject) =>
    s.process?.groupName && s.process.groupName !== NA ? s.process.groupName : undefined,
} satisfies Record<string, (s: ProcessSubject) => unknown>;

export type ProcessSourceName = keyof typeof PROCESS_SOURCES;

/** The processes a block may describe: the record's own (none for a Kubernetes event) and its parent. */
export const SUBJECTS = {
  process: (c: EcsContext): ProcessSubject | undefined =>
    c.record.kind === 'K8sEvent'
      ? undefined
      : { oid: c.event.process?.oid ?? c.record.procOID, process: c.event.process, node: c.node },
  /** Only for a known process that has a parent identity. */
  parent: (c: EcsContext): ProcessSubject | undefined => {
    const poid = c.event.process?.poid;
    return poid ? { oid: c.event.parent?.oid ?? poid, process: c.event.parent, node: c.node } : undefined;
  },
} satisfies Record<string, (c: EcsContext) => ProcessSubject | undefined>;

export type SubjectName = keyof typeof SUBJECTS;

/** Conditions of field groups. */
export const PREDICATES = {
  /** A file flow that moved data (sf-processor's `sf_file_action`). */
  'flow.moved': (c: EcsContext) => {
    const r = flow(c);
    return r.numRRecvBytes > 0 || r.numRRecvOps > 0 || r.numWSendBytes > 0 || r.numWSendOps > 0;
  },
} satisfies Record<string, (c: EcsContext) => boolean>;

export type PredicateName = keyof typeof PREDICATES;
