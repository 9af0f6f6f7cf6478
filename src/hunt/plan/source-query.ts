/**
 * The source-query contract: what the planner asks one data source for (the piece of a statement pushed down), what
 * every backend compiler (`src/backends/*`) compiles into its native query value and what every connector answers.
 * It is the planner's output, so it lives here, below the backends and connectors that consume it.
 */
import type { Pattern } from '../../stix/ast.ts';

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

/** What EXPLAIN needs of an opened data source: its connector's name and the native query value of a query. */
export interface QueryExplainer {
  /** Connector name, e.g. `bundle`, `elastic_ecs`, `local`. */
  readonly connector: string;
  /** The native query value (DSL object, SQL + parameters, or a description) — shown by EXPLAIN, never secrets. */
  explain(q: SourceQuery): unknown;
}
