/**
 * Reading the files inside a zip archive as streams (the form OTRF Security-Datasets ships in), with no dependency:
 * stored and deflated entries, decompressed chunk by chunk with `zlib`.
 *
 * - A local file is read through its central directory (sizes are always known there), one entry after another.
 * - A stream (an http(s) download) is read through the local headers, which works for archives written with the
 *   sizes in each header (what `zip` and most libraries write for files). An entry whose sizes come only after its
 *   data (a "data descriptor", written when the archiver itself streamed) cannot be cut out of a stream: that is an
 *   error naming the entry, with the hint to download the file first.
 *
 * Zip64 archives (entries or archives over 4 GiB) are not read.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';

/** One file of an archive; `chunks` must be read to its end (or abandoned) before the next entry is asked for. */
export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  readonly chunks: AsyncIterable<Buffer>;
}

/** A problem with the archive itself; the caller turns it into an InputError naming the file. */
export class ZipError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;

/** True when `head` starts like a zip archive. */
export function isZip(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5);
}

async function* inflate(src: AsyncIterable<Buffer>, method: number, name: string): AsyncGenerator<Buffer> {
  if (method === 0) {
    yield* src;
    return;
  }
  if (method !== 8)
    throw new ZipError(
      `zip entry ${name} uses compression method ${method}`,
      'only stored and deflated entries are read',
    );
  const z = createInflateRaw();
  const feeding = (async () => {
    try {
      for await (const c of src) if (!z.write(c)) await new Promise((r) => z.once('drain', r));
      z.end();
    } catch (e) {
      z.destroy(e as Error);
    }
  })();
  try {
    for await (const out of z as AsyncIterable<Buffer>) yield out;
  } catch (e) {
    throw new ZipError(`zip entry ${name} is corrupt: ${(e as Error).message}`);
  } finally {
    z.destroy();
    await feeding;
  }
}

/** The entries of a local zip file, through its central directory. */
export async function* zipFileEntries(path: string): AsyncGenerator<ZipEntry> {
  const fh = await open(path, 'r');
  let entries: { name: string; method: number; csize: number; size: number; offset: number }[];
  try {
    const { size } = await fh.stat();
    const tail = Buffer.alloc(Math.min(size, 65557));
    await fh.read(tail, 0, tail.length, size - tail.length);
    let e = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === END) {
        e = i;
        break;
      }
    }
    if (e < 0)
      throw new ZipError('not a zip archive: no end of central directory', 'the file may be truncated');
    const count = tail.readUInt16LE(e + 10);
    const cdSize = tail.readUInt32LE(e + 12);
    const cdOffset = tail.readUInt32LE(e + 16);
    if (cdOffset === 0xffffffff || count === 0xffff)
      throw new ZipError('zip64 archives are not read', 'unzip the archive and give the file inside');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    entries = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL)
        throw new ZipError('corrupt zip central directory');
      const method = cd.readUInt16LE(p + 10);
      const csize = cd.readUInt32LE(p + 20);
      const usize = cd.readUInt32LE(p + 24);
      const nlen = cd.readUInt16LE(p + 28);
      const xlen = cd.readUInt16LE(p + 30);
      const clen = cd.readUInt16LE(p + 32);
      const offset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nlen);
      if (csize === 0xffffffff || offset === 0xffffffff)
        throw new ZipError(`zip entry ${name} needs zip64`, 'unzip the archive and give the file inside');
      entries.push({ name, method, csize, size: usize, offset });
      p += 46 + nlen + xlen + clen;
    }
    for (const en of entries) {
      const h = Buffer.alloc(30);
      await fh.read(h, 0, 30, en.offset);
      if (h.readUInt32LE(0) !== LOCAL) throw new ZipError(`corrupt zip: no local header for ${en.name}`);
      en.offset += 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
    }
  } finally {
    await fh.close();
  }
  for (const en of entries) {
    if (en.name.endsWith('/')) continue;
    const raw =
      en.csize === 0
        ? (async function* () {})()
        : (createReadStream(path, {
            start: en.offset,
            end: en.offset + en.csize - 1,
            highWaterMark: 1 << 20,
          }) as AsyncIterable<Buffer>);
    yield { name: en.name, size: en.size, chunks: inflate(raw, en.method, en.name) };
  }
}

/** Reads exact byte counts from a chunk stream. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<void> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    }
  }

  /** Exactly `n` bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }

  /** Bytes of the current entry not yet taken. */
  private left = 0;

  /** The next `n` bytes as chunks. */
  take(n: number): AsyncGenerator<Buffer> {
    this.left = n;
    return this.rest();
  }

  private async *rest(): AsyncGenerator<Buffer> {
    while (this.left > 0) {
      if (this.buf.length === 0) await this.fill(1);
      if (this.buf.length === 0)
        throw new ZipError('zip archive ends inside an entry', 'the download may be truncated');
      const c = this.buf.subarray(0, Math.min(this.left, this.buf.length));
      this.buf = this.buf.subarray(c.length);
      this.left -= c.length;
      yield c;
    }
  }

  /** Skips what is left of the current entry (its reader stopped early). */
  async skipRest(): Promise<void> {
    while (this.left > 0) {
      if (this.buf.length === 0) await this.fill(1);
      if (this.buf.length === 0) return;
      const k = Math.min(this.left, this.buf.length);
      this.buf = this.buf.subarray(k);
      this.left -= k;
    }
  }
}

/** The entries of a zip archive arriving as a stream, through the local headers. */
export async function* zipStreamEntries(src: AsyncIterable<Buffer>): AsyncGenerator<ZipEntry> {
  const r = new ByteReader(src[Symbol.asyncIterator]());
  for (;;) {
    const h = await r.read(30);
    if (h.length < 4) return;
    const sig = h.readUInt32LE(0);
    if (sig === CENTRAL || sig === END) return;
    if (sig !== LOCAL || h.length < 30) throw new ZipError('corrupt zip: expected a local file header');
    const flags = h.readUInt16LE(6);
    const method = h.readUInt16LE(8);
    const csize = h.readUInt32LE(18);
    const usize = h.readUInt32LE(22);
    const name = (await r.read(h.readUInt16LE(26))).toString('utf8');
    await r.read(h.readUInt16LE(28));
    if (flags & 8 && csize === 0)
      throw new ZipError(
        `zip entry ${name} gives its size only after its data, which a stream cannot be cut by`,
        'download the archive and give its path (a local file is read through its central directory)',
      );
    if (csize === 0xffffffff)
      throw new ZipError(`zip entry ${name} needs zip64`, 'unzip the archive and give the file inside');
    const body = r.take(csize);
    if (!name.endsWith('/')) yield { name, size: usize, chunks: inflate(body, method, name) };
    await r.skipRest(); // a directory, or a reader that stopped early
    if (flags & 8) {
      const d = await r.read(4);
      await r.read(d.length === 4 && d.readUInt32LE(0) === 0x08074b50 ? 12 : 8);
    }
  }
}
