/**
 * Events files as hunt data: each record → an ECS document (a Windows event through the Windows → ECS map; an ECS
 * document as it is) → a STIX observation through the same ECS → STIX map the Elastic connector and the embedded
 * store use, so a file hunted directly and the same file after `peregrine ingest` give the same entities.
 *
 * Observation ids are deterministic (a hash of the entry's name and the value's ordinal), so reading a file again —
 * as prefetch does — gives the same ids. Records that are not events are skipped and counted; the count reaches the
 * caller as one warning per entry.
 */
import { createHash } from 'node:crypto';
import { InputError, type PeregrineError } from '../../errors/index.ts';
import { ecsToStix } from '../../mapping/index.ts';
import type { Observation } from '../../stix/observation.ts';
import { NO_TIME } from '../../stix/observation.ts';
import type { LocationEntry } from '../files/entries.ts';
import { windowsToEcs } from './ecs/convert.ts';
import { entryRecordBatches } from './reader.ts';

export interface ObservationReadOptions {
  readonly signal?: AbortSignal;
  /** Told, once per entry, how many of its values were not events (and where the first one was). */
  readonly onWarning?: (w: PeregrineError) => void;
}

/** The observations of one events entry, in batches. */
export async function* eventObservationBatches(
  entry: LocationEntry,
  source: string,
  opts: ObservationReadOptions = {},
): AsyncGenerator<Observation[]> {
  const mapper = ecsToStix();
  const h = createHash('sha256').update(source).digest('hex');
  const prefix = `observed-data--${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-`;
  let ordinal = 0;
  let skipped = 0;
  let firstSkip: { line: number; col: number; reason: string } | undefined;
  for await (const batch of entryRecordBatches(entry, source, opts)) {
    const out: Observation[] = [];
    for (const r of batch) {
      const id = prefix + (ordinal++).toString(16).padStart(12, '0');
      if (r.kind === 'rejected') {
        skipped++;
        firstSkip ??= r;
        continue;
      }
      const doc = r.kind === 'windows' ? windowsToEcs(r.event).doc : r.doc;
      const ob = mapper.observation(doc, id);
      // an event without a time is outside every time-bounded query (as bundle objects without one), never "now"
      if (doc['@timestamp'] === undefined)
        out.push({ ...ob, first_observed: NO_TIME, last_observed: NO_TIME });
      else out.push(ob);
    }
    if (out.length) yield out;
  }
  if (skipped && opts.onWarning) {
    opts.onWarning(
      new InputError(
        'W_NOT_EVENTS',
        `${skipped} value${skipped === 1 ? '' : 's'} of ${source} ${skipped === 1 ? 'is' : 'are'} not events and ${skipped === 1 ? 'was' : 'were'} skipped (first at line ${firstSkip!.line}: ${firstSkip!.reason})`,
        {
          span: { source, line: firstSkip!.line, col: firstSkip!.col, offset: 0 },
          hint: 'peregrine ingest lists each of them',
        },
      ),
    );
  }
}
