/**
 * The bundle data source: one or more file or http(s) locations (comma-separated URIs) read as one source — STIX
 * bundles, or Windows events / ECS documents files, plain or zipped, each read by what it holds
 * (`./observations.ts`). `query` streams
 * every location in order and yields the observations that pass, in single-observation mode, the STIX matcher
 * (`q.pattern`), the time range (`first_observed` in [start, stop)) and, without a pattern, contain an object of
 * `q.entityType`; it stops after `q.limit` observations.
 */
import { CancelledError, InputError } from '../../errors/index.ts';
import { compileObservationFilter, printPattern } from '../../stix/index.ts';
import { timestampMicros } from '../../stix/timestamp.ts';
import type { DataSource, QueryContext } from '../types.ts';
import type { Observation } from '../../stix/observation.ts';
import type { SourceQuery } from '../../hunt/plan/index.ts';
import { locationObservationBatches } from './observations.ts';
import { checkLocation, parseLocation, type BundleLocation } from '../files/location.ts';

const PROGRESS_EVERY = 5000;

/** Splits a source URI list: `a.json, file:///b.json` → two locations. */
export function splitUris(uri: string): string[] {
  return uri
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
}

export class BundleSource implements DataSource {
  readonly connector = 'bundle';
  readonly locations: readonly BundleLocation[];

  constructor(readonly uri: string) {
    const parts = splitUris(uri);
    if (parts.length === 0) {
      throw new InputError('E_BUNDLE_URI', 'empty bundle location', {
        hint: 'give a path, file:///path or http(s)://url',
      });
    }
    this.locations = parts.map(parseLocation);
    for (const loc of this.locations) checkLocation(loc);
  }

  async *query(q: SourceQuery, ctx: QueryContext = {}): AsyncGenerator<Observation> {
    const filter = q.pattern ? compileObservationFilter(q.pattern) : hasObjectOfType(q.entityType);
    const start = q.timeRange ? timestampMicros(q.timeRange.start) : NaN;
    const stop = q.timeRange ? timestampMicros(q.timeRange.stop) : NaN;
    if (q.timeRange && (Number.isNaN(start) || Number.isNaN(stop))) {
      throw new InputError(
        'E_BAD_TIMESTAMP',
        `invalid time range ${q.timeRange.start} – ${q.timeRange.stop}`,
        {
          hint: 'time ranges are RFC 3339 timestamps',
        },
      );
    }
    const limit = q.limit ?? Infinity;
    if (limit <= 0) return;
    const t0 = Date.now();
    let hits = 0;
    let seen = 0;
    let reported = 0;
    for (const loc of this.locations) {
      for await (const batch of locationObservationBatches(loc, ctx)) {
        if (ctx.signal?.aborted) throw new CancelledError();
        for (const obs of batch) {
          if (q.timeRange) {
            const t = timestampMicros(obs.first_observed);
            if (!(t >= start && t < stop)) continue;
          }
          if (!filter(obs)) continue;
          hits++;
          yield obs;
          if (hits >= limit) return;
        }
        seen += batch.length;
        if (ctx.onProgress && seen - reported >= PROGRESS_EVERY) {
          reported = seen;
          ctx.onProgress({ source: this.uri, hits, elapsedMs: Date.now() - t0 });
        }
      }
    }
    ctx.onProgress?.({ source: this.uri, hits, total: hits, elapsedMs: Date.now() - t0 });
  }

  explain(q: SourceQuery): unknown {
    return {
      connector: 'bundle',
      sources: this.locations.map((l) => (l.kind === 'file' ? { file: l.path } : { url: l.url })),
      entityType: q.entityType,
      pattern: q.pattern ? printPattern(q.pattern) : null,
      timeRange: q.timeRange ?? null,
      limit: q.limit ?? null,
      evaluation:
        'local: each bundle or events file is streamed (Windows events and ECS documents become observations through ' +
        'the Windows → ECS and ECS → STIX maps) and every observation is tested by the STIX matcher in single-observation mode ' +
        '(an observation matching any [ … ] of the pattern is returned; START/STOP and the time range apply to first_observed, STOP exclusive)',
    };
  }
}

function hasObjectOfType(type: string): (obs: Observation) => boolean {
  if (!type) return () => true;
  return (obs) => {
    for (const k in obs.objects) if (obs.objects[k]!.type === type) return true;
    return false;
  };
}
