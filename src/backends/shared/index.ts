/**
 * What the backends (`../elastic/`, `../sql/`, `../cache/`) share: the default pattern walker, the search semantics
 * built on it, and the rules around each search backend's comparison leaves. Backend-neutral: no DSL, no SQL.
 */
export {
  defaultPatternTable,
  walkObservation,
  walkComparison,
  walkSourceQuery,
  entityWitnessFields,
  type PatternHooks,
  type PatternTable,
  type WalkHooks,
  type WalkNotes,
  type WalkOptions,
  type WalkResult,
} from './walk.ts';
export {
  leafRules,
  likePattern,
  mappedFields,
  operand,
  operands,
  registryPathBody,
  singleAddress,
  type LeafCtx,
  type LeafDialect,
  type LeafRules,
  type OpFn,
  type OpTable,
  type Scalar,
} from './comparison.ts';
