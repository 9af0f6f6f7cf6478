/** Reading text files line by line, fast: large chunks, `indexOf('\n')`, no per-line allocation beyond the slice. */
import { createReadStream } from 'node:fs';
import { InputError } from '../errors/index.ts';

export interface Line {
  /** 1-based line number. */
  readonly n: number;
  readonly text: string;
}

/** The lines of `path` (`-` = stdin), without their `\n` / `\r\n`. */
export async function* readLines(path: string): AsyncGenerator<Line> {
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  stream.setEncoding('utf8');
  let rest = '';
  let n = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const s = rest.length ? rest + chunk : chunk;
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
  return new InputError('E_INPUT_UNREADABLE', `cannot read ${path}: ${why}`, { cause: e });
}

/** The first `bytes` of a file as text (for format detection). */
export async function head(path: string, bytes = 65536): Promise<string> {
  const { open } = await import('node:fs/promises');
  let fh;
  try {
    fh = await open(path, 'r');
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch (e) {
    throw unreadable(path, e);
  } finally {
    await fh?.close();
  }
}
