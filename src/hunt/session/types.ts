/**
 * The public data of a hunt session: what `execute` returns and what displays look like. Plain data only, so the
 * CLI, the REPL and the Jupyter kernel render the same objects (`src/render/`).
 */
import type { PeregrineError } from '../../errors/index.ts';
import type { ProfileResolver } from '../../connectors/registry.ts';
import type { Progress } from '../../connectors/types.ts';
import type { Display } from '../commands/index.ts';

export type { Display, Progress };

/** One variable as the execution summary shows it. */
export interface VariableSummary {
  readonly name: string;
  /** STIX entity type. */
  readonly type: string;
  /** Distinct entities (records of the same entity count once). */
  readonly entities: number;
  /** Records: occurrences of the entities in observations (LIMIT counts these). */
  readonly records: number;
  /** Records of other types cached in the same observations, by type (Kestrel's `ipv4-addr*` columns). */
  readonly related: Readonly<Record<string, number>>;
  /** Time the statement that (re)defined the variable took, ms. */
  readonly timeMs: number;
}

export interface ExecuteResult {
  readonly displays: readonly Display[];
  /** Variables assigned by this execution, in order (a reassigned variable appears once, at its last place). */
  readonly summary: readonly VariableSummary[];
  /** Non-fatal problems (unknown attributes, …). */
  readonly warnings: readonly PeregrineError[];
}

export interface SessionOptions {
  /** DuckDB file for the hunt cache; default in-memory. */
  readonly cachePath?: string;
  /** Half-width of the time window inferred around referenced variables (default 5, env PEREGRINE_TIME_WINDOW). */
  readonly timeWindowMinutes?: number;
  /** Where `stixshifter://NAME` profiles resolve; default environment variables and the profile file. */
  readonly profiles?: ProfileResolver;
}

export interface ExecuteOptions {
  /** Name of the input in error spans (file path, `<cell 3>`); default `<huntflow>`. */
  readonly sourceName?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /** Where APPLY's relative paths resolve; default the working directory (as GET's file:// paths). */
  readonly baseDir?: string;
  /** Called with each display as soon as it is ready (it is also in the result). */
  readonly onDisplay?: (d: Display) => void;
}
