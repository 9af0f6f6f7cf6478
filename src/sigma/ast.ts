/**
 * A Sigma rule file as frozen plain data (house rule 2): what the rule says, with the span of every part in the YAML
 * text, before any modifier is applied or any field is mapped. `lower.ts` turns a rule's detection into the
 * backend-neutral {@link import('./ir.ts').Expr}; the matcher, the rule index, the STIX compiler and the SysFlow
 * adapter all start from there.
 *
 * Kinds are closed unions; nodes have no methods and no parent pointers; JSON round-trips them unchanged.
 */
import type { TextSpan } from '../errors/index.ts';

/** A place in a rule file: 0-based `offset`/`length` into the file text, 1-based `line`/`col` of the start. */
export type Span = TextSpan;

/** A value as written in YAML: Sigma distinguishes strings, integers, floats, booleans and `null`. */
export type ScalarValue =
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly span: Span }
  | { readonly kind: 'bool'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'null'; readonly span: Span };

/** A modifier after `|` in a field key (`CommandLine|contains|all`), as written, with its span. */
export interface ModifierRef {
  readonly name: string;
  readonly span: Span;
}

/** `Field|mod|mod: value` or `Field: [v1, v2]` — one item of a selection map. `field` is undefined for `|all:`-style keys. */
export interface FieldItem {
  readonly kind: 'field';
  readonly field: string | undefined;
  readonly modifiers: readonly ModifierRef[];
  readonly values: readonly ScalarValue[];
  /** The value was a YAML list (`Field: [a]` and `Field: a` mean the same; kept for printing). */
  readonly list: boolean;
  readonly span: Span;
}

/** A selection map: every item holds (AND). */
export interface FieldMap {
  readonly kind: 'map';
  readonly items: readonly FieldItem[];
  readonly span: Span;
}

/** Field-less values searched in the whole event (OR of the values). */
export interface Keywords {
  readonly kind: 'keywords';
  readonly values: readonly ScalarValue[];
  readonly span: Span;
}

/** A list of selection maps (or keywords): any of them holds (OR). */
export interface MapList {
  readonly kind: 'maplist';
  readonly items: readonly (FieldMap | Keywords)[];
  readonly span: Span;
}

/** One named search identifier of `detection:` (`selection`, `filter_main_*`, `keywords`). */
export interface Search {
  readonly kind: 'search';
  readonly name: string;
  readonly body: FieldMap | MapList | Keywords;
  readonly span: Span;
}

// --- the condition expression ---------------------------------------------------------------------------------

export interface CondAnd {
  readonly kind: 'and';
  readonly args: readonly Cond[];
  readonly span: Span;
}
export interface CondOr {
  readonly kind: 'or';
  readonly args: readonly Cond[];
  readonly span: Span;
}
export interface CondNot {
  readonly kind: 'not';
  readonly arg: Cond;
  readonly span: Span;
}
/** A search identifier named in the condition. */
export interface CondRef {
  readonly kind: 'ref';
  readonly name: string;
  readonly span: Span;
}
/** `1 of sel*`, `all of filter_*`, `1 of them`, `all of them` (`pattern` is `them` or a name with `*` wildcards). */
export interface CondOf {
  readonly kind: 'of';
  readonly quantifier: 'any' | 'all';
  readonly pattern: string;
  readonly span: Span;
}
export type Cond = CondAnd | CondOr | CondNot | CondRef | CondOf;
export type CondKind = Cond['kind'];

/** A rule's `condition:`; a list of conditions means any of them. */
export interface Condition {
  readonly text: string;
  readonly root: Cond;
  readonly span: Span;
}

export interface Detection {
  readonly searches: readonly Search[];
  readonly conditions: readonly Condition[];
  /** `timeframe:` (deprecated outside correlation rules), kept as written. */
  readonly timeframe?: string;
  readonly span: Span;
}

/** `logsource:` — which events a rule is about; the mapping data turns it into conditions and field names. */
export interface Logsource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
  readonly definition?: string;
  readonly span: Span;
}

/** Sigma's rule levels, in increasing order of severity. */
export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

/** A detection rule. Metadata the engine does not use is kept in `extra` so export and printing lose nothing. */
export interface Rule {
  readonly kind: 'rule';
  readonly id?: string;
  readonly title: string;
  readonly status?: string;
  readonly description?: string;
  readonly level?: Level;
  readonly tags: readonly string[];
  readonly author?: string;
  readonly date?: string;
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  readonly fields: readonly string[];
  readonly logsource: Logsource;
  readonly detection: Detection;
  readonly span: Span;
}

export const CORRELATION_TYPES = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

/**
 * A correlation rule (`correlation:`): a condition over the events several other rules matched, grouped and within
 * a timespan. Parsed and reported; the engine does not evaluate it.
 */
export interface CorrelationRule {
  readonly kind: 'correlation';
  readonly id?: string;
  readonly title: string;
  readonly level?: Level;
  readonly tags: readonly string[];
  readonly type: CorrelationType;
  /** Ids or names of the rules it correlates. */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespan?: string;
  /** `condition: {gte: 10}` (counts) or absent (temporal). */
  readonly condition: readonly {
    readonly op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';
    readonly value: number;
  }[];
  /** `condition: {field: …}` for value_count and the value_* types. */
  readonly field?: string;
  readonly span: Span;
}

/** What a YAML document of a rule file is. */
export type RuleDocument = Rule | CorrelationRule;
