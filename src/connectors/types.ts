/**
 * The contract between the hunt runtime and every data source. A connector turns a {@link SourceQuery} into a stream
 * of {@link Observation}s in STIX 2.0 observed-data form — the one shape the hunt cache ingests, whatever the source
 * speaks (STIX 2.0/2.1 bundles, ECS documents from Elastic/OpenSearch or the embedded store).
 */
import type { Pattern } from '../stix/ast.ts';

/** A STIX cyber-observable inside an observation; `*_ref(s)` hold keys of the same `objects` map. */
export interface StixObject {
  type: string;
  [attr: string]: unknown;
}

/** STIX 2.0 observed-data. STIX 2.1 SCO graphs are converted into this form by the reader that meets them. */
export interface Observation {
  id: string;
  first_observed: string;
  last_observed: string;
  number_observed: number;
  objects: Record<string, StixObject>;
}

/** What the runtime asks a source for: observations of which entities of `entityType` match `pattern`. */
export interface SourceQuery {
  readonly entityType: string;
  /** The full STIX pattern, time qualifiers included; null = everything of entityType in the time range. */
  readonly pattern: Pattern | null;
  /** STOP exclusive, ISO 8601. Already folded into `pattern` when it has a START/STOP qualifier. */
  readonly timeRange?: { readonly start: string; readonly stop: string };
  /** Maximum number of records (observations) wanted; undefined = all. */
  readonly limit?: number;
}

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
}

/** An opened data source (one profile, one bundle list). */
export interface DataSource {
  /** The URI as the user wrote it, e.g. `stixshifter://container1` or `file:///tmp/b.json`. */
  readonly uri: string;
  /** Connector name, e.g. `bundle`, `elastic_ecs`, `local`. */
  readonly connector: string;
  query(q: SourceQuery, ctx?: QueryContext): AsyncIterable<Observation>;
  /** The native query value (DSL object, SQL + parameters, or a description) — shown by EXPLAIN, never secrets. */
  explain(q: SourceQuery): unknown;
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
