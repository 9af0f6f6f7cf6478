/**
 * Address ranges that no geolocation database places: private, loopback, link-local, shared (carrier-grade NAT),
 * documentation, benchmarking, multicast and otherwise reserved blocks (the IANA special-purpose registries, RFC
 * 6890 and its updates). An address in one of them is labelled with the range's kind instead of being looked up.
 */
import { cidrContains, parseCidr, type Cidr } from '../../../common/index.ts';

export type RangeKind =
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'shared'
  | 'documentation'
  | 'benchmarking'
  | 'multicast'
  | 'reserved';

/** Most specific first where blocks nest (`192.0.0.0/24` before nothing; none overlap otherwise). */
const BLOCKS: readonly (readonly [string, RangeKind])[] = [
  ['0.0.0.0/8', 'reserved'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'reserved'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'],
  ['100::/64', 'reserved'],
  ['2001:2::/48', 'benchmarking'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'private'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
];

const PARSED: readonly (readonly [Cidr, RangeKind])[] = BLOCKS.map(([b, k]) => [parseCidr(b)!, k]);
/** IPv4 blocks as [first, last] unsigned numbers: the hot path compares numbers only. */
const V4: readonly (readonly [number, number, RangeKind])[] = PARSED.filter(([c]) => !c.v6).map(([c, k]) => {
  const size = 2 ** (32 - c.bits);
  return [c.v4, c.v4 + size - 1, k] as const;
});
const V6 = PARSED.filter(([c]) => c.v6);
/** `::ffff:a.b.c.d` (IPv4-mapped): labelled as its IPv4 address. */
const MAPPED = parseCidr('::ffff:0:0/96')!;

/** The special range `c` (an address) lies in, or undefined for a globally routed address. */
export function rangeOf(c: Cidr): RangeKind | undefined {
  if (!c.v6) {
    const n = c.v4;
    for (const [lo, hi, k] of V4) if (n >= lo && n <= hi) return k;
    return n === 0xffffffff ? 'reserved' : undefined;
  }
  if (cidrContains(MAPPED, c)) {
    const v4 = Number(c.addr & 0xffffffffn);
    return rangeOf({ v6: false, addr: BigInt(v4), v4, bits: 32 });
  }
  for (const [b, k] of V6) if (cidrContains(b, c)) return k;
  return undefined;
}
