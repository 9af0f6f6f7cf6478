/**
 * The attribute table: every `sf.*` attribute of sf-processor's policy language (names and meaning from
 * sf-processor's POLICIES.md and its field mapper) as data — name, value type, one-line doc and a getter over
 * H5's {@link ResolvedEvent}. Getters are chosen once at compile time; predicates never look names up per event.
 *
 * Value types: `str` (string), `strs` (multi-valued: any element may match — `sf.opflags`, `sf.proc.aname`, …),
 * `int` (number), `big` (bigint nanosecond timestamps), `bool`. A missing entity reads as the zero value
 * ("" / 0 / false / []), as in sf-processor.
 *
 * Deliberate differences from sf-processor (documented in docs/sysflow-policy.md):
 * - `sf.container.type` is `host` for records outside any container (sf-processor reads the zero enum, `DOCKER`,
 *   so its own `sf.container.type = host` filter never matches);
 * - `sf.proc.cmdline` has no trailing space when there are no arguments;
 * - `sf.net.*` of a non-network record and `sf.file.*` of a non-file record read "" rather than "0.0.0.0" / ".".
 */
import {
  SF_TYPE,
  baseName,
  fileTypeChar,
  ipv4ToString,
  oidKey,
  OpFlag,
  OpenFlag,
  type EventRecord,
  type File,
  type Process,
  type ResolvedEvent,
} from '../records/index.ts';

export type AttrType = 'str' | 'strs' | 'int' | 'big' | 'bool';
export type AttrValue = string | readonly string[] | number | bigint | boolean;

export interface AttributeDef {
  readonly name: string;
  readonly type: AttrType;
  readonly doc: string;
  readonly get: (ev: ResolvedEvent) => AttrValue;
  /** Values are JSON text: a `[path]` suffix selects inside it (`sf.ke.message[items.0.namespace]`). */
  readonly json?: boolean;
  /** Symbolic literals this attribute accepts besides numbers (e.g. `sf.net.proto = udp`). */
  readonly literals?: Readonly<Record<string, number>>;
  /** Set when the attribute is a Falco field name (alias or Falco-specific derivation). */
  readonly falco?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Small readers

const rec = (ev: ResolvedEvent): EventRecord => ev.record;
const TYPE_OF = new Map<string, string>(Object.entries(SF_TYPE));
const NET_KINDS = new Set(['NetworkFlow', 'NetworkEvent']);

const opFlagNameCache = new Map<number, readonly string[]>();
/** Names of the opflags bits as sf-processor spells them: READ_RECV is RECV on network records, READ elsewhere. */
export function opFlagStrings(opFlags: number, network: boolean): readonly string[] {
  const key = network ? -opFlags - 1 : opFlags;
  let v = opFlagNameCache.get(key);
  if (!v) {
    const out: string[] = [];
    for (const [name, bit] of Object.entries(OpFlag)) {
      if (!(opFlags & bit)) continue;
      if (name === 'READ_RECV') out.push(network ? 'RECV' : 'READ');
      else if (name === 'WRITE_SEND') out.push(network ? 'SEND' : 'WRITE');
      else out.push(name);
    }
    v = Object.freeze(out);
    opFlagNameCache.set(key, v);
  }
  return v;
}

const openFlagCache = new Map<number, readonly string[]>();
/** Open flag names as sf-processor lists them (RDWR also lists RDONLY and WRONLY; 0 is NONE). */
export function openFlagStrings(flags: number): readonly string[] {
  let v = openFlagCache.get(flags);
  if (!v) {
    const out: string[] = flags === 0 ? ['NONE'] : [];
    for (const [name, bits] of Object.entries(OpenFlag)) if ((flags & bits) === bits) out.push(name);
    v = Object.freeze(out);
    openFlagCache.set(flags, v);
  }
  return v;
}

/** Go's filepath.Dir for absolute paths, "" for "". */
export function dirName(path: string): string {
  if (path === '') return '';
  const i = path.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return path.slice(0, i);
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const pidOf = (ev: ResolvedEvent): number => ('procOID' in ev.record ? ev.record.procOID.hpid : 0);
const createOf = (ev: ResolvedEvent): bigint => ('procOID' in ev.record ? ev.record.procOID.createTS : 0n);
const cmdline = (p: Process | undefined): string => (p ? (p.exeArgs ? `${p.exe} ${p.exeArgs}` : p.exe) : '');
const fileOf = (ev: ResolvedEvent): File | undefined => ev.file;
const flowCounter =
  (field: 'numRRecvOps' | 'numWSendOps' | 'numRRecvBytes' | 'numWSendBytes') =>
  (ev: ResolvedEvent): number => {
    const r = rec(ev);
    return r.kind === 'NetworkFlow' || r.kind === 'FileFlow' ? r[field] : 0;
  };
const netInt =
  (field: 'sport' | 'dport' | 'proto') =>
  (ev: ResolvedEvent): number => {
    const r = rec(ev);
    return r.kind === 'NetworkFlow' || r.kind === 'NetworkEvent' ? r[field] : 0;
  };
const netIp =
  (field: 'sip' | 'dip') =>
  (ev: ResolvedEvent): string => {
    const r = rec(ev);
    return r.kind === 'NetworkFlow' || r.kind === 'NetworkEvent' ? ipv4ToString(r[field]) : '';
  };
const EMPTY: readonly string[] = Object.freeze([]);

export const PROTO_NAMES: Readonly<Record<string, number>> = { tcp: 6, udp: 17, icmp: 1, raw: 254 };

function procAttrs(prefix: 'proc' | 'pproc', pick: (ev: ResolvedEvent) => Process | undefined): AttributeDef[] {
  const who = prefix === 'proc' ? 'Process' : 'Parent process';
  const a: AttributeDef[] = [
    { name: `sf.${prefix}.name`, type: 'str', doc: `${who} name (exe without path)`, get: (ev) => baseName(pick(ev)?.exe ?? '') },
    { name: `sf.${prefix}.exe`, type: 'str', doc: `${who} executable path`, get: (ev) => pick(ev)?.exe ?? '' },
    { name: `sf.${prefix}.args`, type: 'str', doc: `${who} arguments`, get: (ev) => pick(ev)?.exeArgs ?? '' },
    { name: `sf.${prefix}.cmdline`, type: 'str', doc: `${who} exe and arguments`, get: (ev) => cmdline(pick(ev)) },
    { name: `sf.${prefix}.uid`, type: 'int', doc: `${who} user id`, get: (ev) => pick(ev)?.uid ?? 0 },
    { name: `sf.${prefix}.user`, type: 'str', doc: `${who} user name`, get: (ev) => pick(ev)?.userName ?? '' },
    { name: `sf.${prefix}.gid`, type: 'int', doc: `${who} group id`, get: (ev) => pick(ev)?.gid ?? 0 },
    { name: `sf.${prefix}.group`, type: 'str', doc: `${who} group name`, get: (ev) => pick(ev)?.groupName ?? '' },
    { name: `sf.${prefix}.tty`, type: 'bool', doc: `${who} has a terminal`, get: (ev) => pick(ev)?.tty ?? false },
    { name: `sf.${prefix}.entry`, type: 'bool', doc: `${who} is its container's entrypoint`, get: (ev) => pick(ev)?.entry ?? false },
  ];
  return a;
}

/** Per-ancestry derived lists, cached on the (shared, resolver-cached) ancestors array. */
const ancestors = <T>(f: (p: Process) => T) => {
  const cache = new WeakMap<readonly Process[], readonly T[]>();
  return (ev: ResolvedEvent): readonly T[] => {
    const a = ev.ancestors;
    if (a.length === 0) return EMPTY as readonly T[];
    let v = cache.get(a);
    if (!v) {
      v = Object.freeze(a.map(f));
      cache.set(a, v);
    }
    return v;
  };
};

/** Every `sf.*` attribute. */
export const SF_ATTRIBUTES: readonly AttributeDef[] = Object.freeze([
  { name: 'sf.type', type: 'str', doc: 'Record type: PE, PF, NF, NE, FF, FE, KE', get: (ev) => TYPE_OF.get(ev.record.kind) ?? '' },
  {
    name: 'sf.opflags',
    type: 'strs',
    doc: 'Operation flags without OP_ (EXEC, OPEN, READ/RECV, WRITE/SEND, …)',
    get: (ev) => opFlagStrings(num((ev.record as { opFlags?: number }).opFlags), NET_KINDS.has(ev.record.kind)),
  },
  {
    name: 'sf.ret',
    type: 'int',
    doc: 'Return code (process, file and network events; 0 otherwise)',
    get: (ev) => {
      const r = rec(ev);
      return r.kind === 'ProcessEvent' || r.kind === 'FileEvent' || r.kind === 'NetworkEvent' ? r.ret : 0;
    },
  },
  { name: 'sf.ts', type: 'big', doc: 'Start timestamp (ns)', get: (ev) => ev.record.ts },
  {
    name: 'sf.endts',
    type: 'big',
    doc: 'End timestamp of a flow (ns); a K8s event its ts; 0 otherwise',
    get: (ev) => {
      const r = rec(ev);
      if (r.kind === 'NetworkFlow' || r.kind === 'FileFlow' || r.kind === 'ProcessFlow') return r.endTs;
      return r.kind === 'K8sEvent' ? r.ts : 0n;
    },
  },
  { name: 'sf.proc.oid', type: 'str', doc: 'Process identity (hpid:createTS)', get: (ev) => ('procOID' in ev.record ? oidKey(ev.record.procOID) : '') },
  { name: 'sf.proc.pid', type: 'int', doc: 'Process id (host)', get: pidOf },
  { name: 'sf.proc.tid', type: 'int', doc: 'Thread id', get: (ev) => num((ev.record as { tid?: number }).tid) },
  { name: 'sf.proc.createts', type: 'big', doc: 'Process creation timestamp (ns)', get: createOf },
  ...procAttrs('proc', (ev) => ev.process),
  { name: 'sf.proc.cwd', type: 'str', doc: 'Process working directory (schema 5; Sigma CurrentDirectory)', get: (ev) => ev.process?.cwd ?? '' },
  { name: 'sf.proc.aname', type: 'strs', doc: 'Ancestor names (parent first)', get: ancestors((p) => baseName(p.exe)) },
  { name: 'sf.proc.aexe', type: 'strs', doc: 'Ancestor executable paths', get: ancestors((p) => p.exe) },
  { name: 'sf.proc.acmdline', type: 'strs', doc: 'Ancestor command lines', get: ancestors((p) => cmdline(p)) },
  { name: 'sf.proc.apid', type: 'strs', doc: 'Ancestor pids', get: ancestors((p) => String(p.oid.hpid)) },
  { name: 'sf.pproc.oid', type: 'str', doc: 'Parent identity (hpid:createTS)', get: (ev) => (ev.process?.poid ? oidKey(ev.process.poid) : '') },
  { name: 'sf.pproc.pid', type: 'int', doc: 'Parent process id', get: (ev) => ev.process?.poid?.hpid ?? 0 },
  { name: 'sf.pproc.createts', type: 'big', doc: 'Parent creation timestamp (ns)', get: (ev) => ev.process?.poid?.createTS ?? 0n },
  ...procAttrs('pproc', (ev) => ev.parent),
  { name: 'sf.file.oid', type: 'str', doc: 'File object id (hex)', get: (ev) => fileOf(ev)?.oid ?? '' },
  { name: 'sf.file.path', type: 'str', doc: 'File path', get: (ev) => fileOf(ev)?.path ?? '' },
  { name: 'sf.file.name', type: 'str', doc: 'File name (last path component)', get: (ev) => baseName(fileOf(ev)?.path ?? '') },
  { name: 'sf.file.directory', type: 'str', doc: 'File directory', get: (ev) => dirName(fileOf(ev)?.path ?? '') },
  { name: 'sf.file.newoid', type: 'str', doc: 'Target file object id (rename, link)', get: (ev) => ev.newFile?.oid ?? '' },
  { name: 'sf.file.newpath', type: 'str', doc: 'Target file path (rename, link, symlink)', get: (ev) => ev.newFile?.path ?? '' },
  { name: 'sf.file.newname', type: 'str', doc: 'Target file name', get: (ev) => baseName(ev.newFile?.path ?? '') },
  { name: 'sf.file.newdirectory', type: 'str', doc: 'Target file directory', get: (ev) => dirName(ev.newFile?.path ?? '') },
  {
    name: 'sf.file.type',
    type: 'str',
    doc: "File type character: f file, d directory, 4/6 IP sockets, u unix socket, p pipe, …",
    get: (ev) => {
      const f = fileOf(ev);
      return f ? fileTypeChar(f.restype) : '';
    },
  },
  {
    name: 'sf.file.is_open_write',
    type: 'bool',
    doc: 'File flow opened for writing',
    get: (ev) => ev.record.kind === 'FileFlow' && (ev.record.openFlags & OpenFlag.WRONLY) !== 0,
  },
  {
    name: 'sf.file.is_open_read',
    type: 'bool',
    doc: 'File flow opened for reading',
    get: (ev) => ev.record.kind === 'FileFlow' && (ev.record.openFlags & OpenFlag.RDONLY) !== 0,
  },
  {
    name: 'sf.file.fd',
    type: 'int',
    doc: 'File descriptor of a file or network flow',
    get: (ev) => (ev.record.kind === 'FileFlow' || ev.record.kind === 'NetworkFlow' ? ev.record.fd : 0),
  },
  {
    name: 'sf.file.openflags',
    type: 'strs',
    doc: 'Open flags (RDONLY, WRONLY, RDWR, CREAT, APPEND, TRUNC, …)',
    get: (ev) => (ev.record.kind === 'FileFlow' ? openFlagStrings(ev.record.openFlags) : EMPTY),
  },
  { name: 'sf.net.proto', type: 'int', doc: 'IP protocol number (6 tcp, 17 udp)', get: netInt('proto'), literals: PROTO_NAMES },
  { name: 'sf.net.sport', type: 'int', doc: 'Source port', get: netInt('sport') },
  { name: 'sf.net.dport', type: 'int', doc: 'Destination port', get: netInt('dport') },
  {
    name: 'sf.net.port',
    type: 'strs',
    doc: 'Source or destination port',
    get: (ev) => (NET_KINDS.has(ev.record.kind) ? [String(netInt('sport')(ev)), String(netInt('dport')(ev))] : EMPTY),
  },
  { name: 'sf.net.sip', type: 'str', doc: 'Source IP (dotted quad)', get: netIp('sip') },
  { name: 'sf.net.dip', type: 'str', doc: 'Destination IP (dotted quad)', get: netIp('dip') },
  {
    name: 'sf.net.ip',
    type: 'strs',
    doc: 'Source or destination IP',
    get: (ev) => (NET_KINDS.has(ev.record.kind) ? [netIp('sip')(ev), netIp('dip')(ev)] : EMPTY),
  },
  {
    name: 'sf.res',
    type: 'str',
    doc: 'File path, or sip:sport-dip:dport of a network record',
    get: (ev) => {
      const r = rec(ev);
      if (r.kind === 'NetworkFlow' || r.kind === 'NetworkEvent') return `${ipv4ToString(r.sip)}:${r.sport}-${ipv4ToString(r.dip)}:${r.dport}`;
      return fileOf(ev)?.path ?? '';
    },
  },
  { name: 'sf.flow.rbytes', type: 'int', doc: 'Bytes read/received by a flow', get: flowCounter('numRRecvBytes') },
  { name: 'sf.flow.rops', type: 'int', doc: 'Read/receive operations of a flow', get: flowCounter('numRRecvOps') },
  { name: 'sf.flow.wbytes', type: 'int', doc: 'Bytes written/sent by a flow', get: flowCounter('numWSendBytes') },
  { name: 'sf.flow.wops', type: 'int', doc: 'Write/send operations of a flow', get: flowCounter('numWSendOps') },
  { name: 'sf.container.id', type: 'str', doc: 'Container id ("" on the host)', get: (ev) => ev.container?.id ?? '' },
  { name: 'sf.container.name', type: 'str', doc: 'Container name', get: (ev) => ev.container?.name ?? '' },
  { name: 'sf.container.image', type: 'str', doc: 'Container image name', get: (ev) => ev.container?.image ?? '' },
  { name: 'sf.container.imageid', type: 'str', doc: 'Container image id', get: (ev) => ev.container?.imageid ?? '' },
  { name: 'sf.container.image.id', type: 'str', doc: 'Container image id (POLICIES.md spelling)', get: (ev) => ev.container?.imageid ?? '' },
  {
    name: 'sf.container.type',
    type: 'str',
    doc: 'Container runtime without CT_ (DOCKER, CRIO, …); host outside containers',
    get: (ev) => (ev.container ? ev.container.type.replace(/^CT_/, '') : 'host'),
  },
  { name: 'sf.container.privileged', type: 'bool', doc: 'Container is privileged', get: (ev) => ev.container?.privileged ?? false },
  { name: 'sf.pod.ts', type: 'big', doc: 'Pod creation timestamp (ns)', get: (ev) => ev.pod?.ts ?? 0n },
  { name: 'sf.pod.id', type: 'str', doc: 'Pod id', get: (ev) => ev.pod?.id ?? '' },
  { name: 'sf.pod.name', type: 'str', doc: 'Pod name', get: (ev) => ev.pod?.name ?? '' },
  { name: 'sf.pod.nodename', type: 'str', doc: 'Node the pod runs on', get: (ev) => ev.pod?.nodeName ?? '' },
  { name: 'sf.pod.namespace', type: 'str', doc: 'Pod namespace', get: (ev) => ev.pod?.namespace ?? '' },
  { name: 'sf.pod.restartcnt', type: 'int', doc: 'Pod restart count', get: (ev) => ev.pod?.restartCount ?? 0 },
  {
    name: 'sf.pod.hostip',
    type: 'str',
    json: true,
    doc: 'Pod host IPs (JSON array of dotted quads)',
    get: (ev) => (ev.pod ? JSON.stringify(ev.pod.hostIP.map(ipv4ToString)) : ''),
  },
  {
    name: 'sf.pod.internalip',
    type: 'str',
    json: true,
    doc: 'Pod internal IPs (JSON array of dotted quads)',
    get: (ev) => (ev.pod ? JSON.stringify(ev.pod.internalIP.map(ipv4ToString)) : ''),
  },
  {
    name: 'sf.pod.services',
    type: 'str',
    json: true,
    doc: 'Pod services (JSON: name, id, namespace, portlist, clusterip)',
    get: (ev) =>
      ev.pod
        ? JSON.stringify(
            ev.pod.services.map((s) => ({
              name: s.name,
              id: s.id,
              namespace: s.namespace,
              portlist: s.portList,
              clusterip: s.clusterIP.map(ipv4ToString),
            })),
          )
        : '',
  },
  { name: 'sf.ke.action', type: 'str', doc: 'Kubernetes event action (K8S_COMPONENT_ADDED, …)', get: (ev) => (ev.record.kind === 'K8sEvent' ? ev.record.action : '') },
  { name: 'sf.ke.kind', type: 'str', doc: 'Kubernetes event resource kind (K8S_PODS, …)', get: (ev) => (ev.record.kind === 'K8sEvent' ? ev.record.k8sKind : '') },
  { name: 'sf.ke.message', type: 'str', json: true, doc: 'Kubernetes event JSON message', get: (ev) => (ev.record.kind === 'K8sEvent' ? ev.record.message : '') },
  { name: 'sf.node.id', type: 'str', doc: 'Node (exporter) id', get: (ev) => ev.header?.exporter ?? '' },
  { name: 'sf.node.ip', type: 'str', doc: 'Node IP', get: (ev) => ev.header?.ip ?? '' },
  { name: 'sf.schema.version', type: 'int', doc: 'SysFlow schema version of the trace', get: (ev) => ev.header?.version ?? 0 },
  { name: 'sf.meta.schema', type: 'int', doc: 'SysFlow schema version (sf-processor field-mapper name)', get: (ev) => ev.header?.version ?? 0 },
  { name: 'sf.meta.tracename', type: 'str', doc: 'Trace file name', get: (ev) => baseName(ev.header?.filename ?? '') },
] satisfies AttributeDef[]);
