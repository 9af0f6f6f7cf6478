/**
 * SysFlow → ECS 8.x: one document per processed event. The field-by-field mapping and its reasons are in
 * `docs/sysflow-ecs.md`; in short:
 * - ECS fields where ECS has them (`process.*` with `parent`, `entity_id` and an `args` array, `user.*`, `file.*`,
 *   `source`/`destination`/`network.transport`, `container.*`, `orchestrator.*`, `host.*`, `event.*` with array
 *   `category`/`type`, `rule.*`, `threat.*`, `tags`);
 * - the four fields sf-processor's own ECS encoder writes outside ECS and that existing SysFlow consumers (and the
 *   STIX↔ECS map) read: `event.sf_type`, `event.sf_ret`, `container.sf_privileged`, `sf_file_action.*`;
 * - everything SysFlow-specific under `sysflow.*` (opflags, open flags, fd, flow counters, k8s event, node, rules).
 * Sub-objects for processes and users are cached per process record and shared between documents: treat documents
 * as read-only (every exporter serialises them).
 * A rule match makes the document an alert: `event.kind: alert`, `event.severity` (1 low, 2 medium, 3 high),
 * `event.reason`, `rule.name`, `tags` (the rules' tags plus each `mitre:Txxxx` as a bare `Txxxx`), and
 * `threat.technique.id/name` + `threat.tactic.name` from the ATT&CK table.
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
  type Process,
} from '../records/index.ts';
import { technique, techniqueIdOfTag } from '../policy/attack.ts';
import { nsToIso } from '../format/print.ts';
import { severityOf, type ProcessedEvent, type RuleMatch } from '../processor/types.ts';
import { classify, has } from './classify.ts';
import { communityId } from './community-id.ts';

/** ECS version the documents follow. */
export const ECS_VERSION = '8.11.0';

/** An ECS document (plain JSON; no bigint inside). */
export type EcsDocument = Record<string, unknown>;

const NA = '<NA>';

/** `process.entity_id`: stable across files and exporters for one process of one node. */
export function entityId(node: string, hpid: number, createTS: bigint): string {
  return `${node || 'sf'}:${hpid}:${createTS}`;
}

function splitArgs(s: string): string[] {
  const t = s.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/** The per-process part of `process.*` (or `process.parent.*`), cached per process record and node. */
const procCache = new WeakMap<Process, { node: string; fields: Readonly<Record<string, unknown>> }>();
function processBlock(p: Process, node: string): Readonly<Record<string, unknown>> {
  const hit = procCache.get(p);
  if (hit && hit.node === node) return hit.fields;
  const args = [p.exe, ...splitArgs(p.exeArgs)];
  const out: Record<string, unknown> = {
    pid: p.oid.hpid,
    entity_id: entityId(node, p.oid.hpid, p.oid.createTS),
  };
  if (p.oid.createTS > 0n) out.start = nsToIso(p.oid.createTS);
  out.executable = p.exe;
  out.name = baseName(p.exe);
  out.args = args;
  out.args_count = args.length;
  out.command_line = p.exeArgs ? `${p.exe} ${p.exeArgs}` : p.exe;
  if (p.cwd) out.working_directory = p.cwd;
  out.interactive = p.tty;
  procCache.set(p, { node, fields: out });
  return out;
}

function processFields(
  p: Process | undefined,
  node: string,
  pid: number,
  createTS: bigint,
): Record<string, unknown> {
  if (p) return { ...processBlock(p, node) };
  const out: Record<string, unknown> = { pid, entity_id: entityId(node, pid, createTS) };
  if (createTS > 0n) out.start = nsToIso(createTS);
  return out;
}

const userCache = new WeakMap<Process, Readonly<Record<string, unknown>>>();
function userFields(p: Process): Readonly<Record<string, unknown>> {
  const hit = userCache.get(p);
  if (hit) return hit;
  const group: Record<string, unknown> = { id: String(p.gid) };
  if (p.groupName && p.groupName !== NA) group.name = p.groupName;
  const user: Record<string, unknown> = { id: String(p.uid), group };
  if (p.userName && p.userName !== NA) user.name = p.userName;
  userCache.set(p, user);
  return user;
}

/** `process.parent.*` of a parent record (cached: shared by every document of its children — never mutated). */
const parentCache = new WeakMap<Process, { node: string; fields: Readonly<Record<string, unknown>> }>();
function parentFields(
  par: Process | undefined,
  node: string,
  poid: { hpid: number; createTS: bigint },
): Readonly<Record<string, unknown>> {
  if (!par) return processFields(undefined, node, poid.hpid, poid.createTS);
  const hit = parentCache.get(par);
  if (hit && hit.node === node) return hit.fields;
  const fields = { ...processBlock(par, node), user: userFields(par) };
  parentCache.set(par, { node, fields });
  return fields;
}

function fileFields(path: string, restype: number, symlink: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const t = fileTypeChar(restype);
  if (symlink) out.type = 'symlink';
  else if (t === 'f') out.type = 'file';
  else if (t === 'd') out.type = 'dir';
  if (path) {
    out.path = path;
    if (path.startsWith('/')) {
      const i = path.lastIndexOf('/');
      out.name = path.slice(i + 1);
      out.directory = i === 0 ? '/' : path.slice(0, i);
      const dot = out.name && (out.name as string).lastIndexOf('.');
      if (typeof dot === 'number' && dot > 0) out.extension = (out.name as string).slice(dot + 1);
    } else out.name = path;
  }
  return out;
}

/** Threat, tag and rule fields of the matched rules (empty object when none). */
export function alertFields(matches: readonly RuleMatch[]): Record<string, unknown> {
  if (matches.length === 0) return {};
  const tags: string[] = [];
  const techIds: string[] = [];
  let severity = 0;
  for (const m of matches) {
    severity = Math.max(severity, severityOf(m.priority));
    for (const t of m.tags) {
      if (!tags.includes(t)) tags.push(t);
      const id = techniqueIdOfTag(t);
      if (id && !techIds.includes(id)) techIds.push(id);
    }
  }
  for (const id of techIds) if (!tags.includes(id)) tags.push(id);
  const out: Record<string, unknown> = {
    rule:
      matches.length === 1
        ? {
            name: matches[0].name,
            ...(matches[0].description ? { description: matches[0].description } : {}),
          }
        : { name: matches.map((m) => m.name) },
    tags,
    severity,
  };
  if (techIds.length > 0) {
    const names: string[] = [];
    const tactics: string[] = [];
    for (const id of techIds) {
      const t = technique(id);
      names.push(t?.name ?? id);
      for (const tac of t?.tactics ?? []) if (!tactics.includes(tac)) tactics.push(tac);
    }
    const threat: Record<string, unknown> = {
      framework: 'MITRE ATT&CK',
      technique: {
        id: techIds,
        name: names,
        reference: techIds.map((id) => `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`),
      },
    };
    if (tactics.length > 0) threat.tactic = { name: tactics };
    out.threat = threat;
  }
  return out;
}

/** The ECS document of a processed event. */
export function toEcs(p: ProcessedEvent): EcsDocument {
  const ev = p.event;
  const r = ev.record;
  const node = ev.header?.exporter ?? '';
  const { category, type, action } = classify(r);
  const start = r.ts;
  const end = 'endTs' in r && r.endTs > 0n ? r.endTs : start;
  const event: Record<string, unknown> = {
    kind: p.matches.length > 0 ? 'alert' : 'event',
    module: 'sysflow',
    category,
    type,
    action,
    start: nsToIso(start),
    end: nsToIso(end),
    duration: Number(end - start),
    sf_type: SF_TYPE[r.kind],
  };
  if ('ret' in r) event.sf_ret = r.ret;
  const doc: EcsDocument = {
    '@timestamp': nsToIso(start),
    ecs: { version: ECS_VERSION },
    agent: { type: 'SysFlow' },
    event,
  };

  const host: Record<string, unknown> = {};
  if (node) host.name = host.id = node;
  const hip = ev.header?.ip;
  if (hip && /^\d{1,3}(\.\d{1,3}){3}$|:/.test(hip)) host.ip = [hip];
  if (Object.keys(host).length > 0) doc.host = host;

  const c = ev.container;
  if (c) {
    const colon = c.image.lastIndexOf(':');
    const hasTag = colon > 0 && !c.image.slice(colon).includes('/');
    const image: Record<string, unknown> = {
      name: hasTag ? c.image.slice(0, colon) : c.image,
      id: c.imageid,
    };
    if (hasTag) image.tag = [c.image.slice(colon + 1)];
    doc.container = {
      id: c.id,
      name: c.name,
      image,
      runtime: c.type.replace(/^CT_/, '').toLowerCase(),
      sf_privileged: c.privileged,
    };
  }
  if (ev.pod) {
    doc.orchestrator = {
      type: 'kubernetes',
      namespace: ev.pod.namespace,
      resource: { type: 'pod', name: ev.pod.name, id: ev.pod.id },
    };
  }

  const sysflow: Record<string, unknown> = { type: SF_TYPE[r.kind], source: ev.source };
  if (ev.header)
    sysflow.node = { id: ev.header.exporter, ip: ev.header.ip, schema_version: ev.header.version };

  if (r.kind !== 'K8sEvent') {
    const proc = processFields(ev.process, node, r.procOID.hpid, r.procOID.createTS);
    if ('tid' in r) proc.thread = { id: r.tid };
    if (ev.process) {
      doc.user = userFields(ev.process);
      const poid = ev.process.poid;
      if (poid) proc.parent = parentFields(ev.parent, node, poid);
      sysflow.proc = {
        entry: ev.process.entry,
        ...(ev.ancestors.length > 1 ? { anames: ev.ancestors.map((a) => baseName(a.exe)) } : {}),
      };
    }
    doc.process = proc;
    sysflow.opflags = opFlagNames(r.opFlags);
    sysflow.opflags_mask = r.opFlags;
  }

  switch (r.kind) {
    case 'FileFlow': {
      doc.file = ev.file ? fileFields(ev.file.path, ev.file.restype, false) : {};
      sysflow.file = {
        fd: r.fd,
        openflags: openFlagNames(r.openFlags),
        ...(ev.file ? { type: fileTypeChar(ev.file.restype) } : {}),
        oid: r.fileOID,
      };
      sysflow.flow = {
        rbytes: r.numRRecvBytes,
        rops: r.numRRecvOps,
        wbytes: r.numWSendBytes,
        wops: r.numWSendOps,
      };
      if (r.numRRecvBytes > 0 || r.numRRecvOps > 0 || r.numWSendBytes > 0 || r.numWSendOps > 0) {
        doc.sf_file_action = {
          bytes_read: r.numRRecvBytes,
          read_ops: r.numRRecvOps,
          bytes_written: r.numWSendBytes,
          write_ops: r.numWSendOps,
        };
      }
      break;
    }
    case 'FileEvent': {
      const file = ev.file ? fileFields(ev.file.path, ev.file.restype, has(r.opFlags, OpFlag.SYMLINK)) : {};
      if (ev.newFile) file.target_path = ev.newFile.path;
      doc.file = file;
      sysflow.file = {
        oid: r.fileOID,
        ...(ev.file ? { type: fileTypeChar(ev.file.restype) } : {}),
        ...(r.newFileOID ? { new_oid: r.newFileOID } : {}),
      };
      break;
    }
    case 'NetworkFlow':
    case 'NetworkEvent': {
      const sip = ipv4ToString(r.sip);
      const dip = ipv4ToString(r.dip);
      const src: Record<string, unknown> = { ip: sip, address: sip, port: r.sport };
      const dst: Record<string, unknown> = { ip: dip, address: dip, port: r.dport };
      const network: Record<string, unknown> = {
        transport: transportName(r.proto),
        iana_number: String(r.proto),
        type: 'ipv4',
        community_id: communityId(r.sip, r.sport, r.dip, r.dport, r.proto),
      };
      if (r.kind === 'NetworkFlow') {
        // The process is the accepting side when it accepted; otherwise it is the source (connect, or unknown).
        const atDest = has(r.opFlags, OpFlag.ACCEPT);
        const local = atDest ? dst : src;
        const remote = atDest ? src : dst;
        local.bytes = r.numWSendBytes;
        local.packets = r.numWSendOps;
        remote.bytes = r.numRRecvBytes;
        remote.packets = r.numRRecvOps;
        network.bytes = r.numRRecvBytes + r.numWSendBytes;
        network.packets = r.numRRecvOps + r.numWSendOps;
        sysflow.flow = {
          rbytes: r.numRRecvBytes,
          rops: r.numRRecvOps,
          wbytes: r.numWSendBytes,
          wops: r.numWSendOps,
        };
        sysflow.file = { fd: r.fd };
      }
      doc.source = src;
      doc.destination = dst;
      doc.network = network;
      break;
    }
    case 'ProcessFlow':
      sysflow.threads = {
        cloned: r.numThreadsCloned,
        exited: r.numThreadsExited,
        clone_errors: r.numCloneErrors,
      };
      break;
    case 'K8sEvent':
      sysflow.ke = { kind: r.k8sKind, action: r.action, message: r.message };
      if (!doc.orchestrator)
        doc.orchestrator = {
          type: 'kubernetes',
          resource: { type: r.k8sKind.replace(/^K8S_/, '').toLowerCase().replace(/s$/, '') },
        };
      break;
    case 'ProcessEvent':
      if (r.args.length > 0) sysflow.args = [...r.args];
      break;
  }

  if (p.matches.length > 0) {
    const a = alertFields(p.matches);
    event.severity = a.severity;
    event.reason = p.matches.map((m) => m.name).join(', ');
    doc.rule = a.rule;
    if (a.threat) doc.threat = a.threat;
    doc.tags = a.tags;
    sysflow.rules = p.matches.map((m) => ({ name: m.name, priority: m.priority, tags: [...m.tags] }));
  }
  doc.sysflow = sysflow;
  return doc;
}
