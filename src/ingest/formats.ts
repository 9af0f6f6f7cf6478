/**
 * Input formats of `peregrine ingest`, each turned into a stream of {@link IngestRecord}s (document text + where it
 * came from):
 * - `ndjson`: one ECS document per line (blank lines skipped).
 * - `bulk`: Elastic `_bulk` bodies — an action line (`index` / `create`, optional `_index` and `_id`) then the
 *   document line; `delete` and `update` actions are rejected with a reason.
 * - `stix`: a STIX 2.0 bundle (or a JSON array of observed-data); each observed-data becomes its ECS equivalent
 *   through the field map read backwards (`src/mapping/stix-to-ecs.ts`).
 * - `json`: one JSON document, or a JSON array of documents.
 * - `windows`: Windows events (OTRF JSON lines, Event.System/EventData JSON, winlogbeat documents; plain or zipped),
 *   each made an ECS document by the Windows → ECS map (`windows.ts`).
 * `auto` looks at the start of the file: a zip archive, or JSON with Windows event keys, is `windows`.
 */
import { readFile } from 'node:fs/promises';
import { locateJsonError, parseLocation, readBundle } from '../connectors/bundle/index.ts';
import { InputError, isPeregrineError, spanAt, type PeregrineError } from '../errors/index.ts';
import { stixEcsMap } from '../mapping/index.ts';
import { compileStixToEcs } from '../mapping/stix-to-ecs.ts';
import { sniff } from '../connectors/files/sniff.ts';
import { head, headBytes, readLines, unreadable } from './lines.ts';
import { EventCounts as EventCountsSink, windowsRecords, type EventCounts } from './windows.ts';

export const FORMATS = ['auto', 'ndjson', 'bulk', 'stix', 'json', 'windows'] as const;
export type Format = (typeof FORMATS)[number];

/** A document to ingest, or a rejection found while reading (then `source` is absent). */
export interface IngestRecord {
  readonly source?: string;
  readonly id?: string;
  readonly index?: string;
  readonly line?: number;
  /** Set for records refused before they reach the target. */
  readonly reject?: string;
}

const BULK_ACTIONS = new Set(['index', 'create', 'update', 'delete']);

function bulkAction(text: string): { action: string; meta: Record<string, unknown> } | undefined {
  if (!text.startsWith('{')) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1 || !BULK_ACTIONS.has(keys[0])) return undefined;
  const meta = (v as Record<string, unknown>)[keys[0]];
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return undefined;
  return { action: keys[0], meta: meta as Record<string, unknown> };
}

/** Keys only Windows events have (winlogbeat documents, which are ECS already, have none of them). */
const WINDOWS_KEYS = /"(EventID|Event|SyslogMessage)"\s*:/;

/** Guesses the format of `path` from its first 64 KiB. */
export async function detectFormat(path: string): Promise<Exclude<Format, 'auto'>> {
  if (path === '-') return 'ndjson';
  const bytes = await headBytes(path);
  const kind = sniff(bytes);
  if (kind === 'zip' || kind === 'evtx') return 'windows';
  if (kind === 'events' && WINDOWS_KEYS.test(bytes.toString('utf8'))) return 'windows';
  const text = (await head(path)).replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    return /^\[\s*\{[^{}]*"type"\s*:\s*"(observed-data|bundle)"/.test(trimmed) ? 'stix' : 'json';
  }
  const firstLine = trimmed.split('\n', 1)[0].trim();
  if (bulkAction(firstLine)) return 'bulk';
  let first: unknown;
  try {
    first = JSON.parse(firstLine);
  } catch {
    // a pretty-printed document or bundle: one JSON value over many lines
    return /"type"\s*:\s*"bundle"/.test(trimmed.slice(0, 4096))
      ? 'stix'
      : trimmed.startsWith('{') && !trimmed.includes('}\n{')
        ? 'json'
        : 'ndjson';
  }
  if (first && typeof first === 'object' && (first as { type?: unknown }).type === 'bundle') return 'stix';
  return 'ndjson';
}

export async function* ndjsonRecords(path: string): AsyncGenerator<IngestRecord> {
  for await (const { n, text } of readLines(path)) {
    if (text.length === 0 || /^\s*$/.test(text)) continue;
    yield { source: text, line: n };
  }
}

export async function* bulkRecords(path: string): AsyncGenerator<IngestRecord> {
  let pending: { action: string; meta: Record<string, unknown>; line: number } | undefined;
  for await (const { n, text } of readLines(path)) {
    if (/^\s*$/.test(text)) continue;
    if (pending) {
      const p = pending;
      pending = undefined;
      const id =
        typeof p.meta._id === 'string' || typeof p.meta._id === 'number' ? String(p.meta._id) : undefined;
      const index = typeof p.meta._index === 'string' ? p.meta._index : undefined;
      if (p.action === 'update') {
        yield {
          line: n,
          reject: `"update" actions are not supported (action on line ${p.line})`,
          ...(id ? { id } : {}),
        };
        continue;
      }
      yield { source: text, line: n, ...(id !== undefined ? { id } : {}), ...(index ? { index } : {}) };
      continue;
    }
    const a = bulkAction(text);
    if (!a) {
      yield { line: n, reject: 'expected a bulk action line like {"index":{"_id":"…"}}' };
      continue;
    }
    if (a.action === 'delete') {
      yield { line: n, reject: '"delete" actions are not supported' };
      continue;
    }
    pending = { ...a, line: n };
  }
  if (pending) yield { line: pending.line, reject: 'bulk action line without a document after it' };
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw unreadable(path, e);
  }
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch (e) {
    // one JSON document: nothing in it can be ingested — say where it breaks
    // V8's "Unexpected token 'x', "…" is not valid JSON" quotes the text (binary, line breaks) but not where:
    // then position and message come from scanning the text
    const v8 = (e as Error).message;
    const at = /at position (\d+)/.exec(v8);
    const located = at ? undefined : locateJsonError(body);
    const message = located ? located.message : v8;
    // an error at the end of the text points just after its last character, not at a blank last line
    const end = body.trimEnd().length;
    const offset = Math.min(at ? Number(at[1]) : located!.offset, end);
    throw new InputError(
      'E_INGEST_JSON',
      `${path} is not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
      {
        span: spanAt(path, body, offset),
        hint: 'a JSON file holds one document or an array of documents; for one document per line use -f ndjson',
      },
    );
  }
}

export async function* jsonRecords(path: string): AsyncGenerator<IngestRecord> {
  const v = await readJson(path);
  const docs = Array.isArray(v) ? v : [v];
  let i = 0;
  for (const d of docs) {
    i++;
    yield { source: JSON.stringify(d), line: i };
  }
}

/**
 * STIX bundles through the bundle connector's streamed reader (STIX 2.0 observed-data, 2.1 SCOs + observed-data,
 * orphan SCOs), each observation turned into its ECS equivalent. `line` is the observation's ordinal in the
 * bundle. A bundle that stops being valid JSON ends with one rejection saying where; what came before is kept.
 */
export async function* stixRecords(path: string): AsyncGenerator<IngestRecord> {
  const convert = compileStixToEcs(stixEcsMap());
  let i = 0;
  // An observed-data that cannot be used (a bad timestamp) is rejected at its line in the file; the rest of the
  // bundle goes on.
  const bad: IngestRecord[] = [];
  const onBadObservation = (e: PeregrineError): void => {
    bad.push({
      line: e.span?.line ?? i + 1,
      reject: `${e.message}${e.span ? ` (at ${e.span.line}:${e.span.col})` : ''}`,
    });
  };
  try {
    for await (const obs of readBundle(parseLocation(path), undefined, { onBadObservation })) {
      yield* bad.splice(0);
      i++;
      const { doc } = convert(obs);
      if (Object.keys(doc).length <= 1) {
        yield { line: i, id: obs.id, reject: `${obs.id} has nothing the field map can express in ECS` };
        continue;
      }
      yield { source: JSON.stringify(doc), line: i, id: obs.id };
    }
    yield* bad.splice(0);
  } catch (e) {
    if (!isPeregrineError(e)) throw e;
    yield* bad.splice(0);
    yield { line: i + 1, reject: `${e.message}${e.span ? ` (at ${e.span.line}:${e.span.col})` : ''}` };
  }
}

export function recordsOf(
  path: string,
  format: Exclude<Format, 'auto'>,
  counts?: EventCounts,
): AsyncGenerator<IngestRecord> {
  switch (format) {
    case 'windows':
      return windowsRecords(path, counts ?? new EventCountsSink());
    case 'ndjson':
      return ndjsonRecords(path);
    case 'bulk':
      return bulkRecords(path);
    case 'json':
      return jsonRecords(path);
    case 'stix':
      return stixRecords(path);
  }
}
