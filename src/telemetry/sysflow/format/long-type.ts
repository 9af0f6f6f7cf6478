/**
 * The Avro `long` type used for SysFlow: 64-bit values decode to a `number` when they fit in 53 bits and to a
 * `bigint` otherwise (nanosecond timestamps). The default avsc long throws "potential precision loss" on those.
 *
 * It works on the raw zig-zag varint bytes (avsc's `noUnpack` mode) so that small values (pids, counters) cost no
 * allocation beyond avsc's slice; the record decoders then coerce each field to the representation `../records/`
 * fixes (timestamps always `bigint`, everything else `number`).
 */
import avsc from 'avsc';
import { writeSmallLong } from './container.ts';

/** A decoded Avro long. */
export type AvroLong = number | bigint;

const TWO_52 = 2 ** 52;

function decodeVarint(buf: Buffer): AvroLong {
  const n = buf.length;
  if (n <= 7) {
    // ≤ 49 bits of zig-zag payload: exact in a double.
    let v = 0;
    let mul = 1;
    for (let i = 0; i < n; i++) {
      v += (buf[i] & 0x7f) * mul;
      mul *= 128;
    }
    // un-zig-zag: even → v/2, odd → -(v+1)/2
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }
  let lo = 0;
  for (let i = 0; i < 4; i++) lo |= (buf[i] & 0x7f) << (7 * i);
  lo >>>= 0;
  let hi = 0n;
  for (let i = n - 1; i >= 4; i--) hi = (hi << 7n) | BigInt(buf[i] & 0x7f);
  const zz = (hi << 28n) | BigInt(lo);
  const v = (zz >> 1n) ^ -(zz & 1n);
  return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v;
}

function encodeVarint(value: AvroLong): Buffer {
  if (typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) < TWO_52)
    return writeSmallLong(value);
  const v = BigInt.asIntN(64, BigInt(value));
  let zz = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const out: number[] = [];
  while (zz >= 128n) {
    out.push(Number(zz & 0x7fn) | 0x80);
    zz >>= 7n;
  }
  out.push(Number(zz));
  return Buffer.from(out);
}

function isLong(v: unknown): v is AvroLong {
  if (typeof v === 'bigint') return v >= -(2n ** 63n) && v < 2n ** 63n;
  return typeof v === 'number' && Number.isSafeInteger(v);
}

const baseLongType = avsc.types.LongType.__with(
  {
    fromBuffer: decodeVarint,
    toBuffer: encodeVarint,
    fromJSON: (v: unknown) => (typeof v === 'string' ? BigInt(v) : (v as AvroLong)),
    toJSON: (v: AvroLong) => (typeof v === 'bigint' ? v.toString() : v),
    isValid: isLong,
    compare: (a: AvroLong, b: AvroLong) => (a < b ? -1 : a > b ? 1 : 0),
  },
  true,
);

interface Tap {
  buf: Buffer;
  pos: number;
}

/**
 * Reads a long straight from avsc's tap without allocating: safe integers as numbers (pids, counters, fds), larger
 * values (nanosecond timestamps) as one bigint built from two numbers. avsc's generated record readers call `_read` of the
 * field type; everything else (writing, skipping, resolution) is inherited from the `__with` type.
 */
function readLong(this: unknown, tap: Tap): AvroLong {
  const buf = tap.buf;
  let pos = tap.pos;
  let b = buf[pos++];
  let v = b & 0x7f;
  let mul = 128;
  let n = 1;
  while (b & 0x80 && n < 7) {
    b = buf[pos++];
    v += (b & 0x7f) * mul;
    mul *= 128;
    n++;
  }
  if (!(b & 0x80)) {
    tap.pos = pos;
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }
  // Longer than 7 bytes: the high bits (49…63) go into a second number `h`; zig-zag value = h·2^49 + v.
  let h = 0;
  let hmul = 1;
  while (b & 0x80) {
    if (pos >= buf.length) {
      tap.pos = buf.length + 1; // invalid: avsc reports a truncated buffer
      return 0;
    }
    b = buf[pos++];
    h += (b & 0x7f) * hmul;
    hmul *= 128;
  }
  tap.pos = pos;
  // value = zz/2 (even) or -(zz+1)/2 (odd), i.e. ±(h·2^48 + half) with half < 2^48.
  const odd = v % 2 === 1;
  const half = odd ? (v + 1) / 2 : v / 2;
  if (h < 31) {
    const n = h * 2 ** 48 + half; // ≤ 31·2^48 < 2^53: a safe integer
    return odd ? -n : n;
  }
  const big = (BigInt(h) << 48n) + BigInt(half);
  return odd ? -big : big;
}

/** The avsc type to register as `long` when parsing a SysFlow schema (`registry: { long: sysflowLongType }`). */
export const sysflowLongType: typeof baseLongType = Object.create(baseLongType, {
  _read: { value: readLong },
});

/** A long field as `bigint` (timestamps). */
export function big(v: AvroLong | undefined): bigint {
  return typeof v === 'bigint' ? v : BigInt(v ?? 0);
}
/** A long field as `number` (pids, counters). */
export function num(v: AvroLong | undefined): number {
  return typeof v === 'number' ? v : Number(v ?? 0);
}

export { decodeVarint as decodeLongVarint, encodeVarint as encodeLongVarint };
