/**
 * Streams the observations of one STIX bundle location (a file or an http(s) URL): bytes → {@link BundleScanner}
 * → one `JSON.parse` per element → STIX 2.0 observations. STIX 2.0 bundles stream in constant memory. STIX 2.1
 * bundles keep their SCOs (and observed-data whose SCOs have not been seen yet) until the end, because an
 * observed-data may come before the objects it references.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError, isPeregrineError, type PeregrineError } from '../../errors/index.ts';
import { fileChunks, httpChunks } from '../files/bytes.ts';
import { checkLocation, type BundleLocation } from '../files/location.ts';
import type { Observation, StixObject } from '../../stix/observation.ts';
import { BundleScanner, ScanError, type RawElement } from './json-scanner.ts';
import { checkTimestamp } from '../../stix/index.ts';
import { locateJsonError, positionIn } from '../files/json-locate.ts';
import {
  convertObservedData,
  forEachRef,
  isSco,
  normaliseObservation,
  orphanObservation,
  refsKnown,
} from './stix21.ts';

function sourceName(loc: BundleLocation): string {
  return loc.kind === 'file' ? loc.path : loc.url;
}

function inputError(loc: BundleLocation, e: ScanError): InputError {
  const name = sourceName(loc);
  // The renderer shows line `line` of `text`; we only hold the offending line, so place it there.
  const text = e.lineText === undefined ? undefined : '\n'.repeat(e.line - 1) + e.lineText;
  return new InputError(
    e.code,
    e.code === 'E_NOT_A_BUNDLE'
      ? `not a STIX bundle: ${e.message}`
      : e.code === 'E_BUNDLE_JSON'
        ? `malformed JSON in bundle: ${e.message}`
        : e.message,
    {
      span: { source: name, line: e.line, col: e.col, offset: e.line - 1 + e.col - 1, text },
      hint:
        e.hint ??
        (e.code === 'E_NOT_A_BUNDLE'
          ? 'a bundle is {"type": "bundle", "objects": [ … ]}'
          : 'fix the JSON at this position'),
    },
  );
}

/** The line of `text` (an element that starts at `col` of its first line) holding `offset`, padded to line up. */
function elementLine(text: string, offset: number, col: number): string {
  const a = text.lastIndexOf('\n', offset - 1) + 1;
  let b = text.indexOf('\n', offset);
  if (b < 0) b = text.length;
  const line = text.slice(a, Math.min(b, offset + 40));
  return a === 0 ? ' '.repeat(col - 1) + line : line;
}

/** The start of a local file's first line, so an error about the whole file can still show where it begins. */
function firstLine(loc: BundleLocation): { text?: string } {
  if (loc.kind !== 'file') return {};
  try {
    const fd = openSync(loc.path, 'r');
    try {
      const buf = Buffer.alloc(200);
      const n = readSync(fd, buf, 0, buf.length, 0);
      const text = buf.subarray(0, n).toString('utf8').split(/\r?\n/)[0] ?? '';
      return { text };
    } finally {
      closeSync(fd);
    }
  } catch {
    return {};
  }
}

function notABundle(loc: BundleLocation, scanner: BundleScanner): InputError {
  const type = scanner.top.type;
  const keys = Object.keys(scanner.top);
  let found: string;
  if (typeof type === 'string' && type !== 'bundle' && typeof scanner.top.id === 'string') {
    found = `a single "${type}" object (${scanner.top.id as string})`;
  } else if (keys.includes('objects')) {
    found = 'an "objects" member that is not an array';
  } else if (keys.length > 0) {
    found = `a JSON object with ${keys.map((k) => `"${k}"`).join(', ')} but no "objects" array`;
  } else {
    found = 'an empty JSON object';
  }
  return new InputError('E_NOT_A_BUNDLE', `not a STIX bundle: ${sourceName(loc)} holds ${found}`, {
    span: { source: sourceName(loc), line: 1, col: 1, offset: 0, ...firstLine(loc) },
    hint:
      typeof type === 'string' && type === 'observed-data'
        ? 'wrap it in a bundle: {"type": "bundle", "objects": [ … ]}'
        : 'a bundle is {"type": "bundle", "objects": [ … ]} with observed-data (STIX 2.0) or SCOs + observed-data (STIX 2.1)',
  });
}

/** The common shape of a STIX timestamp; anything else is checked in full (RFC 3339 allows more). */
const PLAIN_TIMESTAMP =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?Z$/;

/**
 * An observed-data whose first_observed / last_observed is not a timestamp is reported where it is written (the
 * hunt cache would otherwise refuse the whole batch with a database error).
 */
function checkTimes(loc: BundleLocation, obj: StixObject, el: RawElement): void {
  for (const key of ['first_observed', 'last_observed'] as const) {
    const v = obj[key];
    if (v === undefined || (typeof v === 'string' && PLAIN_TIMESTAMP.test(v))) continue;
    const problem =
      typeof v === 'string'
        ? checkTimestamp(v)
        : { offset: 0, length: 1, message: `expected a timestamp string, found ${JSON.stringify(v)}` };
    if (!problem) continue;
    const m = new RegExp(`"${key}"\\s*:\\s*"?`).exec(el.text);
    const offset = m ? m.index + m[0].length + (typeof v === 'string' ? problem.offset : 0) : 0;
    const at = positionIn(el.text, offset, el.line, el.col);
    throw inputError(
      loc,
      new ScanError(
        `${key} of objects[${el.index}] is not a timestamp: ${problem.message}`,
        at.line,
        at.col,
        'STIX timestamps are RFC 3339 in UTC, e.g. "2020-06-30T19:25:00.000Z"',
        'E_BUNDLE_TIMESTAMP',
        elementLine(el.text, offset, el.col),
      ),
    );
  }
}

/** What to do with an observed-data that cannot be used (a bad timestamp): by default the read stops with it. */
export interface ReadOptions {
  /** Called with the error instead of throwing it; the observed-data is skipped and the read goes on. */
  readonly onBadObservation?: (error: PeregrineError) => void;
  /** The bytes to read, when the caller already opened the location (e.g. an entry of a zip archive). */
  readonly chunks?: AsyncIterable<Buffer>;
}

/** Streams the observations of one bundle location. */
export async function* readBundle(
  loc: BundleLocation,
  signal?: AbortSignal,
  opts: ReadOptions = {},
): AsyncGenerator<Observation> {
  for await (const batch of readBundleBatches(loc, signal, opts)) yield* batch;
}

/**
 * Streams the observations of one bundle location in batches (one per chunk read), which saves an async hop per
 * observation on the hot path.
 */
export async function* readBundleBatches(
  loc: BundleLocation,
  signal?: AbortSignal,
  opts: ReadOptions = {},
): AsyncGenerator<Observation[]> {
  if (!opts.chunks) checkLocation(loc);
  const scanner = new BundleScanner();
  const chunks = opts.chunks ?? (loc.kind === 'file' ? fileChunks(loc.path) : httpChunks(loc.url, signal));
  // STIX 2.1 state
  const scos = new Map<string, StixObject>();
  const pending: StixObject[] = [];
  const covered = new Set<string>();
  const refTargets = new Set<string>();

  for await (const chunk of chunks) {
    let elements;
    try {
      elements = scanner.feed(chunk);
    } catch (e) {
      if (e instanceof ScanError) throw inputError(loc, e);
      throw e;
    }
    const batch: Observation[] = [];
    for (const el of elements) {
      let obj: StixObject;
      try {
        obj = JSON.parse(el.text) as StixObject;
      } catch {
        const p = locateJsonError(el.text);
        const at = positionIn(el.text, p.offset, el.line, el.col);
        throw inputError(
          loc,
          new ScanError(
            `${p.message} in objects[${el.index}]`,
            at.line,
            at.col,
            undefined,
            'E_BUNDLE_JSON',
            elementLine(el.text, p.offset, el.col),
          ),
        );
      }
      const type = obj.type;
      if (type === 'observed-data') {
        try {
          checkTimes(loc, obj, el);
        } catch (e) {
          if (!opts.onBadObservation || !isPeregrineError(e)) throw e;
          opts.onBadObservation(e);
          continue;
        }
        if (obj.objects && typeof obj.objects === 'object') {
          batch.push(normaliseObservation(obj));
        } else if (Array.isArray(obj.object_refs)) {
          if (refsKnown(obj.object_refs as unknown[], scos))
            batch.push(convertObservedData(obj, scos, covered));
          else pending.push(obj);
        }
      } else if (typeof type === 'string' && isSco(obj)) {
        scos.set(obj.id as string, obj);
        forEachRef(obj, (r) => refTargets.add(r));
      }
    }
    if (batch.length > 0) yield batch;
  }
  try {
    scanner.end();
  } catch (e) {
    if (e instanceof ScanError) throw inputError(loc, e);
    throw e;
  }
  if (!scanner.sawObjects) throw notABundle(loc, scanner);

  if (pending.length > 0) yield pending.map((od) => convertObservedData(od, scos, covered));
  pending.length = 0;
  if (scos.size === 0) return;
  const rest: Observation[] = [];
  // SCOs no observed-data reaches: roots (referenced by no other SCO) first, then whatever is left (cycles).
  for (const id of scos.keys()) {
    if (!covered.has(id) && !refTargets.has(id)) rest.push(orphanObservation(id, scos, covered));
  }
  for (const id of scos.keys()) {
    if (!covered.has(id)) rest.push(orphanObservation(id, scos, covered));
  }
  if (rest.length > 0) yield rest;
}
