/**
 * Falco field names over SysFlow records. Plain renames come from `falco-fields.json` (validated with zod at load);
 * fields whose Falco meaning differs from the nearest `sf.*` attribute are derived here: `evt.type` lists syscall
 * names (open, openat, execve, …) for the opflags bits, `proc.cmdline` starts with the process name (not the exe
 * path), `container.id` is `host` outside containers, `fd.l4proto` is tcp/udp, `proc.aname[2]` is the grandparent.
 */
import { z } from 'zod';
import aliasData from './falco-fields.json' with { type: 'json' };
import { baseName, fileTypeChar, ipv4ToString, OpFlag, FILE_TYPES, transportName, type Process, type ResolvedEvent } from '../records/index.ts';
import type { AttributeDef } from './attributes.ts';

const FalcoFieldsSchema = z.object({
  aliases: z.record(z.string().regex(/^[a-z0-9_.]+$/), z.string().startsWith('sf.')),
  unmappable: z.record(z.string(), z.string()),
});
export const FALCO_FIELDS = FalcoFieldsSchema.parse(aliasData);

/** Falco syscall names per opflags bit (what `evt.type` compares against). */
const EVT_TYPES: Readonly<Record<keyof typeof OpFlag, readonly string[]>> = {
  CLONE: ['clone', 'clone3', 'fork', 'vfork'],
  EXEC: ['execve', 'execveat'],
  EXIT: ['exit', 'exit_group', 'procexit'],
  SETUID: ['setuid', 'setresuid'],
  SETNS: ['setns'],
  ACCEPT: ['accept', 'accept4'],
  CONNECT: ['connect'],
  OPEN: ['open', 'openat', 'openat2', 'creat'],
  READ_RECV: ['read', 'readv', 'pread', 'preadv', 'recv', 'recvfrom', 'recvmsg', 'recvmmsg'],
  WRITE_SEND: ['write', 'writev', 'pwrite', 'pwritev', 'send', 'sendto', 'sendmsg', 'sendmmsg'],
  CLOSE: ['close'],
  TRUNCATE: ['truncate', 'ftruncate'],
  SHUTDOWN: ['shutdown'],
  MMAP: ['mmap', 'mmap2'],
  DIGEST: [],
  MKDIR: ['mkdir', 'mkdirat'],
  RMDIR: ['rmdir'],
  LINK: ['link', 'linkat'],
  UNLINK: ['unlink', 'unlinkat'],
  SYMLINK: ['symlink', 'symlinkat'],
  RENAME: ['rename', 'renameat', 'renameat2'],
};
const evtTypeCache = new Map<number, readonly string[]>();
function evtTypes(opFlags: number): readonly string[] {
  let v = evtTypeCache.get(opFlags);
  if (!v) {
    const out: string[] = [];
    for (const [name, bit] of Object.entries(OpFlag)) if (opFlags & bit) out.push(...EVT_TYPES[name as keyof typeof OpFlag]);
    v = Object.freeze(out);
    evtTypeCache.set(opFlags, v);
  }
  return v;
}

const FD_TYPE_NAMES: Readonly<Record<string, string>> = { ...FILE_TYPES, e: 'event' };
const falcoCmdline = (p: Process | undefined): string => (p ? (p.exeArgs ? `${baseName(p.exe)} ${p.exeArgs}` : baseName(p.exe)) : '');
const opFlagsOf = (ev: ResolvedEvent): number => (ev.record as { opFlags?: number }).opFlags ?? 0;
const repository = (image: string): string => {
  const at = image.indexOf('@');
  const noDigest = at < 0 ? image : image.slice(0, at);
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
};

/** Falco fields with a SysFlow derivation of their own. */
export const FALCO_DERIVED: readonly AttributeDef[] = Object.freeze([
  { name: 'evt.type', type: 'strs', falco: true, doc: 'Syscall names of the opflags bits', get: (ev) => evtTypes(opFlagsOf(ev)) },
  { name: 'syscall.type', type: 'strs', falco: true, doc: 'Same as evt.type', get: (ev) => evtTypes(opFlagsOf(ev)) },
  {
    name: 'evt.num',
    type: 'int',
    falco: true,
    doc: 'Always 1: SysFlow has no event numbers; keeps never_true (evt.num=0) false and evt.num>=0 true',
    get: () => 1,
  },
  { name: 'evt.dir', type: 'strs', falco: true, doc: 'Both directions (SysFlow records are complete calls)', get: () => ['>', '<'] },
  {
    name: 'evt.res',
    type: 'str',
    falco: true,
    doc: 'SUCCESS, or E<errno> for a negative return code',
    get: (ev) => {
      const r = ev.record as { ret?: number };
      return r.ret !== undefined && r.ret < 0 ? `E${-r.ret}` : 'SUCCESS';
    },
  },
  { name: 'proc.cmdline', type: 'str', falco: true, doc: 'Process name and arguments', get: (ev) => falcoCmdline(ev.process) },
  { name: 'proc.pcmdline', type: 'str', falco: true, doc: 'Parent name and arguments', get: (ev) => falcoCmdline(ev.parent) },
  { name: 'proc.cwd', type: 'str', falco: true, doc: 'Working directory (schema 5)', get: (ev) => ev.process?.cwd ?? '' },
  { name: 'proc.env', type: 'str', falco: true, doc: 'Environment (schema 5), space separated', get: (ev) => ev.process?.env.join(' ') ?? '' },
  { name: 'container.id', type: 'str', falco: true, doc: 'Container id (12 characters), host outside containers', get: (ev) => (ev.container ? ev.container.id.slice(0, 12) : 'host') },
  { name: 'container.name', type: 'str', falco: true, doc: 'Container name, host outside containers', get: (ev) => (ev.container ? ev.container.name : 'host') },
  { name: 'container.image.repository', type: 'str', falco: true, doc: 'Image without tag or digest', get: (ev) => repository(ev.container?.image ?? '') },
  {
    name: 'container.image.tag',
    type: 'str',
    falco: true,
    doc: 'Image tag',
    get: (ev) => {
      const img = ev.container?.image ?? '';
      const repo = repository(img);
      return img.length > repo.length && img[repo.length] === ':' ? img.slice(repo.length + 1).split('@')[0] : '';
    },
  },
  {
    name: 'fd.name',
    type: 'str',
    falco: true,
    doc: 'File path, or sip:sport->dip:dport of a network record',
    get: (ev) => {
      const r = ev.record;
      if (r.kind === 'NetworkFlow' || r.kind === 'NetworkEvent') return `${ipv4ToString(r.sip)}:${r.sport}->${ipv4ToString(r.dip)}:${r.dport}`;
      return ev.file?.path ?? '';
    },
  },
  {
    name: 'fd.type',
    type: 'str',
    falco: true,
    doc: 'file, directory, ipv4, ipv6, unix, pipe, …',
    get: (ev) => {
      const r = ev.record;
      if (r.kind === 'NetworkFlow' || r.kind === 'NetworkEvent') return 'ipv4';
      return ev.file ? (FD_TYPE_NAMES[fileTypeChar(ev.file.restype)] ?? '') : '';
    },
  },
  {
    name: 'fd.sockfamily',
    type: 'str',
    falco: true,
    doc: 'ip or unix',
    get: (ev) => {
      const r = ev.record;
      if (r.kind === 'NetworkFlow' || r.kind === 'NetworkEvent') return 'ip';
      const t = ev.file ? fileTypeChar(ev.file.restype) : '';
      return t === '4' || t === '6' ? 'ip' : t === 'u' ? 'unix' : '';
    },
  },
  ...['fd.l4proto', 'fd.proto', 'fd.lproto', 'fd.rproto', 'fd.sproto', 'fd.cproto'].map(
    (name): AttributeDef => ({
      name,
      type: 'str',
      falco: true,
      doc: 'Transport protocol name (tcp, udp, icmp)',
      get: (ev) => {
        const r = ev.record;
        return r.kind === 'NetworkFlow' || r.kind === 'NetworkEvent' ? transportName(r.proto) : '';
      },
    }),
  ),
] satisfies AttributeDef[]);

/** Falco's indexed ancestor fields: `proc.aname[2]` is the grandparent's name (`[1]` the parent). */
export function indexedAncestor(base: string, index: number): AttributeDef | undefined {
  const pick = (ev: ResolvedEvent): Process | undefined => (index === 0 ? ev.process : ev.ancestors[index - 1]);
  const name = `${base}[${index}]`;
  switch (base) {
    case 'proc.aname':
      return { name, type: 'str', falco: true, doc: `Name of ancestor ${index}`, get: (ev) => baseName(pick(ev)?.exe ?? '') };
    case 'proc.aexe':
    case 'proc.aexepath':
      return { name, type: 'str', falco: true, doc: `Exe of ancestor ${index}`, get: (ev) => pick(ev)?.exe ?? '' };
    case 'proc.apid':
      return { name, type: 'int', falco: true, doc: `Pid of ancestor ${index}`, get: (ev) => pick(ev)?.oid.hpid ?? 0 };
    case 'proc.acmdline':
      return { name, type: 'str', falco: true, doc: `Command line of ancestor ${index}`, get: (ev) => falcoCmdline(pick(ev)) };
    default:
      return undefined;
  }
}

/** Why a Falco field cannot be read from SysFlow, or undefined when it is not a known-unmappable field. */
export function unmappableReason(field: string): string | undefined {
  const table = FALCO_FIELDS.unmappable;
  if (table[field]) return table[field];
  const base = field.replace(/\[.*$/, '');
  if (table[base]) return table[base];
  const parts = base.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const prefix = parts.slice(0, i).join('.');
    if (table[prefix]) return table[prefix];
  }
  return undefined;
}

/** Falco field namespaces: an unknown field in one of these is a Falco field SysFlow cannot supply. */
export const FALCO_NAMESPACES: ReadonlySet<string> = new Set([
  'evt',
  'proc',
  'thread',
  'fd',
  'fdlist',
  'user',
  'group',
  'container',
  'k8s',
  'ka',
  'fs',
  'syscall',
  'span',
  'mesos',
  'marathon',
]);
