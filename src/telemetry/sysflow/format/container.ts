/**
 * Avro object-container files, streamed: a header (magic `Obj\x01`, metadata map with `avro.schema` and
 * `avro.codec`, 16-byte sync marker) followed by blocks (record count, byte size, payload, sync). This module only
 * frames and inflates blocks; `reader.ts` decodes the records inside them. Codecs: `null` and `deflate`.
 */
import { inflateRawSync, deflateRawSync } from 'node:zlib';
import { TelemetryError } from '../../../errors/index.ts';
import { snappyBlock, unsnappyBlock } from './snappy.ts';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
/** The hint of a trace whose bytes stop making sense part way. */
const DAMAGED =
  'the trace is damaged from this byte on (records before it were read); copy it again from its source';

/** Block codecs read and written. */
export type AvroCodec = 'null' | 'deflate' | 'snappy';

export interface ContainerHeader {
  readonly schema: unknown;
  readonly codec: string;
  readonly sync: Buffer;
  readonly meta: ReadonlyMap<string, Buffer>;
}

export interface ContainerBlock {
  readonly count: number;
  /** The block's records, inflated. */
  readonly data: Buffer;
}

/** Reads a zig-zag varint long that fits in a double; returns [value, nextPos] or undefined when `buf` ends first. */
export function readSmallLong(buf: Buffer, pos: number): [number, number] | undefined {
  let v = 0;
  let mul = 1;
  for (;;) {
    if (pos >= buf.length) return undefined;
    const b = buf[pos++];
    v += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) break;
    mul *= 128;
  }
  return [v % 2 === 0 ? v / 2 : -(v + 1) / 2, pos];
}

export function writeSmallLong(n: number): Buffer {
  let zz = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (zz >= 128) {
    out.push((zz % 128) | 0x80);
    zz = Math.floor(zz / 128);
  }
  out.push(zz);
  return Buffer.from(out);
}

function parseHeader(buf: Buffer, source: string): { header: ContainerHeader; end: number } | undefined {
  if (buf.length < 4) return undefined;
  if (!buf.subarray(0, 4).equals(MAGIC)) {
    throw new TelemetryError(
      'E_SYSFLOW_FORMAT',
      `${source} is not an Avro object container file (no Obj\\x01 magic)`,
      {
        hint: 'SysFlow traces are Avro object-container files as written by sf-collector (.sf)',
      },
    );
  }
  let pos = 4;
  const meta = new Map<string, Buffer>();
  for (;;) {
    const c = readSmallLong(buf, pos);
    if (!c) return undefined;
    let [count] = c;
    pos = c[1];
    if (count === 0) break;
    if (count < 0) {
      const s = readSmallLong(buf, pos);
      if (!s) return undefined;
      pos = s[1];
      count = -count;
    }
    for (let i = 0; i < count; i++) {
      const k = readSmallLong(buf, pos);
      if (!k || k[1] + k[0] > buf.length) return undefined;
      const key = buf.toString('utf8', k[1], k[1] + k[0]);
      pos = k[1] + k[0];
      const v = readSmallLong(buf, pos);
      if (!v || v[1] + v[0] > buf.length) return undefined;
      meta.set(key, Buffer.from(buf.subarray(v[1], v[1] + v[0])));
      pos = v[1] + v[0];
    }
  }
  if (pos + 16 > buf.length) return undefined;
  const sync = Buffer.from(buf.subarray(pos, pos + 16));
  const schemaText = meta.get('avro.schema');
  if (!schemaText)
    throw new TelemetryError('E_SYSFLOW_FORMAT', `${source}: the Avro header has no avro.schema`, {
      hint: 'an Avro file without its writer schema is not a SysFlow trace: sf-collector always writes one',
    });
  let schema: unknown;
  try {
    schema = JSON.parse(schemaText.toString('utf8'));
  } catch (cause) {
    throw new TelemetryError('E_SYSFLOW_FORMAT', `${source}: the embedded Avro schema is not valid JSON`, {
      cause,
      hint: 'the header of the trace is damaged; copy the file again from its source',
    });
  }
  const codec = meta.get('avro.codec')?.toString('utf8') ?? 'null';
  if (codec !== 'null' && codec !== 'deflate' && codec !== 'snappy') {
    throw new TelemetryError('E_SYSFLOW_CODEC', `${source}: unsupported Avro codec "${codec}"`, {
      hint: 'supported: null, deflate (what sf-collector writes), snappy',
    });
  }
  return { header: { schema, codec, sync, meta }, end: pos + 16 };
}

/**
 * Frames a byte stream into the container header and its blocks. Memory holds at most one block plus one chunk.
 * A truncated last block (a file still being written) ends the stream with an error naming the offset.
 */
export async function* readContainer(
  chunks: AsyncIterable<Buffer | string>,
  source: string,
): AsyncGenerator<ContainerHeader | ContainerBlock> {
  let buf: Buffer = Buffer.alloc(0);
  let header: ContainerHeader | undefined;
  let consumed = 0;
  for await (const chunk of chunks) {
    const c = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    buf = buf.length === 0 ? c : Buffer.concat([buf, c]);
    let pos = 0;
    if (!header) {
      const h = parseHeader(buf, source);
      if (!h) continue;
      header = h.header;
      pos = h.end;
      yield header;
    }
    for (;;) {
      const n = readSmallLong(buf, pos);
      if (!n) break;
      const s = readSmallLong(buf, n[1]);
      if (!s) break;
      const [count] = n;
      const [size, dataStart] = s;
      if (count < 0 || size < 0) {
        throw new TelemetryError(
          'E_SYSFLOW_FORMAT',
          `${source}: corrupt block header at byte ${consumed + pos}`,
          { hint: DAMAGED },
        );
      }
      if (dataStart + size + 16 > buf.length) break;
      const raw = buf.subarray(dataStart, dataStart + size);
      if (!buf.subarray(dataStart + size, dataStart + size + 16).equals(header.sync)) {
        throw new TelemetryError(
          'E_SYSFLOW_FORMAT',
          `${source}: sync marker mismatch after the block at byte ${consumed + pos}`,
          { hint: DAMAGED },
        );
      }
      let data: Buffer;
      try {
        data =
          header.codec === 'deflate'
            ? inflateRawSync(raw)
            : header.codec === 'snappy'
              ? unsnappyBlock(raw)
              : Buffer.from(raw);
      } catch (cause) {
        throw new TelemetryError(
          'E_SYSFLOW_FORMAT',
          `${source}: cannot decompress the block at byte ${consumed + pos}`,
          { cause, hint: DAMAGED },
        );
      }
      pos = dataStart + size + 16;
      yield { count, data };
    }
    consumed += pos;
    buf = pos >= buf.length ? Buffer.alloc(0) : buf.subarray(pos);
  }
  if (!header) {
    if (buf.length === 0) return;
    throw new TelemetryError(
      'E_SYSFLOW_FORMAT',
      `${source}: truncated Avro header (the file ends after ${buf.length} bytes, before its first block)`,
      {
        hint: 'the file was cut short: copy it again, or wait until sf-collector has finished writing it',
      },
    );
  }
  if (buf.length > 0) {
    throw new TelemetryError(
      'E_SYSFLOW_TRUNCATED',
      `${source}: ${buf.length} trailing bytes at byte ${consumed} are not a whole block`,
      {
        hint: 'the file may still be being written or was cut short',
      },
    );
  }
}

/** Encodes a container header. */
export function encodeHeader(schema: unknown, codec: AvroCodec, sync: Buffer): Buffer {
  const parts: Buffer[] = [MAGIC, writeSmallLong(2)];
  for (const [k, v] of [
    ['avro.schema', Buffer.from(JSON.stringify(schema))],
    ['avro.codec', Buffer.from(codec)],
  ] as const) {
    const kb = Buffer.from(k);
    parts.push(writeSmallLong(kb.length), kb, writeSmallLong(v.length), v);
  }
  parts.push(writeSmallLong(0), sync);
  return Buffer.concat(parts);
}

/** Encodes one block of `count` already-encoded records. */
export function encodeBlock(count: number, records: Buffer, codec: AvroCodec, sync: Buffer): Buffer {
  const payload =
    codec === 'deflate' ? deflateRawSync(records) : codec === 'snappy' ? snappyBlock(records) : records;
  return Buffer.concat([writeSmallLong(count), writeSmallLong(payload.length), payload, sync]);
}
