/**
 * What a data-source location holds, entry by entry: the location itself, or each file of a zip archive. Every
 * entry comes with its first bytes (`head`) so a reader can be chosen by content (see `sniff.ts`) and with a chunk
 * stream that starts at byte 0 — nothing is read twice, an http(s) body is fetched once.
 */
import { open } from 'node:fs/promises';
import { InputError } from '../../errors/index.ts';
import type { BundleLocation } from './location.ts';
import { fileChunks, httpChunks } from './bytes.ts';
import { isZip, ZipError, zipFileEntries, zipStreamEntries } from './zip.ts';

/** How many bytes content sniffing looks at. */
export const HEAD_BYTES = 8192;

export interface LocationEntry {
  /** The file name inside a zip archive; undefined for a plain file or URL. */
  readonly member?: string;
  /** The first bytes (up to {@link HEAD_BYTES}; fewer only when the entry is shorter). */
  readonly head: Buffer;
  /** All the bytes of the entry, from the start (`head` included). */
  readonly chunks: AsyncIterable<Buffer>;
}

/** Reads up to `n` first bytes of `src`; returns them and a stream that replays them before the rest. */
export async function peek(
  src: AsyncIterable<Buffer>,
  n = HEAD_BYTES,
): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  const it = src[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    seen.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(seen, size).subarray(0, n);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      for (const c of seen) yield c;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { head, chunks: replay() };
}

async function fileHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** A zip problem met while reading `loc` (also while reading an entry's chunks) as an InputError naming the file. */
export function zipProblem(loc: BundleLocation, e: ZipError): InputError {
  return new InputError('E_ZIP', `${loc.kind === 'file' ? loc.path : loc.url}: ${e.message}`, {
    hint: e.hint ?? 'check that the archive is complete (unzip -t FILE)',
    cause: e,
  });
}

/** The entries of `loc`: its files when it is a zip archive (directories skipped), else itself. */
export async function* locationEntries(
  loc: BundleLocation,
  signal?: AbortSignal,
): AsyncGenerator<LocationEntry> {
  try {
    if (loc.kind === 'file') {
      const head = await fileHead(loc.path);
      if (!isZip(head)) {
        yield { head, chunks: fileChunks(loc.path) };
        return;
      }
      for await (const e of zipFileEntries(loc.path)) yield { member: e.name, ...(await peek(e.chunks)) };
      return;
    }
    const body = await peek(httpChunks(loc.url, signal));
    if (!isZip(body.head)) {
      yield body;
      return;
    }
    for await (const e of zipStreamEntries(body.chunks)) yield { member: e.name, ...(await peek(e.chunks)) };
  } catch (e) {
    if (e instanceof ZipError) throw zipProblem(loc, e);
    throw e;
  }
}
