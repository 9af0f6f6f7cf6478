/**
 * Text forms of SysFlow records for `sysflow read`: one JSON object per line (bigints as decimal strings) or one
 * table row, each with the type name and the resolved process / file / container.
 */
import {
  baseName,
  bigintReplacer,
  fileTypeChar,
  ipv4ToString,
  opFlagNames,
  transportName,
  type EventRecord,
  type Process,
  type ResolvedEvent,
  type SysFlowRecord,
} from '../records/index.ts';
import type { ReadItem } from './resolver.ts';

function procSummary(p: Process | undefined): Record<string, unknown> | undefined {
  return (
    p && {
      pid: p.oid.hpid,
      createTS: p.oid.createTS,
      exe: p.exe,
      args: p.exeArgs,
      user: p.userName,
      uid: p.uid,
      containerId: p.containerId,
    }
  );
}

/** The JSON object `sysflow read --format jsonl` prints for one record. */
export function itemToJson(item: ReadItem): Record<string, unknown> {
  const ev = item.event;
  if (!ev) return { type: item.record.kind, record: item.record };
  return {
    type: item.record.kind,
    record: item.record,
    process: procSummary(ev.process),
    parent: procSummary(ev.parent),
    file: ev.file && { path: ev.file.path, type: fileTypeChar(ev.file.restype) },
    newFile: ev.newFile && { path: ev.newFile.path, type: fileTypeChar(ev.newFile.restype) },
    container: ev.container && { id: ev.container.id, name: ev.container.name, image: ev.container.image },
  };
}

export function itemToJsonLine(item: ReadItem): string {
  return JSON.stringify(itemToJson(item), bigintReplacer);
}

let lastSec = Number.NaN;
let lastPrefix = '';

/** ISO-8601 time of a nanosecond timestamp, with the nanoseconds kept. Consecutive calls in one second are cheap. */
export function nsToIso(ns: bigint): string {
  if (ns < 0n) {
    const ms = ns / 1_000_000n;
    return new Date(Number(ms)).toISOString();
  }
  const secBig = ns / 1_000_000_000n;
  const frac = Number(ns - secBig * 1_000_000_000n);
  const sec = Number(secBig);
  if (sec !== lastSec) {
    lastSec = sec;
    lastPrefix = new Date(sec * 1000).toISOString().slice(0, 19);
  }
  return `${lastPrefix}.${String(frac).padStart(9, '0')}Z`;
}

function detail(r: EventRecord, ev: ResolvedEvent): string {
  switch (r.kind) {
    case 'NetworkFlow':
    case 'NetworkEvent':
      return (
        `${transportName(r.proto)} ${ipv4ToString(r.sip)}:${r.sport} -> ${ipv4ToString(r.dip)}:${r.dport}` +
        (r.kind === 'NetworkFlow' ? ` r=${r.numRRecvBytes}B w=${r.numWSendBytes}B` : ` ret=${r.ret}`)
      );
    case 'FileFlow':
      return `${ev.file?.path ?? r.fileOID} fd=${r.fd} r=${r.numRRecvBytes}B w=${r.numWSendBytes}B`;
    case 'FileEvent':
      return `${ev.file?.path ?? r.fileOID}${ev.newFile ? ` -> ${ev.newFile.path}` : ''} ret=${r.ret}`;
    case 'ProcessEvent':
      return `${ev.process ? `${ev.process.exe} ${ev.process.exeArgs}`.trim() : ''}${r.args.length ? ` [${r.args.join(' ')}]` : ''} ret=${r.ret}`;
    case 'ProcessFlow':
      return `threads +${r.numThreadsCloned} -${r.numThreadsExited}`;
    case 'K8sEvent':
      return `${r.k8sKind} ${r.action}`;
  }
}

function entityDetail(r: Exclude<SysFlowRecord, EventRecord>): string {
  switch (r.kind) {
    case 'Header':
      return `v${r.version} exporter=${r.exporter} ip=${r.ip} ${r.filename}`;
    case 'Container':
      return `${r.id} ${r.name} ${r.image} ${r.type}${r.privileged ? ' privileged' : ''}`;
    case 'Process':
      return `${r.state} pid=${r.oid.hpid} ppid=${r.poid?.hpid ?? '-'} ${r.exe} ${r.exeArgs}`.trim();
    case 'File':
      return `${r.state} ${fileTypeChar(r.restype)} ${r.path}`;
    case 'Pod':
      return `${r.namespace}/${r.name} node=${r.nodeName}`;
  }
}

export const TABLE_HEADER = ['TYPE', 'TIME', 'PID', 'PROCESS', 'OPS', 'CONTAINER', 'DETAIL'];

/** Table cells for one record. */
export function itemToRow(item: ReadItem): string[] {
  const ev = item.event;
  if (!ev) {
    const r = item.record;
    const ts = 'ts' in r ? nsToIso(r.ts) : '';
    return [r.kind, ts, '', '', '', '', entityDetail(r)];
  }
  const r = ev.record;
  const pid = r.kind === 'K8sEvent' ? '' : String(r.procOID.hpid);
  return [
    r.kind,
    nsToIso(r.ts),
    pid,
    ev.process ? baseName(ev.process.exe) : '',
    'opFlags' in r ? opFlagNames(r.opFlags).join(',') : '',
    ev.container?.name ?? '',
    detail(r, ev),
  ];
}
