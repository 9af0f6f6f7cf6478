/**
 * Avro's `snappy` codec for object-container blocks: raw Snappy (no framing) followed by the big-endian CRC-32 of the
 * uncompressed bytes. sf-collector writes deflate, but other Avro writers of SysFlow (and re-encoded traces) may
 * use snappy; Node has no Snappy, and decompression is small enough to carry here. Compression emits literals only
 * (valid Snappy, no size gain) — enough for tests and for writing files other tools can read.
 */
import { crc32 } from 'node:zlib';

export class SnappyError extends Error {}

/** Decompresses one Avro snappy block (payload + 4-byte CRC). */
export function unsnappyBlock(block: Buffer): Buffer {
  if (block.length < 4) throw new SnappyError('snappy block shorter than its checksum');
  const data = block.subarray(0, block.length - 4);
  const out = unsnappy(data);
  const want = block.readUInt32BE(block.length - 4);
  if (crc32(out) >>> 0 !== want) throw new SnappyError('snappy block checksum mismatch');
  return out;
}

/** Decompresses raw Snappy. */
export function unsnappy(src: Buffer): Buffer {
  let pos = 0;
  let len = 0;
  let shift = 0;
  for (;;) {
    if (pos >= src.length) throw new SnappyError('truncated snappy length');
    const b = src[pos++];
    len += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  const out = Buffer.allocUnsafe(len);
  let o = 0;
  while (pos < src.length) {
    const tag = src[pos++];
    const type = tag & 3;
    if (type === 0) {
      let n = tag >>> 2;
      if (n >= 60) {
        const bytes = n - 59;
        n = 0;
        for (let i = 0; i < bytes; i++) n += src[pos++] * 2 ** (8 * i);
      }
      n += 1;
      if (pos + n > src.length || o + n > len) throw new SnappyError('snappy literal out of bounds');
      src.copy(out, o, pos, pos + n);
      pos += n;
      o += n;
      continue;
    }
    let n: number;
    let offset: number;
    if (type === 1) {
      n = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | src[pos++];
    } else if (type === 2) {
      n = (tag >>> 2) + 1;
      offset = src[pos] | (src[pos + 1] << 8);
      pos += 2;
    } else {
      n = (tag >>> 2) + 1;
      offset = src.readUInt32LE(pos);
      pos += 4;
    }
    if (offset === 0 || offset > o || o + n > len) throw new SnappyError('snappy copy out of bounds');
    for (let i = 0; i < n; i++, o++) out[o] = out[o - offset];
  }
  if (o !== len) throw new SnappyError('snappy data shorter than its declared length');
  return out;
}

/** Raw Snappy made of literals only. */
export function snappyLiterals(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const head: number[] = [];
  let n = data.length;
  do {
    head.push((n & 0x7f) | (n >= 128 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  parts.push(Buffer.from(head));
  for (let i = 0; i < data.length; i += 65536) {
    const chunk = data.subarray(i, i + 65536);
    const m = chunk.length - 1;
    parts.push(
      m < 60
        ? Buffer.from([m << 2])
        : m < 256
          ? Buffer.from([60 << 2, m])
          : Buffer.from([61 << 2, m & 0xff, m >>> 8]),
      chunk,
    );
  }
  return Buffer.concat(parts);
}

/** One Avro snappy block for `data`. */
export function snappyBlock(data: Buffer): Buffer {
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data) >>> 0);
  return Buffer.concat([snappyLiterals(data), crc]);
}
