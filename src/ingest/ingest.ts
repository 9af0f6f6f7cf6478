/**
 * `peregrine ingest`: files → records (per format) → the embedded store, or an Elastic/OpenSearch profile.
 * Rejections carry file:line and the reason; the rest of each file is still ingested.
 */
import { InputError } from '../errors/index.ts';
import { resolveStixShifterProfile } from '../connectors/profiles/index.ts';
import {
  openStore,
  resolveStorePath,
  type AppendProgress,
  type AppendResult,
  type Rejection,
  type StoreLines,
  type StoreRecord,
} from '../store/ecs/index.ts';
import { escapeControls } from '../common/index.ts';
import { bulkToElastic, elasticTarget } from './elastic-target.ts';
import { detectFormat, recordsOf, type Format } from './formats.ts';
import { readLineRuns } from './lines.ts';
import { EventCounts, formatEventCounts, type EventCount } from './windows.ts';

export interface IngestOptions {
  readonly files: readonly string[];
  readonly index?: string;
  readonly format?: Format;
  /** Embedded store path (`--store`); ignored with `to`. */
  readonly store?: string;
  /** A profile name: `local` profiles go to their store, others to Elastic/OpenSearch. */
  readonly to?: string;
  readonly onProgress?: (p: AppendProgress) => void;
  readonly maxRejections?: number;
  /** Elastic only: make the documents searchable before returning. */
  readonly refresh?: boolean;
}

export interface IngestSummary extends AppendResult {
  /** `store PATH` or `profile NAME (URL)`. */
  readonly target: string;
  readonly formats: Readonly<Record<string, string>>;
  /** Windows events read, by source and id (`windows` inputs only). */
  readonly events: readonly EventCount[];
}

export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  if (options.files.length === 0)
    throw new InputError('E_INGEST_NO_FILES', 'no input files', {
      hint: 'peregrine ingest FILE… --index NAME',
    });
  const formats: Record<string, string> = {};
  for (const f of options.files)
    formats[f] = !options.format || options.format === 'auto' ? await detectFormat(f) : options.format;
  if (!options.index && Object.values(formats).some((f) => f !== 'bulk')) {
    throw new InputError(
      'E_INGEST_NO_INDEX',
      'which index? --index NAME is required (only bulk files may name their own)',
      {
        hint: 'e.g. --index container1-sysflow-events',
      },
    );
  }
  const counts = new EventCounts();
  const early: Rejection[] = [];
  let earlyCount = 0;
  const maxRejections = options.maxRejections ?? 1000;
  async function* records(): AsyncGenerator<StoreRecord> {
    for (let fi = 0; fi < options.files.length; fi++) yield* fileRecords(fi);
  }
  /** For the embedded store: NDJSON files as runs of lines (DuckDB splits them), other formats record by record. */
  async function* storeRecords(): AsyncGenerator<StoreRecord | StoreLines> {
    for (let fi = 0; fi < options.files.length; fi++) {
      if (formats[options.files[fi]] !== 'ndjson') yield* fileRecords(fi);
      else
        for await (const r of readLineRuns(options.files[fi]))
          yield { lines: r.text, count: r.count, line: r.first, file: fi };
    }
  }
  async function* fileRecords(fi: number): AsyncGenerator<StoreRecord> {
    const file = options.files[fi];
    for await (const r of recordsOf(file, formats[file] as Exclude<Format, 'auto'>, counts)) {
      if (r.source === undefined) {
        earlyCount++;
        if (early.length < maxRejections) {
          early.push({
            file,
            ...(r.line !== undefined ? { line: r.line } : {}),
            ...(r.id ? { id: r.id } : {}),
            reason: r.reject ?? 'rejected',
          });
        }
        continue;
      }
      yield {
        source: r.source,
        file: fi,
        ...(r.line !== undefined ? { line: r.line } : {}),
        ...(r.id !== undefined ? { id: r.id } : {}),
        ...(r.index ? { index: r.index } : {}),
      };
    }
  }
  const common = {
    files: options.files,
    onProgress: options.onProgress,
    maxRejections,
    ...(options.index ? { index: options.index } : {}),
  };
  let result: AppendResult;
  let target: string;
  const profile = options.to ? resolveStixShifterProfile(options.to) : undefined;
  if (profile && profile.connector !== 'local') {
    const t = elasticTarget(profile);
    target = `profile ${profile.name} (${t.label})`;
    try {
      result = await bulkToElastic(t, records(), { ...common, refresh: options.refresh });
    } finally {
      await t.client.close();
    }
  } else {
    const path = resolveStorePath(
      profile ? String(profile.connection.path ?? '') || undefined : options.store,
    );
    target = `store ${path}`;
    const store = await openStore(path, { mode: 'write' });
    try {
      result = await store.appendRecords(storeRecords(), common);
    } finally {
      await store.close();
    }
  }
  const rejections = [...early, ...result.rejections]
    .sort(
      (a, b) =>
        options.files.indexOf(a.file ?? '') - options.files.indexOf(b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0),
    )
    .slice(0, maxRejections);
  return {
    ...result,
    rejected: result.rejected + earlyCount,
    rejections,
    target,
    formats,
    events: counts.list(),
  };
}

/** The human summary printed after an ingest. */
export function formatSummary(s: IngestSummary): string {
  const rate = s.elapsedMs > 0 ? Math.round((s.accepted / s.elapsedMs) * 1000) : 0;
  const lines = [
    `ingested into ${s.target}: ${s.accepted} accepted (${s.created} new, ${s.updated} replaced${s.repeated ? `, ${s.repeated} repeating an id given earlier in this ingest` : ''}), ${s.rejected} rejected — ${(s.elapsedMs / 1000).toFixed(2)} s, ${rate} docs/s`,
  ];
  if (s.indices.length) lines.push(`indices: ${s.indices.join(', ')}`);
  lines.push(...formatEventCounts(s.events ?? []));
  for (const r of s.rejections) {
    const where = [r.file, r.line].filter((x) => x !== undefined).join(':');
    // a binary line's reason quotes its bytes: never print them raw
    lines.push(`  rejected ${where || '(input)'}${r.id ? ` (id ${r.id})` : ''}: ${r.reason}`);
  }
  if (s.rejected > s.rejections.length)
    lines.push(`  … and ${s.rejected - s.rejections.length} more rejections`);
  // file names, ids, index names and reasons (which quote the data) are never printed raw
  return escapeControls(lines.join('\n'));
}
