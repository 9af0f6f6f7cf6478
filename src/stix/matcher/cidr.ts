/**
 * IPv4/IPv6 addresses and CIDR blocks for ISSUBSET/ISSUPERSET. An address without `/n` is a block of one
 * (/32 or /128). Addresses are BigInts so both families share one code path.
 */
export interface Cidr {
  readonly v6: boolean;
  readonly addr: bigint;
  readonly bits: number;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
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
  const groups =
    dbl.length === 2 ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  if (groups.length !== 8) return undefined;
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) n = (n & ~0xffffffffn) | tailV4;
  return n;
}

export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
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
  return { v6, addr, bits };
}

/** True when block `inner` lies inside block `outer` (same family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.v6 !== inner.v6 || inner.bits < outer.bits) return false;
  const shift = BigInt((outer.v6 ? 128 : 32) - outer.bits);
  return outer.addr >> shift === inner.addr >> shift;
}
