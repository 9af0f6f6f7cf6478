/** The bit sets and character codes of SysFlow records: operation flags, open flags, file types. */

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
