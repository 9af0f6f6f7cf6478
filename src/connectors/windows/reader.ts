/**
 * Streaming readers of Windows events files: bytes (a file, an http(s) body, an entry of a zip archive) → text
 * (UTF-8, or UTF-16 with its byte-order mark) → JSON values (`json-values.ts`) → classified records (`records.ts`),
 * one batch per chunk read. Memory holds one chunk and one batch.
 *
 * - {@link readEventRecords}: every record, rejections included (`peregrine ingest` lists them; the hunt path counts
 *   them).
 * - {@link readWindowsEvents}: only the flat Windows events (ECS documents of winlogbeat turned back into flat
 *   events), for consumers that want the events as Windows wrote them — the Sigma engine's regression test, for one.
 */
import { InputError } from '../../errors/index.ts';
import { checkLocation, parseLocation, type BundleLocation } from '../files/location.ts';
import { locationEntries, zipProblem, type LocationEntry } from '../files/entries.ts';
import { sniff } from '../files/sniff.ts';
import { ZipError } from '../files/zip.ts';
import type { WindowsEvent } from './event.ts';
import { JsonValueSplitter, type JsonValue } from './json-values.ts';
import { classify, fromWinlogbeat, type EventRecord } from './records.ts';

/** Where a record came from: the location and, inside a zip archive, the member's name. */
export function entryName(loc: BundleLocation, member?: string): string {
  const base = loc.kind === 'file' ? loc.path : loc.url;
  return member === undefined ? base : `${base}!${member}`;
}

/** A value that is not JSON, as a positioned InputError (the line shown under the message). */
export function malformed(source: string, v: JsonValue): InputError {
  const e = v.error!;
  return new InputError('E_EVENTS_JSON', `malformed JSON in events file: ${e.message}`, {
    span: {
      source,
      line: e.line,
      col: e.col,
      offset: e.line - 1 + e.col - 1,
      text: '\n'.repeat(e.line - 1) + e.text,
    },
    hint: 'each event is one JSON object: one per line (JSON lines), one after another, or in one array',
  });
}

export interface ReadOptions {
  readonly signal?: AbortSignal;
}

/**
 * The records of one entry, in batches. A line that is not JSON becomes a `rejected` record in a JSON-lines file;
 * elsewhere (values over several lines) it ends the entry with an InputError, since nothing after it can be cut.
 */
export async function* entryRecordBatches(
  entry: LocationEntry,
  source: string,
  opts: ReadOptions = {},
): AsyncGenerator<EventRecord[]> {
  const utf16 = entry.head[0] === 0xff && entry.head[1] === 0xfe;
  const decoder = new TextDecoder(utf16 ? 'utf-16le' : 'utf-8');
  const splitter = new JsonValueSplitter();
  const toRecords = (values: JsonValue[]): EventRecord[] => {
    const out: EventRecord[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v.error) {
        if (splitter.failed) throw malformed(source, v);
        out[i] = {
          kind: 'rejected',
          reason: `malformed JSON: ${v.error.message}`,
          line: v.line,
          col: v.error.col,
        };
      } else out[i] = classify(v.value, v.line, v.col);
    }
    return out;
  };
  for await (const chunk of entry.chunks) {
    if (opts.signal?.aborted) return;
    const batch = toRecords(splitter.feed(decoder.decode(chunk, { stream: true })));
    if (batch.length) yield batch;
  }
  const last = toRecords([...splitter.feed(decoder.decode()), ...splitter.end()]);
  if (last.length) yield last;
}

/** The entries of `loc` that hold events (a zip's other members are skipped), with their source names. */
async function* eventEntries(
  loc: BundleLocation,
  signal?: AbortSignal,
): AsyncGenerator<{ entry: LocationEntry; source: string }> {
  for await (const entry of locationEntries(loc, signal)) {
    const source = entryName(loc, entry.member);
    const kind = sniff(entry.head);
    if (kind === 'events') yield { entry, source };
    else if (kind === 'evtx') throw evtxUnsupported(source);
    else if (entry.member === undefined) {
      throw new InputError('E_NOT_EVENTS', `${source} does not hold Windows events or ECS documents`, {
        hint: 'give JSON events: OTRF Security-Datasets JSON lines, Event.System/EventData JSON, or winlogbeat ECS documents',
      });
    }
  }
}

/** The records of every events entry of `loc` (a path, `file://` or `http(s)://` URI, or a parsed location). */
export async function* readEventRecords(
  location: string | BundleLocation,
  opts: ReadOptions = {},
): AsyncGenerator<EventRecord & { readonly source: string }> {
  const loc = typeof location === 'string' ? parseLocation(location) : location;
  checkLocation(loc);
  try {
    for await (const { entry, source } of eventEntries(loc, opts.signal)) {
      for await (const batch of entryRecordBatches(entry, source, opts))
        for (const r of batch) yield { ...r, source };
    }
  } catch (e) {
    if (e instanceof ZipError) throw zipProblem(loc, e);
    throw e;
  }
}

/**
 * The Windows events of `location` as flat records (`EventID`, `Channel`, `Provider`, `Computer`, `TimeCreated`,
 * …, and the EventData fields by name). Values that are not events are passed to `onRejected` when given, else the
 * read stops with an InputError at the first one.
 */
export async function* readWindowsEvents(
  location: string | BundleLocation,
  opts: ReadOptions & {
    readonly onRejected?: (r: { source: string; line: number; col: number; reason: string }) => void;
  } = {},
): AsyncGenerator<WindowsEvent> {
  for await (const r of readEventRecords(location, opts)) {
    if (r.kind === 'windows') {
      yield r.event;
      continue;
    }
    const event = r.kind === 'ecs' ? fromWinlogbeat(r.doc) : undefined;
    if (event) {
      yield event;
      continue;
    }
    const reason = r.kind === 'rejected' ? r.reason : 'an ECS document without winlog (not a Windows event)';
    if (opts.onRejected) opts.onRejected({ source: r.source, line: r.line, col: r.col, reason });
    else
      throw new InputError('E_NOT_AN_EVENT', `${reason}`, {
        span: { source: r.source, line: r.line, col: r.col, offset: 0 },
        hint: 'pass onRejected to skip values that are not Windows events',
      });
  }
}

/** `.evtx` files are recognised but not read: see docs/windows.md for why. */
export function evtxUnsupported(source: string): InputError {
  return new InputError(
    'E_EVTX_UNSUPPORTED',
    `${source} is a binary EVTX log, which Peregrine does not read`,
    {
      hint: 'convert it to JSON first (e.g. evtx_dump -o jsonl FILE, or Get-WinEvent … | ConvertTo-Json) and give that file; docs/windows.md says why',
    },
  );
}
