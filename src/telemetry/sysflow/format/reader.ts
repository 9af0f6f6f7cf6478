/**
 * `.sf` bytes → typed SysFlow records, streamed. Each container is decoded with the writer schema embedded in it
 * (schema versions 2…5 and the 1000-series all differ), with the SysFlow long type so nanosecond timestamps survive.
 */
import { createReadStream } from 'node:fs';
import avsc from 'avsc';
import { TelemetryError } from '../../../errors/index.ts';
import type { RecordKind, SysFlowRecord } from '../records/index.ts';
import { readContainer, readSmallLong, type ContainerHeader } from './container.ts';
import { decoders, kindOfAvroName } from './decode.ts';
import { sysflowLongType } from './long-type.ts';

/** One union branch of a writer schema: its avsc type and the decoder to a typed record (undefined → skipped). */
interface Branch {
  readonly type: avsc.Type;
  readonly kind: RecordKind | undefined;
}

const branchCache = new Map<string, Branch[]>();

/** The union branches of a SysFlow writer schema (cached by schema text: files of one collector share it). */
export function branchesOf(schema: unknown, source: string): Branch[] {
  const key = JSON.stringify(schema);
  const hit = branchCache.get(key);
  if (hit) return hit;
  let type: avsc.Type;
  try {
    type = avsc.Type.forSchema(normalizeLongs(schema) as avsc.Schema, {
      registry: { long: sysflowLongType },
    });
  } catch (cause) {
    throw new TelemetryError(
      'E_SYSFLOW_SCHEMA',
      `${source}: the embedded Avro schema does not parse: ${(cause as Error).message}`,
      {
        cause,
        hint: 'the header of the trace is damaged, or the file was not written by sf-collector',
      },
    );
  }
  const rec = type as avsc.types.RecordType;
  const union = rec.fields?.[0]?.type as avsc.types.WrappedUnionType | undefined;
  if (!rec.fields || rec.fields.length !== 1 || !union || !Array.isArray(union.types)) {
    throw new TelemetryError(
      'E_SYSFLOW_SCHEMA',
      `${source}: the embedded schema is not a SysFlow schema (record with one union field)`,
      {
        hint: `found ${String((type as { name?: string }).name ?? type.typeName)}`,
      },
    );
  }
  const branches = union.types.map((t: avsc.Type) => ({
    type: t,
    kind: kindOfAvroName((t as { name?: string }).name),
  }));
  branchCache.set(key, branches);
  return branches;
}

/**
 * Some collectors write `{"type": "long"}` instead of `"long"`; avsc only applies a registry override to the bare
 * name, so those become the plain string first.
 */
function normalizeLongs(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(normalizeLongs);
  if (s && typeof s === 'object') {
    const o = s as Record<string, unknown>;
    if (o.type === 'long' && Object.keys(o).every((k) => k === 'type' || k === 'logicalType')) return 'long';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = normalizeLongs(v);
    return out;
  }
  return s;
}

/** Records that do not decode with the file's own schema: damaged bytes, or a writer that lied about its schema. */
const RECORD_HINT =
  'the records do not match the schema in the file header: the trace is damaged, or was not written by sf-collector';

/** Decodes the records of one inflated block. */
export function decodeBlock(
  data: Buffer,
  count: number,
  branches: Branch[],
  source: string,
): SysFlowRecord[] {
  const out: SysFlowRecord[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const idx = readSmallLong(data, pos);
    if (!idx)
      throw new TelemetryError('E_SYSFLOW_FORMAT', `${source}: block ends inside record ${i} of ${count}`, {
        hint: RECORD_HINT,
      });
    const branch = branches[idx[0]];
    if (!branch)
      throw new TelemetryError('E_SYSFLOW_FORMAT', `${source}: union index ${idx[0]} is not in the schema`, {
        hint: RECORD_HINT,
      });
    const { value, offset } = branch.type.decode(data, idx[1]);
    if (offset < 0)
      throw new TelemetryError('E_SYSFLOW_FORMAT', `${source}: block ends inside record ${i} of ${count}`, {
        hint: RECORD_HINT,
      });
    pos = offset;
    if (branch.kind) out.push(decoders[branch.kind](value) as SysFlowRecord);
  }
  return out;
}

/**
 * Records of one `.sf` byte stream (a file, stdin, a socket), one array per Avro block — the fast path: consumers
 * iterate each batch synchronously, so the per-record cost has no promise in it.
 */
export async function* readSysFlowBatches(
  chunks: AsyncIterable<Buffer | string>,
  source: string,
): AsyncGenerator<SysFlowRecord[]> {
  let branches: Branch[] | undefined;
  for await (const item of readContainer(chunks, source)) {
    if ('schema' in item) {
      branches = branchesOf((item as ContainerHeader).schema, source);
      continue;
    }
    yield decodeBlock(item.data, item.count, branches!, source);
  }
}

/** Records of one `.sf` byte stream, one at a time. */
export async function* readSysFlowStream(
  chunks: AsyncIterable<Buffer | string>,
  source: string,
): AsyncGenerator<SysFlowRecord> {
  for await (const batch of readSysFlowBatches(chunks, source)) yield* batch;
}

/** Records of one `.sf` file, one array per Avro block. */
export function readSysFlowFileBatches(path: string): AsyncGenerator<SysFlowRecord[]> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  return readSysFlowBatches(wrapOpenErrors(stream, path), path);
}

/** Records of one `.sf` file. */
export async function* readSysFlowFile(path: string): AsyncGenerator<SysFlowRecord> {
  for await (const batch of readSysFlowFileBatches(path)) yield* batch;
}

async function* wrapOpenErrors(stream: AsyncIterable<Buffer>, path: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new TelemetryError('E_SYSFLOW_OPEN', `cannot read ${path}: ${code ?? (cause as Error).message}`, {
      cause,
      hint: code === 'ENOENT' ? 'check the path' : undefined,
    });
  }
}
