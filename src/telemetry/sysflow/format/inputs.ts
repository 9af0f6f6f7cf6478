/**
 * Inputs of `sysflow read` / `sysflow process`: `.sf` files, directories (every `.sf` below, in name order — the
 * collector names files by start time so this is chronological), `-` for stdin, or an async iterable of records
 * (the live collector). All are read in sequence through one set of entity tables.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, TelemetryError, type PeregrineError } from '../../../errors/index.ts';
import type { SysFlowRecord } from '../records/index.ts';

/** The first bytes of every Avro object container file. */
const AVRO_MAGIC = Buffer.from('Obj\x01', 'latin1');
import { readSysFlowBatches, readSysFlowFile, readSysFlowFileBatches, readSysFlowStream } from './reader.ts';

/** One source of SysFlow records. */
export type SysFlowInput =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'stdin' }
  | { readonly kind: 'records'; readonly name: string; readonly records: AsyncIterable<SysFlowRecord> };

async function sfFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sfFilesUnder(p)));
    else if (e.isFile() && e.name.endsWith('.sf')) out.push(p);
  }
  return out;
}

/** What is wrong with the start of a `.sf` file, or undefined when it starts as an Avro container does. */
async function badStart(path: string, size: number): Promise<PeregrineError | undefined> {
  if (size === 0)
    return new TelemetryError('E_SYSFLOW_EMPTY', `${path} is empty (0 bytes): not a SysFlow trace`, {
      hint: 'a trace holds at least its Avro header; was the capture stopped before it wrote anything?',
    });
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    if (bytesRead === 4 && !head.equals(AVRO_MAGIC))
      return new TelemetryError(
        'E_SYSFLOW_FORMAT',
        `${path} is not an Avro object container file (no Obj\\x01 magic)`,
        { hint: 'SysFlow traces are Avro object-container files as written by sf-collector (.sf)' },
      );
    return undefined;
  } finally {
    await fh.close();
  }
}

/**
 * Turns command-line arguments into inputs; a directory expands to its `.sf` files. Every argument is checked
 * before any is read — missing, empty (0 bytes) or not Avro — and all that fail are reported together: one bad file
 * among many does not hide the others (nor is an empty file read as a trace without records).
 */
export async function expandInputs(args: readonly string[]): Promise<SysFlowInput[]> {
  const out: SysFlowInput[] = [];
  const problems: PeregrineError[] = [];
  for (const a of args) {
    if (a === '-') {
      out.push({ kind: 'stdin' });
      continue;
    }
    let st;
    try {
      st = await stat(a);
    } catch {
      problems.push(
        new InputError('E_INPUT_MISSING', `no such file or directory: ${a}`, {
          hint: 'give .sf files, directories of them, or - for stdin',
        }),
      );
      continue;
    }
    if (st.isDirectory()) {
      const files = await sfFilesUnder(a);
      if (files.length === 0)
        problems.push(
          new InputError('E_INPUT_EMPTY', `no .sf files under ${a}`, {
            hint: 'traces are found by their .sf extension; give the files themselves if they are named otherwise',
          }),
        );
      for (const f of files) out.push({ kind: 'file', path: f });
    } else out.push({ kind: 'file', path: a });
  }
  for (const i of out) {
    if (i.kind !== 'file') continue;
    const bad = await badStart(i.path, (await stat(i.path)).size).catch((e: NodeJS.ErrnoException) =>
      new InputError('E_INPUT_UNREADABLE', `cannot read ${i.path}: ${e.code ?? e.message}`, {
        hint: 'check the file permissions',
      }),
    );
    if (bad) problems.push(bad);
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1)
    throw new InputError(
      'E_INPUT_BAD',
      `${problems.length} inputs cannot be read: ${problems.map((p) => `${p.message} [${p.code}]`).join('; ')}`,
      { hint: 'fix or leave out each of them; nothing was read' },
    );
  return out;
}

/** Name of an input for messages and `ResolvedEvent.source`. */
export function inputName(i: SysFlowInput): string {
  return i.kind === 'file' ? i.path : i.kind === 'stdin' ? '-' : i.name;
}

/** The records of one input. */
export function recordsOf(i: SysFlowInput): AsyncIterable<SysFlowRecord> {
  switch (i.kind) {
    case 'file':
      return readSysFlowFile(i.path);
    case 'stdin':
      return readSysFlowStream(process.stdin, '-');
    case 'records':
      return i.records;
  }
}

/** The records of one input in batches (one per Avro block; a live record stream gives batches of one). */
export async function* batchesOf(i: SysFlowInput): AsyncGenerator<readonly SysFlowRecord[]> {
  switch (i.kind) {
    case 'file':
      yield* readSysFlowFileBatches(i.path);
      return;
    case 'stdin':
      yield* readSysFlowBatches(process.stdin, '-');
      return;
    case 'records':
      for await (const r of i.records) yield [r];
  }
}
