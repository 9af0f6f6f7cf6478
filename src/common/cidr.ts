/**
 * IPv4/IPv6 addresses and CIDR blocks, for ISSUBSET/ISSUPERSET wherever they are evaluated or compiled (the STIX
 * matcher, the SQL and cache backends, the hunt cache's `peregrine_in_cidr`, Sigma's `|cidr`). An address without
 * `/n` is a block of one (/32 or /128). Addresses are BigInts so both families share one code path; parsing is
 * strict (no blanks, no zone), callers that read addresses out of data loosen it with {@link addressText}.
 */
export interface Cidr {
  readonly v6: boolean;
  /** The address as a number of 32 (IPv4) or 128 (IPv6) bits. */
  readonly addr: bigint;
  /** IPv4 address as an unsigned 32-bit number (0 for IPv6). */
  readonly v4: number;
  readonly bits: number;
}

/** Dotted quad → unsigned 32-bit number, without allocating (this runs once per value matched). */
function parseV4Number(s: string, end = s.length): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return n * 256 + part;
}

function parseV4(s: string): bigint | undefined {
  const n = parseV4Number(s);
  return n < 0 ? undefined : BigInt(n);
}

function parseV6(s: string): bigint | undefined {
  let head = s;
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) > 0) {
    tailV4 = parseV4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const dbl = head.split('::');
  if (dbl.length > 2) return undefined;
  const left = dbl[0] ? dbl[0].split(':') : [];
  const right = dbl.length === 2 && dbl[1] ? dbl[1].split(':') : [];
  const missing = 8 - left.length - right.length;
  if (missing < 0) return undefined;
  const groups = dbl.length === 2 ? [...left, ...Array(missing).fill('0'), ...right] : left;
  if (groups.length !== 8) return undefined;
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) n = (n & ~0xffffffffn) | tailV4;
  return n;
}

/** An address or a CIDR block (`10.0.0.0/8`, `2001:db8::/32`, `::ffff:10.0.0.1`); undefined when it is neither. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0 && s.indexOf(':') < 0) {
    const v4 = parseV4Number(s);
    return v4 < 0 ? undefined : { v6: false, addr: BigInt(v4), v4, bits: 32 };
  }
  const host = slash < 0 ? s : s.slice(0, slash);
  const v6 = host.includes(':');
  const addr = v6 ? parseV6(host) : parseV4(host);
  if (addr === undefined) return undefined;
  const max = v6 ? 128 : 32;
  let bits = max;
  if (slash >= 0) {
    const b = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b) || Number(b) > max) return undefined;
    bits = Number(b);
  }
  return { v6, addr, v4: v6 ? 0 : Number(addr), bits };
}

/** True when block `inner` lies inside block `outer` (same family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.v6 !== inner.v6 || inner.bits < outer.bits) return false;
  if (!outer.v6) {
    const shift = 32 - outer.bits;
    return shift >= 32 || Math.floor(outer.v4 / 2 ** shift) === Math.floor(inner.v4 / 2 ** shift);
  }
  const shift = BigInt(128 - outer.bits);
  return outer.addr >> shift === inner.addr >> shift;
}

/** The first and the last address of a block, as numbers of 32 or 128 bits. */
export function cidrBounds(c: Cidr): [bigint, bigint] {
  const size = 1n << BigInt((c.v6 ? 128 : 32) - c.bits);
  const first = (c.addr / size) * size;
  return [first, first + size - 1n];
}

/** An address as data holds it, made parseable: surrounding blanks and an IPv6 zone (`fe80::1%eth0`) dropped. */
export function addressText(s: string): string {
  const t = s.trim();
  return t.includes(':') ? t.replace(/%.*$/, '') : t;
}
