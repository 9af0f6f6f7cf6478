/**
 * The bytes of a data-source location — a local file or an http(s) URL — as a stream of chunks (1 MiB reads).
 */
import { createReadStream } from 'node:fs';
import { ConnectorError } from '../../errors/index.ts';

/** The chunks of a local file. */
export async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}

/** The body of an http(s) GET as it arrives; an unreachable server or an error status is a ConnectorError. */
export async function* httpChunks(url: string, signal?: AbortSignal): AsyncGenerator<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    // fetch says only "fetch failed"; the reason (refused, unknown host, bad port) is its cause
    const why = ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message;
    throw new ConnectorError('E_BUNDLE_HTTP', `cannot fetch ${url}: ${why}`, {
      hint: 'check the URL and that the server is reachable',
      cause: e,
    });
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new ConnectorError(
      'E_BUNDLE_HTTP',
      `fetching ${url} failed: HTTP ${res.status} ${res.statusText}`.trim(),
      {
        hint:
          res.status === 404 ? 'the server has no file at this URL' : 'the server refused to send the file',
      },
    );
  }
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
