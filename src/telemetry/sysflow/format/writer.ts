/**
 * Writes typed SysFlow records as an Avro object-container `.sf` file (schema version 5, deflate), the format
 * sf-collector writes; `readSysFlowFile` reads it back to the same records.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import avsc from 'avsc';
import { TelemetryError } from '../../../errors/index.ts';
import { RECORD_KINDS, type RecordKind, type SysFlowRecord } from '../records/index.ts';
import { encodeBlock, encodeHeader, writeSmallLong, type AvroCodec } from './container.ts';
import { encoders } from './encode.ts';
import { sysflowLongType } from './long-type.ts';
import schemaJson from './sysflow-schema.json' with { type: 'json' };

/** The version-5 SysFlow schema Peregrine writes. */
export const SYSFLOW_SCHEMA: unknown = schemaJson;

let branchTypes: Map<RecordKind, { index: number; type: avsc.Type }> | undefined;
function branches(): Map<RecordKind, { index: number; type: avsc.Type }> {
  if (branchTypes) return branchTypes;
  const t = avsc.Type.forSchema(SYSFLOW_SCHEMA as avsc.Schema, {
    registry: { long: sysflowLongType },
  }) as avsc.types.RecordType;
  const union = t.fields[0].type as avsc.types.WrappedUnionType;
  branchTypes = new Map(RECORD_KINDS.map((k, index) => [k, { index, type: union.types[index] }]));
  return branchTypes;
}

/** One record's Avro encoding inside a block: union index, then the branch. */
export function encodeRecord(r: SysFlowRecord): Buffer {
  const b = branches().get(r.kind)!;
  const raw = (encoders[r.kind] as (x: SysFlowRecord) => unknown)(r);
  try {
    return Buffer.concat([writeSmallLong(b.index), b.type.toBuffer(raw)]);
  } catch (cause) {
    throw new TelemetryError(
      'E_SYSFLOW_ENCODE',
      `cannot encode a ${r.kind} record: ${(cause as Error).message}`,
      { cause },
    );
  }
}

export interface WriterOptions {
  codec?: AvroCodec;
  /** Records per block (default 1000). */
  blockSize?: number;
}

/** Streams records into `.sf` bytes: a header, then blocks. */
export async function* encodeSysFlow(
  records: AsyncIterable<SysFlowRecord> | Iterable<SysFlowRecord>,
  opts: WriterOptions = {},
): AsyncGenerator<Buffer> {
  const codec = opts.codec ?? 'deflate';
  const blockSize = opts.blockSize ?? 1000;
  const sync = randomBytes(16);
  yield encodeHeader(SYSFLOW_SCHEMA, codec, sync);
  let pending: Buffer[] = [];
  for await (const r of records) {
    pending.push(encodeRecord(r));
    if (pending.length >= blockSize) {
      yield encodeBlock(pending.length, Buffer.concat(pending), codec, sync);
      pending = [];
    }
  }
  if (pending.length > 0) yield encodeBlock(pending.length, Buffer.concat(pending), codec, sync);
}

/** Writes records to a `.sf` file; resolves with the number of records written. */
export async function writeSysFlowFile(
  path: string,
  records: AsyncIterable<SysFlowRecord> | Iterable<SysFlowRecord>,
  opts: WriterOptions = {},
): Promise<number> {
  const out: WriteStream = createWriteStream(path);
  let n = 0;
  const counted = async function* () {
    for await (const r of records) {
      n++;
      yield r;
    }
  };
  try {
    for await (const chunk of encodeSysFlow(counted(), opts)) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return n;
}
