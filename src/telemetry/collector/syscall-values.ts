/**
 * Values as system calls give them → values as SysFlow records hold them: Linux open flags → sysdig's portable PPM
 * flags, a path → its file object id, a path relative to a working directory → an absolute one, an IPv6-mapped or
 * loopback address → the IPv4 dotted quad SysFlow stores.
 */
import { createHash } from 'node:crypto';
import { OpenFlag } from '../sysflow/records/index.ts';

/** Linux O_* open flags → SysFlow's portable PPM open flags. */
export function linuxToPpmOpenFlags(f: number): number {
  let out = 0;
  const acc = f & 3;
  if (acc === 0) out |= OpenFlag.RDONLY;
  else if (acc === 1) out |= OpenFlag.WRONLY;
  else if (acc === 2) out |= OpenFlag.RDWR;
  if (f & 0o100) out |= OpenFlag.CREAT;
  if (f & 0o200) out |= OpenFlag.EXCL;
  if (f & 0o1000) out |= OpenFlag.TRUNC;
  if (f & 0o2000) out |= OpenFlag.APPEND;
  if (f & 0o4000) out |= OpenFlag.NONBLOCK;
  if (f & 0o10000) out |= OpenFlag.DSYNC;
  if (f & 0o40000) out |= OpenFlag.DIRECT;
  if (f & 0o100000) out |= OpenFlag.LARGEFILE;
  if (f & 0o200000) out |= OpenFlag.DIRECTORY;
  if (f & 0o2000000) out |= OpenFlag.CLOEXEC;
  if ((f & 0o4010000) === 0o4010000) out |= OpenFlag.SYNC;
  if ((f & 0o20200000) === 0o20200000) out |= OpenFlag.TMPFILE;
  return out;
}

/** SysFlow file object id: SHA-1 of the path and the container id, as 40 hex digits. */
export function fileOid(path: string, containerId: string | null): string {
  return createHash('sha1')
    .update(path)
    .update(containerId ?? '')
    .digest('hex');
}

/** `p` resolved against the working directory; kept as given when the directory is unknown (as SysFlow does). */
export function joinPath(dir: string, p: string): string {
  if (p.startsWith('/')) return normalize(p);
  if (!dir) return p;
  return normalize(`${dir}/${p}`);
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** The IPv4 dotted quad of a socket address (`::ffff:a.b.c.d`, `::1` → loopback); `0.0.0.0` for other IPv6. */
export function ipv4Of(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (m) return m[1]!;
  if (ip === '::1') return '127.0.0.1';
  return /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip : '0.0.0.0';
}
