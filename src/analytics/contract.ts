/**
 * The analytic contract (APPLY X ON a, b WITH k=v, …). An analytic is handed the input variables (records
 * variables of the hunt cache, read through its entity-table operations), the WITH arguments and a cancellation
 * signal; it returns
 * - attribute updates: per entity (by its key, the `id` column of the entity table), values of attributes that are
 *   merged into every record of that entity — usable at once in WHERE, SORT, GROUP, DISP and saved by SAVE;
 * - displays ({@link GraphicDisplay}, text or tables).
 * Analytics do not write the cache: the APPLY runner merges the updates through one cache operation.
 */
import type { HuntCache } from '../store/cache/index.ts';
import type { GraphicDisplay } from './display.ts';

/** One input variable: its name in the huntflow, its entity type and its id in the cache. */
export interface AnalyticVariable {
  readonly name: string;
  readonly type: string;
  readonly vid: number;
}

/** A WITH argument an analytic understands (listed by `peregrine analytics`). */
export interface ArgSpec {
  readonly name: string;
  readonly type: 'string' | 'number' | 'boolean' | 'list';
  readonly description: string;
  /** Shown as the default; the analytic applies it. */
  readonly default?: string | number | boolean;
  readonly choices?: readonly string[];
}

export interface AnalyticContext {
  readonly cache: HuntCache;
  readonly inputs: readonly AnalyticVariable[];
  /** WITH arguments as the huntflow wrote them (lists as arrays, `var.attr` as `{variable, attribute}`). */
  readonly args: Readonly<Record<string, unknown>>;
  /** Where relative paths (files, modules, databases) resolve: the working directory unless the session says otherwise. */
  readonly baseDir: string;
  readonly signal?: AbortSignal;
}

/** Values of `columns` for entities of `type`: each row is `[entity key, value of columns[0], …]`; null: no value. */
export interface AttributeUpdate {
  readonly type: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** A display an analytic returns: graphics, text or a table. */
export type AnalyticDisplay =
  | GraphicDisplay
  | { readonly kind: 'text'; readonly title?: string; readonly text: string }
  | {
      readonly kind: 'table';
      readonly title?: string;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly unknown[])[];
    };

export interface AnalyticResult {
  readonly updates?: readonly AttributeUpdate[];
  readonly displays?: readonly AnalyticDisplay[];
}

export interface Analytic {
  /** What APPLY names: `geoip` (also `analytics://geoip`). */
  readonly name: string;
  readonly description: string;
  readonly args: readonly ArgSpec[];
  /** Entity types the analytic reads; absent: any. */
  readonly inputTypes?: readonly string[];
  run(ctx: AnalyticContext): Promise<AnalyticResult>;
}
