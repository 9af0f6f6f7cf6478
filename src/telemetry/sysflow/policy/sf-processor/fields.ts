/**
 * sf-processor 0.7.0's field mapper over Peregrine's resolved events: every name its policy engine knows (the `sf.*`
 * attributes and the Falco names it maps) with the value that engine computes for it, in the three forms its
 * operators read —
 *
 * - `text`: what string comparisons, `in` and `pmatch` see. Numbers print in decimal (`sf.proc.uid = 00` is false),
 *   `sf.proc.tty`/`sf.proc.entry` and the file open tests print `true`/`false`, `sf.container.privileged` prints
 *   `1`/`0`, a parent's tty prints `0` when there is no parent; multi-valued attributes are one text joined by commas;
 *   every text loses one leading and one trailing quote character.
 * - `int`: what `<`, `<=`, `>`, `>=` see: the value when sf-processor holds it as a 64-bit integer, else 0 — so an
 *   ordering on a string attribute, on a boolean, or on a parent's uid/gid (cached as 32-bit) always reads 0.
 * - `present`: what `exists` sees: the raw value is not its type's zero.
 *
 * Values follow sf-processor where they differ from Peregrine's own attributes (docs/conformance.md lists each):
 * `sf.proc.cmdline` always has the space after the exe; the ancestry attributes (`sf.proc.aname`, …) start with the
 * process itself and, with the parent attributes (`sf.pproc.name`, …), are frozen when the process's first event is
 * seen; `sf.container.type` is `DOCKER` outside containers; network attributes of other records read
 * `0.0.0.0`/`0`; `sf.file.name` of a record without a file is `.`; `sf.file.path` of a socket written
 * `a->b /path` is `/path`; `sf.opflags` spells the read/write bits the way the first record with the same flags did.
 * A name missing here is no attribute for sf-processor: it reads as its own text.
 */
import {
  ipv4ToString,
  oidKey,
  SF_TYPE,
  type Header,
  type Pod,
  type Process,
  type ResolvedEvent,
} from '../../records/index.ts';
import { openFlagStrings, opFlagStrings } from '../attributes.ts';
import { goBase, goDir, trimBoundingQuotes } from './go.ts';

/** One name of sf-processor's field mapper. */
export interface SfpField {
  readonly name: string;
  /** The compared text, before sf-processor splits it at commas. */
  readonly text: (ev: ResolvedEvent) => string;
  /** The text split at commas (the text itself when it has none): what the operators compare, piece by piece. */
  readonly pieces: (ev: ResolvedEvent) => Pieces;
  /** The integer ordering comparisons read. */
  readonly int: (ev: ResolvedEvent) => number | bigint;
  /** `exists`: the raw value is not zero. */
  readonly present: (ev: ResolvedEvent) => boolean;
  /** The untrimmed text of a text-valued field, which a `[path]` suffix reads as JSON. */
  readonly raw?: (ev: ResolvedEvent) => string;
}

/** A compared text cut at its commas; a text without a comma is its only piece (no array is built for it). */
export type Pieces = string | readonly string[];

/** sf-processor splits every compared text at its commas. */
export function commaPieces(s: string): Pieces {
  return s.indexOf(',') < 0 ? s : s.split(',');
}

/**
 * `fn` with its results remembered for the first `max` distinct arguments: values that repeat across events (flag
 * names, directories of the same files) are computed once, and memory stays bounded whatever the trace.
 */
function remembered<T>(fn: (s: string) => T, max = 4096): (s: string) => T {
  const seen = new Map<string, T>();
  return (s) => {
    let v = seen.get(s);
    if (v === undefined) {
      v = fn(s);
      if (seen.size < max) seen.set(s, v);
    }
    return v;
  };
}

/** A field's getters before the shared ones (memoised text, its pieces) are added. */
type FieldCore = Omit<SfpField, 'pieces'>;

/** Go's `string(rune)` key of sf-apis' flag-name caches: invalid code points all become U+FFFD. */
function runeKey(v: number): number {
  return v < 0 || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff ? 0xfffd : v;
}

/**
 * The state sf-processor's evaluation carries from record to record: the process-tree cache (a process's ancestry
 * is looked up once, at its first event, and reused until the next trace file's header) and sf-apis' flag-name
 * caches (keyed by the flag value alone, so the record type that first shows a value decides READ vs RECV).
 * One per engine; {@link observe} must see every event, in order, before it is evaluated.
 */
export class SfpState {
  private header: Header | undefined;
  /** hpid → createTS → the process and its ancestors (two levels, so no key text is built per event). */
  private readonly ptrees = new Map<number, Map<bigint, readonly Process[]>>();
  private readonly opflags = new Map<number, string>();
  private readonly openflags = new Map<number, string>();

  /** Records what sf-processor's reader does for every event before the policy engine sees it. */
  observe(ev: ResolvedEvent): void {
    if (ev.header !== this.header) {
      this.header = ev.header;
      this.ptrees.clear();
    }
    this.ptree(ev);
  }

  /** The process first, then its ancestors, as they stood at the process's first event. */
  ptree(ev: ResolvedEvent): readonly Process[] | undefined {
    const p = ev.process;
    if (!p) return undefined;
    let byTs = this.ptrees.get(p.oid.hpid);
    if (!byTs) this.ptrees.set(p.oid.hpid, (byTs = new Map()));
    let t = byTs.get(p.oid.createTS);
    if (!t) {
      t = Object.freeze([p, ...ev.ancestors]);
      byTs.set(p.oid.createTS, t);
    }
    return t;
  }

  opflagsText(ev: ResolvedEvent): string {
    const flags = (ev.record as { opFlags?: number }).opFlags ?? 0;
    const key = runeKey(flags);
    let t = this.opflags.get(key);
    if (t === undefined) {
      t = opFlagStrings(flags, ev.record.kind === 'NetworkFlow').join(',');
      this.opflags.set(key, t);
    }
    return t;
  }

  openflagsText(flags: number): string {
    const key = runeKey(flags);
    let t = this.openflags.get(key);
    if (t === undefined) {
      t = openFlagStrings(flags).join(',');
      this.openflags.set(key, t);
    }
    return t;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Field builders, one per kind of raw value sf-processor's mapper returns

type Get<T> = (ev: ResolvedEvent) => T;
const ZERO: Get<number> = () => 0;

/** Remembers the last event's value (rules evaluated one after the other read the same attributes). */
function memo<T>(get: Get<T>): Get<T> {
  let last: ResolvedEvent | undefined;
  let value: T;
  return (ev) => {
    if (ev !== last) {
      value = get(ev);
      last = ev;
    }
    return value;
  };
}

/** A Go string. */
function str(name: string, get: Get<string>): FieldCore {
  const raw = memo(get);
  return {
    name,
    raw,
    text: memo((ev) => trimBoundingQuotes(raw(ev))),
    int: ZERO,
    present: (ev) => raw(ev) !== '',
  };
}

/** A Go int64; `asBool` prints it as true/false (what sf-processor does for sf.proc.tty and sf.proc.entry). */
function int64(name: string, get: Get<number | bigint>, asBool = false): FieldCore {
  const text: Get<string> = asBool ? (ev) => (get(ev) != 0 ? 'true' : 'false') : (ev) => String(get(ev));
  return { name, text, int: get, present: (ev) => get(ev) != 0 };
}

/** A Go bool. */
function bool(name: string, get: Get<boolean>): FieldCore {
  return { name, text: (ev) => (get(ev) ? 'true' : 'false'), int: ZERO, present: get };
}

/** A pointer to a list (the `+` pod fields): no text, no number; present with the pod. */
function pointer(name: string, get: Get<unknown>): FieldCore {
  return { name, text: () => '', int: ZERO, present: (ev) => get(ev) != null };
}

/** A parent value from the process-tree cache: the parent's int32/bool, or an int64 0 without a parent. */
function cachedParent(name: string, state: SfpState, get: (p: Process) => number | boolean): FieldCore {
  const parent: Get<Process | undefined> = (ev) => state.ptree(ev)?.[1];
  return {
    name,
    text: (ev) => {
      const p = parent(ev);
      return p ? String(get(p)) : '0';
    },
    int: ZERO,
    present: (ev) => {
      const p = parent(ev);
      return p ? get(p) !== 0 && get(p) !== false : false;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Readers of the flat record sf-processor builds

const exe = (p: Process | undefined): string => (p ? p.exe.trim() : '');
const args = (p: Process | undefined): string => (p ? p.exeArgs.trim() : '');
const cmdlineOf = (p: Process): string => (args(p) ? `${exe(p)} ${args(p)}` : exe(p));
const flow = (ev: ResolvedEvent) =>
  ev.record.kind === 'FileFlow' || ev.record.kind === 'NetworkFlow' ? ev.record : undefined;
const net = (ev: ResolvedEvent) => (ev.record.kind === 'NetworkFlow' ? ev.record : undefined);

/**
 * A socket's path as the collector writes it, `ffff…->ffff… /path`: the path and the `src->dst` part, read the
 * way sf-processor scans them (hex numbers of at most 64 bits, then one space-free word); anything else is the path.
 */
export function symPath(orig: string): { path: string; link: string } {
  const m = /^\s*([0-9a-fA-F]+)(->|-\\u)([0-9a-fA-F]+)\s*(\S+)/.exec(orig);
  if (m) {
    const a = BigInt('0x' + m[1]);
    const b = BigInt('0x' + m[3]);
    if (a < 2n ** 64n && b < 2n ** 64n)
      return { path: m[4], link: `${a.toString(16)}${m[2]}${b.toString(16)}` };
  }
  return { path: orig, link: '' };
}

/** Go's json.Marshal escaping of `<`, `>`, `&` and the two line separators. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** sf-processor's text of a pod IP list: each address quoted, with no separator (`["10.0.0.1""10.0.0.2"]`). */
function ipListText(ips: readonly number[] | undefined): string {
  if (!ips) return '';
  return '[' + ips.map((ip) => `"${ipv4ToString(ip)}"`).join('') + ']';
}

function servicesText(pod: Pod | undefined): string {
  if (!pod) return '';
  return goJson(
    pod.services.map((s) => ({
      name: s.name,
      id: s.id,
      namespace: s.namespace,
      portList: s.portList.map((p) => ({
        port: p.port,
        targetPort: p.targetPort,
        nodePort: p.nodePort,
        proto: p.proto,
      })),
      clusterIP: s.clusterIP,
    })),
  );
}

/** Every name sf-processor's field mapper knows, over one engine's {@link SfpState}. */
export function sfProcessorFields(state: SfpState): ReadonlyMap<string, SfpField> {
  const dir = remembered(goDir);
  // sf-processor finds the container (and through it the pod) only through the event's process.
  const container = (ev: ResolvedEvent) => (ev.process ? ev.container : undefined);
  const pod = (ev: ResolvedEvent) => (ev.process ? ev.pod : undefined);
  const filePath = (ev: ResolvedEvent): string => (ev.file ? ev.file.path.trim() : '');
  const newPath = (ev: ResolvedEvent): string => (ev.newFile ? ev.newFile.path.trim() : '');
  const poid = (ev: ResolvedEvent) => ev.process?.poid ?? undefined;
  const ptree = (ev: ResolvedEvent) => state.ptree(ev);
  const parentStr = (get: (p: Process) => string) => (ev: ResolvedEvent) => {
    const p = ptree(ev)?.[1];
    return p ? get(p) : '';
  };
  const ancestry = (get: (p: Process) => string) => (ev: ResolvedEvent) =>
    ptree(ev)?.map(get).join(',') ?? '';
  const openFlags = (ev: ResolvedEvent): number => (ev.record.kind === 'FileFlow' ? ev.record.openFlags : 0);
  const opflags: Get<string> = (ev) => state.opflagsText(ev);
  const recType: Get<string> = (ev) => SF_TYPE[ev.record.kind];
  const ts: Get<bigint> = (ev) => ev.record.ts;
  const pid: Get<number> = (ev) => ev.process?.oid.hpid ?? 0;
  const tid: Get<number> = (ev) => (ev.record as { tid?: number }).tid ?? 0;
  const uid: Get<number> = (ev) => ev.process?.uid ?? 0;
  const gid: Get<number> = (ev) => ev.process?.gid ?? 0;
  const user: Get<string> = (ev) => ev.process?.userName ?? '';
  const group: Get<string> = (ev) => ev.process?.groupName ?? '';
  const procExe: Get<string> = (ev) => exe(ev.process);
  const procName: Get<string> = (ev) => goBase(exe(ev.process));
  const procArgs: Get<string> = (ev) => args(ev.process);
  const cmdline: Get<string> = (ev) => `${exe(ev.process)} ${args(ev.process)}`;
  const ppid: Get<number> = (ev) => poid(ev)?.hpid ?? 0;
  const pcreate: Get<bigint> = (ev) => poid(ev)?.createTS ?? 0n;
  const fileType: Get<string> = (ev) => String.fromCharCode(ev.file?.restype ?? 0);
  const fileDir: Get<string> = (ev) => dir(symPath(filePath(ev)).path);
  const fileName: Get<string> = (ev) => goBase(filePath(ev));
  const openRead: Get<boolean> = (ev) => (openFlags(ev) & 1) !== 0;
  const openWrite: Get<boolean> = (ev) => (openFlags(ev) & 2) !== 0;
  const proto: Get<number> = (ev) => net(ev)?.proto ?? 0;
  const sport: Get<number> = (ev) => net(ev)?.sport ?? 0;
  const dport: Get<number> = (ev) => net(ev)?.dport ?? 0;
  const sip: Get<string> = (ev) => ipv4ToString(net(ev)?.sip ?? 0);
  const dip: Get<string> = (ev) => ipv4ToString(net(ev)?.dip ?? 0);
  const fd: Get<number> = (ev) => flow(ev)?.fd ?? 0;
  const contType: Get<string> = (ev) => (container(ev)?.type ?? 'CT_DOCKER').replace(/^CT_/, '');
  const privileged: Get<number> = (ev) => (container(ev)?.privileged ? 1 : 0);
  const parentTty = (p: Process): boolean => p.tty;
  const ke = (ev: ResolvedEvent) => (ev.record.kind === 'K8sEvent' ? ev.record : undefined);

  const fields: FieldCore[] = [
    str('sf.type', recType),
    str('sf.opflags', opflags),
    int64('sf.ret', (ev) =>
      ev.record.kind === 'ProcessEvent' || ev.record.kind === 'FileEvent' ? ev.record.ret : 0,
    ),
    int64('sf.ts', ts),
    int64('sf.endts', (ev) => {
      const r = ev.record;
      return r.kind === 'FileFlow' || r.kind === 'NetworkFlow' ? r.endTs : r.kind === 'K8sEvent' ? r.ts : 0n;
    }),
    str('sf.proc.oid', (ev) => (ev.process ? oidKey(ev.process.oid) : '0:0')),
    int64('sf.proc.pid', pid),
    str('sf.proc.name', procName),
    str('sf.proc.exe', procExe),
    str('sf.proc.args', procArgs),
    int64('sf.proc.uid', uid),
    str('sf.proc.user', user),
    int64('sf.proc.tid', tid),
    int64('sf.proc.gid', gid),
    str('sf.proc.group', group),
    int64('sf.proc.createts', (ev) => ev.process?.oid.createTS ?? 0n),
    int64('sf.proc.tty', (ev) => (ev.process?.tty ? 1 : 0), true),
    int64('sf.proc.entry', (ev) => (ev.process?.entry ? 1 : 0), true),
    str('sf.proc.cmdline', cmdline),
    str('sf.proc.aname', memo(ancestry((p) => goBase(exe(p))))),
    str('sf.proc.aexe', memo(ancestry(exe))),
    str('sf.proc.acmdline', memo(ancestry(cmdlineOf))),
    str('sf.proc.apid', memo(ancestry((p) => String(p.oid.hpid)))),
    str('sf.pproc.oid', (ev) => {
      const o = poid(ev);
      return o ? oidKey(o) : '0:0';
    }),
    int64('sf.pproc.pid', ppid),
    str(
      'sf.pproc.name',
      parentStr((p) => goBase(exe(p))),
    ),
    str('sf.pproc.exe', parentStr(exe)),
    str('sf.pproc.args', parentStr(args)),
    cachedParent('sf.pproc.uid', state, (p) => p.uid),
    str(
      'sf.pproc.user',
      parentStr((p) => p.userName),
    ),
    cachedParent('sf.pproc.gid', state, (p) => p.gid),
    str(
      'sf.pproc.group',
      parentStr((p) => p.groupName),
    ),
    int64('sf.pproc.createts', pcreate),
    cachedParent('sf.pproc.tty', state, parentTty),
    cachedParent('sf.pproc.entry', state, (p) => p.entry),
    str('sf.pproc.cmdline', parentStr(cmdlineOf)),
    str('sf.file.name', fileName),
    str('sf.file.path', (ev) => symPath(filePath(ev)).path),
    str('sf.file.symlink', (ev) => symPath(filePath(ev)).link),
    str('sf.file.oid', (ev) => ev.file?.oid ?? ''),
    str('sf.file.directory', fileDir),
    str('sf.file.newname', (ev) => goBase(newPath(ev))),
    str('sf.file.newpath', (ev) => symPath(newPath(ev)).path),
    str('sf.file.newsymlink', (ev) => symPath(newPath(ev)).link),
    str('sf.file.newoid', (ev) => ev.newFile?.oid ?? ''),
    str('sf.file.newdirectory', (ev) => dir(symPath(newPath(ev)).path)),
    str('sf.file.type', fileType),
    bool('sf.file.is_open_write', openWrite),
    bool('sf.file.is_open_read', openRead),
    int64('sf.file.fd', fd),
    str('sf.file.openflags', (ev) => state.openflagsText(openFlags(ev))),
    int64('sf.net.proto', proto),
    int64('sf.net.sport', sport),
    int64('sf.net.dport', dport),
    str('sf.net.port', (ev) => `${sport(ev)},${dport(ev)}`),
    str('sf.net.sip', sip),
    str('sf.net.dip', dip),
    str('sf.net.ip', (ev) => `${sip(ev)},${dip(ev)}`),
    int64('sf.flow.rbytes', (ev) => flow(ev)?.numRRecvBytes ?? 0),
    int64('sf.flow.rops', (ev) => flow(ev)?.numRRecvOps ?? 0),
    int64('sf.flow.wbytes', (ev) => flow(ev)?.numWSendBytes ?? 0),
    int64('sf.flow.wops', (ev) => flow(ev)?.numWSendOps ?? 0),
    str('sf.container.id', (ev) => container(ev)?.id ?? ''),
    str('sf.container.name', (ev) => container(ev)?.name.trim() ?? ''),
    str('sf.container.imageid', (ev) => container(ev)?.imageid ?? ''),
    str('sf.container.image', (ev) => container(ev)?.image.trim() ?? ''),
    str('sf.container.type', contType),
    int64('sf.container.privileged', privileged),
    int64('sf.pod.ts', (ev) => pod(ev)?.ts ?? 0n),
    str('sf.pod.id', (ev) => pod(ev)?.id ?? ''),
    str('sf.pod.name', (ev) => pod(ev)?.name.trim() ?? ''),
    str('sf.pod.nodename', (ev) => pod(ev)?.nodeName.trim() ?? ''),
    str('sf.pod.namespace', (ev) => pod(ev)?.namespace.trim() ?? ''),
    int64('sf.pod.restartcnt', (ev) => pod(ev)?.restartCount ?? 0),
    str('sf.pod.hostip', (ev) => ipListText(pod(ev)?.hostIP)),
    pointer('sf.pod.hostip+', pod),
    str('sf.pod.internalip', (ev) => ipListText(pod(ev)?.internalIP)),
    pointer('sf.pod.internalip+', pod),
    str(
      'sf.pod.services',
      memo((ev) => servicesText(pod(ev))),
    ),
    pointer('sf.pod.services+', pod),
    str('sf.ke.action', (ev) => ke(ev)?.action ?? 'K8S_COMPONENT_ADDED'),
    str('sf.ke.kind', (ev) => ke(ev)?.k8sKind ?? 'K8S_NODES'),
    str('sf.ke.message', (ev) => ke(ev)?.message ?? ''),
    str('sf.node.id', (ev) => ev.header?.exporter ?? ''),
    str('sf.node.ip', (ev) => ev.header?.ip ?? ''),
    int64('sf.meta.schema', (ev) => ev.header?.version ?? 0),
    str('sf.meta.tracename', (ev) => goBase(ev.header?.filename ?? '')),

    // Falco names sf-processor maps (its meanings, some of them not Falco's: proc.tty is the parent's tty,
    // proc.createtime the parent's creation time, fd.name the file's base name, evt.type the opflags names).
    str('evt.type', opflags),
    str('evt.rawres', recType),
    int64('evt.rawtime', ts),
    str('evt.dir', () => '>,<'),
    bool('evt.is_open_read', openRead),
    bool('evt.is_open_write', openWrite),
    int64('evt.arg.uid', uid),
    str('fd.typechar', fileType),
    str('fd.directory', fileDir),
    str('fd.name', fileName),
    str('fd.filename', fileName),
    ...['fd.proto', 'fd.lproto', 'fd.l4proto', 'fd.rproto', 'fd.sproto', 'fd.cproto'].map((n) =>
      int64(n, proto),
    ),
    int64('fd.sport', sport),
    int64('fd.dport', dport),
    str('fd.sip', sip),
    str('fd.dip', dip),
    str('fd.ip', (ev) => `${sip(ev)},${dip(ev)}`),
    str('fd.port', (ev) => `${sport(ev)},${dport(ev)}`),
    int64('fd.num', fd),
    str('user.name', user),
    int64('proc.pid', pid),
    int64('proc.tid', tid),
    int64('proc.gid', gid),
    int64('proc.uid', uid),
    str('proc.group', group),
    cachedParent('proc.tty', state, parentTty),
    str('proc.user', user),
    str('proc.exe', procExe),
    str('proc.name', procName),
    str('proc.args', procArgs),
    int64('proc.createtime', pcreate),
    str('proc.cmdline', cmdline),
    str('proc.aname', memo(ancestry((p) => goBase(exe(p))))),
    str('proc.apid', memo(ancestry((p) => String(p.oid.hpid)))),
    int64('proc.ppid', ppid),
    cachedParent('proc.pgid', state, (p) => p.gid),
    cachedParent('proc.puid', state, (p) => p.uid),
    str(
      'proc.pgroup',
      parentStr((p) => p.groupName),
    ),
    cachedParent('proc.ptty', state, parentTty),
    str(
      'proc.puser',
      parentStr((p) => p.userName),
    ),
    str('proc.pexe', parentStr(exe)),
    str('proc.pargs', parentStr(args)),
    int64('proc.pcreatetime', pcreate),
    str(
      'proc.pname',
      parentStr((p) => goBase(exe(p))),
    ),
    str('proc.pcmdline', parentStr(cmdlineOf)),
    str('container.id', (ev) => container(ev)?.id ?? ''),
    str('container.image.id', (ev) => container(ev)?.imageid ?? ''),
    str('container.image', (ev) => container(ev)?.image.trim() ?? ''),
    str('container.name', (ev) => container(ev)?.name.trim() ?? ''),
    str('container.type', contType),
    int64('container.privileged', privileged),
  ];
  return new Map(
    fields.map((f) => {
      const text = memo(f.text);
      const cut = remembered(commaPieces);
      return [f.name, { ...f, text, pieces: memo((ev) => cut(text(ev))) }];
    }),
  );
}

/** The names sf-processor's mapper knows (a fresh state's table; names do not depend on the state). */
export const SFP_FIELD_NAMES: ReadonlySet<string> = new Set(sfProcessorFields(new SfpState()).keys());
