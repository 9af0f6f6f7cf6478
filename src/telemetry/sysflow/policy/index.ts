/**
 * SysFlow's policy language (SFPL, sf-processor's dialect of Falco rules) compiled to fast predicates.
 *
 * For the processor:
 *
 *     const engine = compilePolicies(await loadPolicySources(['data/policies/ttps.yaml']), { mode: 'alert' });
 *     for (const ev of events) {
 *       const r = engine.process(ev);          // { drop, matches: RuleInfo[] } — the processor's PolicyStage contract
 *       if (engine.emits(r)) exportIt(ev, r.matches);
 *     }
 *
 * `RuleInfo` carries name, description, priority (as written), severity (low/medium/high), tags, techniques
 * (`{ id, name }` from `mitre:Txxxx` tags, names from ATT&CK v18), actions, prefilter and the rule's file/span.
 * `engine.notes` / `engine.problems` / `engine.unmappable` say what could not be compiled or loaded.
 */
export type { Atom, Cond, CondKind, Decl, PolicyFile, RuleDecl, MacroDecl, ListDecl, FilterDecl, LoadProblem, Span } from './ast.ts';
export { readPolicyFile } from './reader.ts';
export { parseCondition, printCond } from './condition.ts';
export { SF_ATTRIBUTES, type AttributeDef, type AttrType } from './attributes.ts';
export { FALCO_DERIVED, FALCO_FIELDS } from './falco-fields.ts';
export { lookupAttribute, suggestAttributes, ATTRIBUTE_NAMES, type AttrLookup } from './lookup.ts';
export { ConditionCompiler, POLICY_COMPATS, type CompileOptions, type PolicyCompat, type PolicyNote, type Pred } from './compile.ts';
export { formatReadingNote, readingDifferences, type ReadingDifference, type ReadingNote } from './sf-processor/differences.ts';
export {
  PolicyEngine,
  compilePolicies,
  loadPolicySources,
  normalisePriority,
  type EngineCounts,
  type EngineOptions,
  type PolicyMode,
  type PolicyResult,
  type PolicySource,
  type RuleInfo,
  type Severity,
  type TechniqueRef,
  type UnmappableRule,
} from './engine.ts';
export { lintPolicies, formatFinding, type LintFinding } from './lint.ts';
export { technique, techniqueName, techniqueIdOfTag, type Technique } from './attack.ts';
export { sigmaToPolicyText } from './sigma.ts';
