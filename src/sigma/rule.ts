/**
 * A rule ready to match: its detection lowered, mapped for a target and compiled. Two targets:
 * - `raw` — events carrying Sigma's own field names (a Sysmon record's `EventData` with `EventID` and `Channel`):
 *   fields are read as named, and the logsource's event condition (Sysmon event id, channel) is added unless
 *   `logsource: false`.
 * - `ecs` — ECS documents (the hunt's stores, Elastic, SysFlow's ECS export): fields go through the product's
 *   mapping; the logsource condition (`event.category`…) is added only with `logsource: true`, since a hunt's
 *   entity already says what its records are.
 */
import type { Level, Rule } from './ast.ts';
import type { RuleSource } from './errors.ts';
import { Expr } from './ir.ts';
import { lowerRule, type LowerOptions } from './lower.ts';
import { compileExpr, EventView, type EventSource, type Predicate } from './match.ts';
import {
  logsourceCondition,
  resolveLogsource,
  toEcs,
  toRaw,
  type ResolvedLogsource,
} from './mapping/resolve.ts';
import type { SigmaMappingData } from './mapping/schema.ts';
import { deepFreeze } from '../common/freeze.ts';

export type Target = 'raw' | 'ecs';

export interface CompileRuleOptions extends LowerOptions {
  readonly target?: Target;
  /** Add the logsource's event condition (default: true for `raw`, false for `ecs`). */
  readonly logsource?: boolean;
  /** Mapping lookup by product (default: the built-in mappings). */
  readonly mappings?: (product: string) => SigmaMappingData | undefined;
}

export interface CompiledRule {
  readonly rule: Rule;
  readonly source?: RuleSource;
  readonly logsource: ResolvedLogsource;
  readonly target: Target;
  /** The detection over Sigma's field names. */
  readonly detection: Expr;
  /** What is evaluated: the detection over the target's fields, with the logsource condition when asked. */
  readonly expr: Expr;
  /** Sigma fields the mapping does not place (tests on them read an absent field). */
  readonly unmapped: readonly string[];
  readonly predicate: Predicate;
}

/** Compiles a rule for a target. @throws SigmaError for what the rule's detection cannot mean (see lower.ts). */
export function compileRule(rule: Rule, options: CompileRuleOptions = {}, source?: RuleSource): CompiledRule {
  const target = options.target ?? 'raw';
  const logsource = resolveLogsource(rule.logsource, options.mappings);
  const detection = lowerRule(rule, options, source);
  const mapped =
    target === 'ecs' ? toEcs(detection, logsource) : { expr: toRaw(detection, logsource), unmapped: [] };
  const withLogsource = options.logsource ?? target === 'raw';
  const cond = withLogsource ? logsourceCondition(logsource, target, rule.logsource.span) : undefined;
  const expr = deepFreeze(cond ? Expr.and([cond, mapped.expr]) : mapped.expr);
  return {
    rule,
    ...(source ? { source } : {}),
    logsource,
    target,
    detection,
    expr,
    unmapped: mapped.unmapped,
    predicate: compileExpr(expr),
  };
}

/** True when the compiled rule matches the event. */
export function matchRule(rule: CompiledRule, ev: EventView | EventSource): boolean {
  return rule.predicate(ev instanceof EventView ? ev : new EventView(ev));
}

/** Weight of a level when scoring (informational 1 … critical 16: one critical outweighs several lows). */
export const LEVEL_WEIGHT: Readonly<Record<Level, number>> = {
  informational: 1,
  low: 2,
  medium: 4,
  high: 8,
  critical: 16,
};
