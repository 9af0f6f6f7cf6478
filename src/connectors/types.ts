/**
 * The contract between the hunt runtime and every data source. A connector turns a {@link SourceQuery} (the
 * planner's, `src/hunt/plan/`) into a stream of {@link Observation}s in STIX 2.0 observed-data form (`src/stix/`) —
 * the one shape the hunt cache ingests, whatever the source speaks (STIX 2.0/2.1 bundles, ECS documents from
 * Elastic/OpenSearch or the embedded store).
 */
import type { QueryExplainer, SourceQuery } from '../hunt/plan/index.ts';
import type { Observation } from '../stix/observation.ts';
import type { PeregrineError } from '../errors/index.ts';

/** Progress of a long query, for the CLI's progress line and the kernel's stream messages. */
export interface Progress {
  readonly source: string;
  readonly hits: number;
  readonly total?: number;
  readonly elapsedMs: number;
}

export interface QueryContext {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /** Told what a source skipped without failing (values of an events file that are not events). */
  readonly onWarning?: (w: PeregrineError) => void;
}

/** An opened data source (one profile, one bundle list); EXPLAIN reads its `connector` and `explain`. */
export interface DataSource extends QueryExplainer {
  /** The URI as the user wrote it, e.g. `stixshifter://container1` or `file:///tmp/b.json`. */
  readonly uri: string;
  query(q: SourceQuery, ctx?: QueryContext): AsyncIterable<Observation>;
  close?(): Promise<void>;
}

/** A connector opens data sources for the URIs it understands. */
export interface Connector {
  readonly name: string;
  readonly description: string;
  /**
   * Opens `uri`. For `stixshifter://NAME` URIs the registry resolves the profile first and passes it in `profile`;
   * bundle URIs get none.
   */
  open(uri: string, profile?: SourceProfile): DataSource | Promise<DataSource>;
}

/** A resolved `stixshifter://NAME` profile (from STIXSHIFTER_<NAME>_* env vars or YAML). */
export interface SourceProfile {
  readonly name: string;
  readonly connector: string;
  readonly connection: Record<string, unknown>;
  readonly config: Record<string, unknown>;
  /** Where it came from, for error messages: `env STIXSHIFTER_X_CONNECTION` or a YAML path. */
  readonly origin: string;
}
