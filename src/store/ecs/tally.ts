/**
 * The counts and kept rejections of one append, for every writer of store records: the embedded store and
 * `peregrine ingest --to PROFILE` (a cluster, `src/ingest/elastic-target.ts`) report the same {@link AppendResult}.
 */
import type { AppendProgress, AppendResult, Rejection } from './append.ts';

/** Where a document came from (`null` as DuckDB rows give an absent value). */
export interface RecordPlace {
  readonly file?: number | null;
  readonly line?: number | null;
  readonly id?: string | null;
}

export class AppendTally {
  accepted = 0;
  created = 0;
  updated = 0;
  repeated = 0;
  rejected = 0;
  private readonly rejections: Rejection[] = [];
  private readonly indices = new Set<string>();
  private readonly started = performance.now();

  /** `files`: the names `RecordPlace.file` indexes; `maxRejections`: how many to keep with their reason. */
  constructor(
    private readonly files: readonly string[],
    private readonly maxRejections = 1000,
  ) {}

  /** A document refused, named by its file, line and id where it has them. The count is always exact. */
  reject(at: RecordPlace, reason: string): void {
    this.rejected++;
    if (this.rejections.length >= this.maxRejections) return;
    this.rejections.push({
      ...(at.file != null ? { file: this.files[at.file] ?? `#${at.file}` } : {}),
      ...(at.line != null ? { line: at.line } : {}),
      ...(at.id != null ? { id: at.id } : {}),
      reason,
    });
  }

  /** An index that received documents. */
  indexed(index: string): void {
    this.indices.add(index);
  }

  progress(): AppendProgress {
    return { accepted: this.accepted, rejected: this.rejected, elapsedMs: performance.now() - this.started };
  }

  result(): AppendResult {
    return {
      accepted: this.accepted,
      created: this.created,
      updated: this.updated,
      repeated: this.repeated,
      rejected: this.rejected,
      rejections: this.rejections,
      elapsedMs: performance.now() - this.started,
      indices: [...this.indices].sort(),
    };
  }
}

/** Why a document's text is refused (malformed JSON, or JSON that is not an object); undefined when it is fine. */
export function documentProblem(source: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(source);
  } catch (e) {
    return `malformed JSON: ${(e as Error).message}`;
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return undefined;
  return `the document is ${v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`}, not a JSON object`;
}
