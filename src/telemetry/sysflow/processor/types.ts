/**
 * The processor's contracts: what the policy stage returns for an event, what flows from the policy stage to the
 * exporters, and what an exporter is. The policy engine itself (`../policy/`, H6) is reached only through
 * {@link PolicyStage}.
 */
import type { ResolvedEvent } from '../records/index.ts';

/** Policy engine modes (sf-processor): `alert` passes only records some rule matched; `enrich` passes every record. */
export type PolicyMode = 'alert' | 'enrich';

/** One rule that matched a record. */
export interface RuleMatch {
  /** The rule's name (`rule:` key) — becomes ECS `rule.name`. */
  readonly name: string;
  readonly description?: string;
  /**
   * The rule's priority as written (`low|medium|high` or a syslog level `emergency…debug`), lower-cased — becomes
   * ECS `event.severity` via `severityOf`.
   */
  readonly priority: string;
  /** The rule's tags as written (`mitre:T1059`, `actionable-offense`, …). */
  readonly tags: readonly string[];
  /** File the rule came from (informational). */
  readonly source?: string;
}

/** What the policy stage decides for one record. */
export interface PolicyResult {
  /** A drop filter matched: the record leaves the pipeline. */
  readonly drop: boolean;
  /** Rules whose condition held, in policy order; empty when none. */
  readonly matches: readonly RuleMatch[];
}

/** The policy stage as the processor sees it: a pure decision per record. */
export interface PolicyStage {
  process(ev: ResolvedEvent): PolicyResult;
}

/** A record on its way to the exporters. */
export interface ProcessedEvent {
  readonly event: ResolvedEvent;
  /** Rules that matched (empty when there is no policy stage or none matched). */
  readonly matches: readonly RuleMatch[];
}

/** True when a rule matched — ECS `event.kind: alert`, the `-alerts` index. */
export function isAlert(p: ProcessedEvent): boolean {
  return p.matches.length > 0;
}

/** Counts an exporter reports when it closes. */
export interface ExportStats {
  readonly exporter: string;
  /** Records accepted by the exporter. */
  readonly written: number;
  readonly alerts: number;
  /** Extra figures (e.g. spooled, retried, duplicates). */
  readonly detail?: Readonly<Record<string, number | string>>;
}

/**
 * An exporter: receives processed events one at a time; may return a promise to apply back-pressure (the pipeline
 * awaits it before pushing the next record). `close` flushes and releases resources.
 */
export interface Exporter {
  readonly name: string;
  write(ev: ProcessedEvent): void | Promise<void>;
  close(): Promise<ExportStats>;
}

/**
 * ECS `event.severity` of an sf-processor priority: sf-processor folds every priority into low/medium/high
 * (Falco's debug/info/informational/notice → low, warning → medium, error/critical/alert/emergency → high) and
 * writes the level + 1, so low = 1, medium = 2, high = 3. Unknown words count as low, as in sf-processor.
 */
export function severityOf(priority: string): number {
  switch (priority.toLowerCase()) {
    case 'medium':
    case 'warning':
      return 2;
    case 'high':
    case 'error':
    case 'critical':
    case 'alert':
    case 'emergency':
      return 3;
    default:
      return 1;
  }
}
