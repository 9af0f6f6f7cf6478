/**
 * The error `peregrine ingest` ends with when every document was rejected: positioned at the first rejected line
 * (read again from the file, only on this error path) with its text shown escaped, so a binary file never puts raw
 * control bytes on the terminal.
 */
import { createReadStream } from 'node:fs';
import { locateJsonError } from '../connectors/bundle/index.ts';
import { InputError, type SourceSpan } from '../errors/index.ts';
import { hasControls } from '../common/index.ts';
import type { IngestSummary } from './ingest.ts';

/** How much of a line is kept for the error (the renderer shows one line; a binary "line" can be huge). */
const MAX_LINE = 2000;
/** How far into a file we read to find the line again. */
const MAX_BYTES = 64 << 20;

/** Line `n` (1-based) of `path`, cut at {@link MAX_LINE} characters; undefined when it cannot be read. */
async function lineOf(path: string, n: number): Promise<string | undefined> {
  const stream = createReadStream(path, { highWaterMark: 1 << 16, end: MAX_BYTES - 1 });
  let line = 1;
  const parts: Buffer[] = [];
  let kept = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      while (line < n) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) break;
        line++;
        start = nl + 1;
      }
      if (line < n) continue;
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (kept < MAX_LINE * 4) {
        parts.push(chunk.subarray(start, end));
        kept += end - start;
      }
      if (nl >= 0) break;
    }
  } catch {
    return undefined;
  } finally {
    stream.destroy();
  }
  if (line < n) return undefined;
  return Buffer.concat(parts).toString('utf8').replace(/\r$/, '').slice(0, MAX_LINE);
}

/** A span on line `line` of `source` whose text is that one line (the renderer shows line `line` of `text`). */
function lineSpan(source: string, line: number, lineText: string, col: number): SourceSpan {
  return { source, line, col, offset: col - 1, length: 1, text: '\n'.repeat(line - 1) + lineText };
}

/**
 * The error for an ingest that accepted nothing and rejected something. Positioned at the first rejection when the
 * file is line-oriented (NDJSON, bulk: the rejection's line is a line of the file); otherwise it names the file.
 */
export async function nothingIngestedError(s: IngestSummary): Promise<InputError> {
  const first = s.rejections[0];
  const all =
    s.rejected === 1 ? 'the only document was rejected' : `all ${s.rejected} documents were rejected`;
  const format = first?.file !== undefined ? s.formats[first.file] : undefined;
  let span: SourceSpan | undefined;
  let text: string | undefined;
  if (
    first?.file !== undefined &&
    first.file !== '-' &&
    first.line !== undefined &&
    (format === 'ndjson' || format === 'bulk')
  ) {
    text = await lineOf(first.file, first.line);
    if (text !== undefined) {
      let col = 1;
      try {
        JSON.parse(text);
      } catch {
        col = locateJsonError(text).offset + 1;
      }
      span = lineSpan(first.file, first.line, text, Math.min(col, text.length + 1));
    }
  }
  // positioned, the line itself is shown; otherwise the first reason is all the user gets to see
  const message = span
    ? s.rejected === 1
      ? 'nothing was ingested: the only document, on this line, was rejected'
      : `nothing was ingested: ${all}, the first on this line`
    : `nothing was ingested: ${all}${first ? `; the first: ${first.reason}` : ''}`;
  const binary = (text !== undefined && hasControls(text)) || s.rejections.some((r) => hasControls(r.reason));
  const hint = binary
    ? `${first?.file ?? 'the input'} holds binary data, not text: ingest reads UTF-8 NDJSON (one JSON object per line), Elastic bulk files, JSON or STIX bundles`
    : format === 'bulk'
      ? 'a bulk file alternates action lines ({"index":{…}}) and document lines; fix the lines listed above'
      : format === 'stix'
        ? 'fix the bundle at the place named above (a bundle is {"type": "bundle", "objects": [ … ]})'
        : 'each document must be one JSON object (one per line with -f ndjson); fix the lines listed above or choose the format with -f';
  return new InputError('E_INGEST_REJECTED', message, { ...(span ? { span } : {}), hint });
}
