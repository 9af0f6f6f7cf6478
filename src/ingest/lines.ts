/** Reading text files line by line, fast: large chunks, `indexOf('\n')`, no per-line allocation beyond the slice. */
import { createReadStream } from 'node:fs';
import { InputError } from '../errors/index.ts';

export interface Line {
  /** 1-based line number. */
  readonly n: number;
  readonly text: string;
}

/** The lines of `path` (`-` = stdin), without their `\n` / `\r\n`, and without a byte-order mark at the start. */
export async function* readLines(path: string): AsyncGenerator<Line> {
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  stream.setEncoding('utf8');
  let rest = '';
  let n = 0;
  try {
    let first = true;
    for await (const chunk of stream as AsyncIterable<string>) {
      let s = rest.length ? rest + chunk : chunk;
      if (first) {
        first = false;
        if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      }
      let start = 0;
      let nl: number;
      while ((nl = s.indexOf('\n', start)) >= 0) {
        n++;
        const end = nl > start && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield { n, text: s.slice(start, end) };
        start = nl + 1;
      }
      rest = s.slice(start);
    }
  } catch (e) {
    throw unreadable(path, e);
  }
  if (rest.length) yield { n: n + 1, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest };
}

/** A run of whole lines of a file: the text between them is `\n` (a line may still end in `\r`). */
export interface LineRun {
  readonly text: string;
  /** 1-based number of the first line. */
  readonly first: number;
  /** Lines in `text`. */
  readonly count: number;
}

/**
 * The lines of `path` (`-` = stdin) in runs of about `bytes` bytes, cut after a newline — for consumers that split
 * them in bulk (the embedded store's DuckDB side), so JavaScript does no work per line. Decoded exactly as
 * {@link readLines} decodes (UTF-8, malformed bytes replaced; a newline byte never falls inside a character; a
 * byte-order mark at the start dropped), and together the runs give the same lines with the same numbers.
 */
export async function* readLineRuns(path: string, bytes = 4 << 20): AsyncGenerator<LineRun> {
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  let parts: Buffer[] = [];
  let size = 0;
  let first = 1;
  const run = (buf: Buffer, end: number): LineRun => {
    let count = 1;
    for (let i = buf.indexOf(10); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) count++;
    const r = { text: buf.toString('utf8', 0, end), first, count };
    first += count;
    return r;
  };
  let start = true;
  try {
    for await (let chunk of stream as AsyncIterable<Buffer>) {
      if (start) {
        start = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      }
      parts.push(chunk);
      size += chunk.length;
      if (size < bytes) continue;
      const nl = chunk.lastIndexOf(10);
      if (nl < 0) continue;
      const buf = parts.length === 1 ? chunk : Buffer.concat(parts, size);
      const end = size - (chunk.length - nl);
      yield run(buf, end);
      const rest = buf.subarray(end + 1);
      parts = rest.length ? [rest] : [];
      size = rest.length;
    }
  } catch (e) {
    throw unreadable(path, e);
  }
  if (size > 0) yield run(Buffer.concat(parts, size), size);
}

export function unreadable(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : String((e as Error)?.message ?? e);
  return new InputError('E_INPUT_UNREADABLE', `cannot read ${path}: ${why}`, {
    cause: e,
    hint:
      code === 'ENOENT'
        ? `check the name; relative paths are resolved from ${process.cwd()}`
        : code === 'EISDIR'
          ? 'give the files inside it (e.g. dir/*.ndjson)'
          : code === 'EACCES'
            ? 'check the permissions of the file and its folders'
            : 'check that the file exists and can be read',
  });
}

/** The first `bytes` of a file (for format detection). */
export async function headBytes(path: string, bytes = 8192): Promise<Buffer> {
  const { open } = await import('node:fs/promises');
  let fh;
  try {
    fh = await open(path, 'r');
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } catch (e) {
    throw unreadable(path, e);
  } finally {
    await fh?.close();
  }
}

/** The first `bytes` of a file as text (for format detection). */
export async function head(path: string, bytes = 65536): Promise<string> {
  return (await headBytes(path, bytes)).toString('utf8');
}
