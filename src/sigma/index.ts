/**
 * The one Sigma engine of Peregrine, shared by the hunt (scoring, WHERE naming a rule, export) and the SysFlow
 * policy engine. Stages, one way:
 *
 *     reader.ts      rule file (YAML) → RuleDocument[] with spans (ast.ts); errors collected per document
 *     lower.ts       detection → backend-neutral Expr (ir.ts): searches inlined, modifiers applied
 *     mapping/       Sigma field ↔ ECS ↔ STIX ↔ SysFlow, per product and logsource, as zod-validated data
 *     rule.ts        Expr → predicate for a target (raw events or ECS documents) through match.ts
 *
 *     const rule = parseRule(text, 'rule.yml');
 *     const compiled = compileRule(rule, { target: 'ecs' });
 *     compiled.predicate(new EventView(ecsEvent(doc)));   // true when the document matches
 */
export type * from './ast.ts';
export { LEVELS, CORRELATION_TYPES } from './ast.ts';
export { SigmaError, type RuleSource } from './errors.ts';
export { readRules, parseRule, type ReadResult } from './reader.ts';
export { lowerRule, type LowerOptions } from './lower.ts';
export { Expr, TRUE, FALSE, visit, fieldsOf, renameFields } from './ir.ts';
export type {
  And,
  Or,
  Not,
  Const,
  Test,
  Keyword,
  Match,
  MatchKind,
  GlobToken,
  StringOp,
  NumberOp,
  ExprKind,
  ExprVisitor,
} from './ir.ts';
export { MODIFIERS, UNSUPPORTED_MODIFIERS, type ModifierDef } from './modifiers.ts';
export { EventView, compileExpr, type EventSource, type Predicate } from './match.ts';
export { flatEvent, ecsEvent } from './events.ts';
export {
  compileRule,
  matchRule,
  LEVEL_WEIGHT,
  type CompiledRule,
  type CompileRuleOptions,
  type Target,
} from './rule.ts';
export { printExpr, printMatch } from './print.ts';
export { globTokens, printGlob, escapeGlobText } from './glob.ts';
export * from './mapping/index.ts';
export { RuleSet, type RuleSetStats } from './rule-set.ts';
export { requiredLiterals, type Clause, type LiteralKey, type Requirement } from './required-literals.ts';
export {
  scoreRecords,
  techniqueOfTag,
  levelOf,
  atLeast,
  productOfEcs,
  Scorer,
  type EntityScore,
  type RuleHit,
} from './score.ts';
export {
  loadRuleFiles,
  compileAll,
  selectRules,
  readRuleFile,
  type LoadedRules,
  type RuleSelection,
} from './load.ts';
export { toStixSearch, type StixSearch } from './to-stix.ts';
export { stixToSigma, type ExportOptions, type ExportedRule } from './from-stix.ts';
