/** Small readings of record values every consumer shares: addresses, process keys, names, JSON. */
import type { OID } from './entities.ts';

/** Dotted quad of a SysFlow IPv4 int (first octet in the low byte). */
export function ipv4ToString(ip: number): string {
  return `${ip & 0xff}.${(ip >>> 8) & 0xff}.${(ip >>> 16) & 0xff}.${(ip >>> 24) & 0xff}`;
}

/** Inverse of {@link ipv4ToString}: a signed 32-bit int as the Avro schema stores it. */
export function ipv4FromString(s: string): number {
  const p = s.split('.').map(Number);
  return p[0] | (p[1] << 8) | (p[2] << 16) | (p[3] << 24) | 0;
}

/** Stable text key of a process identity, `hpid:createTS`. */
export function oidKey(oid: OID): string {
  return `${oid.hpid}:${oid.createTS}`;
}

/** Last path component (`sf.proc.name` of an exe, `sf.file.name` of a path). */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** Protocol name of an IP protocol number for `network.transport` (lower case, as ECS wants). */
export function transportName(proto: number): string {
  switch (proto) {
    case 6:
      return 'tcp';
    case 17:
      return 'udp';
    case 1:
      return 'icmp';
    case 58:
      return 'ipv6-icmp';
    case 132:
      return 'sctp';
    default:
      return String(proto);
  }
}

/** JSON replacer that writes bigints as decimal strings — records are otherwise JSON-safe. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
