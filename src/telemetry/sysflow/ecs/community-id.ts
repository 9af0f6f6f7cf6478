/**
 * Community ID v1 (corelight/community-id-spec) of a flow: base64 SHA-1 over seed, the ordered endpoints, protocol
 * and ports — the same value Zeek, Suricata and sf-processor put in `network.community_id`.
 */
import { createHash } from 'node:crypto';

function ipBytes(ip: number): Buffer {
  // SysFlow ints keep the first octet in the low byte.
  return Buffer.from([ip & 0xff, (ip >>> 8) & 0xff, (ip >>> 16) & 0xff, (ip >>> 24) & 0xff]);
}

export function communityId(
  sip: number,
  sport: number,
  dip: number,
  dport: number,
  proto: number,
  seed = 0,
): string {
  let a = ipBytes(sip);
  let b = ipBytes(dip);
  let pa = sport;
  let pb = dport;
  const c = Buffer.compare(a, b);
  if (c > 0 || (c === 0 && pa > pb)) {
    [a, b] = [b, a];
    [pa, pb] = [pb, pa];
  }
  const head = Buffer.alloc(2);
  head.writeUInt16BE(seed & 0xffff);
  const tail = Buffer.alloc(6);
  tail.writeUInt8(proto & 0xff, 0);
  tail.writeUInt8(0, 1);
  tail.writeUInt16BE(pa & 0xffff, 2);
  tail.writeUInt16BE(pb & 0xffff, 4);
  const h = createHash('sha1').update(head).update(a).update(b).update(tail).digest('base64');
  return `1:${h}`;
}
