/**
 * Inputs of `sysflow read` / `sysflow process`: `.sf` files, directories (every `.sf` below, in name order — the
 * collector names files by start time so this is chronological), `-` for stdin, or an async iterable of records
 * (the live collector). All are read in sequence through one set of entity tables.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../../errors/index.ts';
import type { SysFlowRecord } from '../records/index.ts';
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

/** Turns command-line arguments into inputs; a directory expands to its `.sf` files. */
export async function expandInputs(args: readonly string[]): Promise<SysFlowInput[]> {
  const out: SysFlowInput[] = [];
  for (const a of args) {
    if (a === '-') {
      out.push({ kind: 'stdin' });
      continue;
    }
    let st;
    try {
      st = await stat(a);
    } catch {
      throw new InputError('E_INPUT_MISSING', `no such file or directory: ${a}`, {
        hint: 'give .sf files, directories of them, or - for stdin',
      });
    }
    if (st.isDirectory()) {
      const files = await sfFilesUnder(a);
      if (files.length === 0)
        throw new InputError('E_INPUT_EMPTY', `no .sf files under ${a}`, {
          hint: 'traces are found by their .sf extension; give the files themselves if they are named otherwise',
        });
      for (const f of files) out.push({ kind: 'file', path: f });
    } else out.push({ kind: 'file', path: a });
  }
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
