/**
 * The system calls the tracing drivers ask for, and the raw event each one becomes: one table for the strace driver
 * (kernel names, `strace -e trace=`) and the scap replay driver (sysdig event types, `evt.type in (…)`). Each driver
 * parses its own text format but dispatches on the role given here, so both lift the same calls the same way.
 */

export type Tracer = 'strace' | 'sysdig';

/**
 * Per role (what the call becomes in the raw event stream, see `../raw.ts`), the calls that play it. `name:tracer`
 * is a name only that tracer knows (sysdig says `pread`, strace `pread64`; sysdig's `procexit` is no system call).
 */
const ROLES = {
  clone: 'clone clone3 fork vfork',
  exec: 'execve execveat:strace',
  exit: 'procexit:sysdig',
  open: 'open openat openat2:sysdig creat',
  read: 'read readv pread:sysdig pread64:strace preadv:sysdig recvfrom recvmsg',
  write: 'write writev pwrite:sysdig pwrite64:strace pwritev:sysdig sendto sendmsg',
  transfer: 'sendfile copy_file_range:strace splice:strace',
  connect: 'connect',
  accept: 'accept accept4',
  close: 'close',
  shutdown: 'shutdown',
  mmap: 'mmap',
  dup: 'dup dup2 dup3',
  mkdir: 'mkdir mkdirat',
  rmdir: 'rmdir',
  unlink: 'unlink unlinkat',
  rename: 'rename renameat renameat2',
  link: 'link linkat',
  symlink: 'symlink symlinkat',
  setuid: 'setuid setresuid',
  setns: 'setns',
} as const;

export type SyscallRole = keyof typeof ROLES;

/** The path operation of a path role (the `op` of a `fileop` raw event). */
export const PATH_OP = {
  mkdir: 'MKDIR',
  rmdir: 'RMDIR',
  unlink: 'UNLINK',
  rename: 'RENAME',
  link: 'LINK',
  symlink: 'SYMLINK',
} as const satisfies Partial<Record<SyscallRole, string>>;

interface Entry {
  readonly name: string;
  readonly role: SyscallRole;
  readonly only?: Tracer;
}

const ENTRIES: readonly Entry[] = Object.entries(ROLES).flatMap(([role, names]) =>
  names.split(' ').map((n) => {
    const [name, only] = n.split(':') as [string, Tracer | undefined];
    return { name, role: role as SyscallRole, ...(only ? { only } : {}) };
  }),
);

const known = (e: Entry, tracer: Tracer): boolean => e.only === undefined || e.only === tracer;

const BY_TRACER: Readonly<Record<Tracer, ReadonlyMap<string, SyscallRole>>> = {
  strace: new Map(ENTRIES.filter((e) => known(e, 'strace')).map((e) => [e.name, e.role])),
  sysdig: new Map(ENTRIES.filter((e) => known(e, 'sysdig')).map((e) => [e.name, e.role])),
};

/** The role of the call `name` as `tracer` names it, or undefined for a call no driver lifts. */
export function syscallRole(name: string, tracer: Tracer): SyscallRole | undefined {
  return BY_TRACER[tracer].get(name);
}

/** The names `tracer` is asked to trace: every call of the table it knows, but those playing a role in `except`. */
export function syscallNames(tracer: Tracer, except: readonly SyscallRole[] = []): string[] {
  return ENTRIES.filter((e) => known(e, tracer) && !except.includes(e.role)).map((e) => e.name);
}
