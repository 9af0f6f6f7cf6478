/**
 * The observations of one file or http(s) location, whatever it holds: every entry (the location itself, or each
 * file of a zip archive) is read by the reader its content calls for — a STIX bundle by the bundle reader, Windows
 * events and ECS documents by the Windows reader. A zip member that is not JSON (a README) is skipped.
 */
import type { PeregrineError } from '../../errors/index.ts';
import type { Observation } from '../../stix/observation.ts';
import { checkLocation, type BundleLocation } from '../files/location.ts';
import { readBundleBatches } from './reader.ts';
import { entryName, evtxUnsupported } from '../windows/reader.ts';
import { eventObservationBatches } from '../windows/observations.ts';
import { locationEntries, zipProblem } from '../files/entries.ts';
import { sniff } from '../files/sniff.ts';
import { ZipError } from '../files/zip.ts';

export interface LocationReadOptions {
  readonly signal?: AbortSignal;
  readonly onWarning?: (w: PeregrineError) => void;
}

export async function* locationObservationBatches(
  loc: BundleLocation,
  opts: LocationReadOptions = {},
): AsyncGenerator<Observation[]> {
  checkLocation(loc);
  try {
    for await (const entry of locationEntries(loc, opts.signal)) {
      const kind = sniff(entry.head);
      const source = entryName(loc, entry.member);
      if (kind === 'events') yield* eventObservationBatches(entry, source, opts);
      else if (kind === 'evtx') throw evtxUnsupported(source);
      else if (kind === 'other' && entry.member !== undefined) continue;
      else yield* readBundleBatches(loc, opts.signal, { chunks: entry.chunks });
    }
  } catch (e) {
    if (e instanceof ZipError) throw zipProblem(loc, e);
    throw e;
  }
}
