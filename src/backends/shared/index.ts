/**
 * What the search backends (`../elastic/`, `../sql/`) share: the default pattern walker and the rules around each
 * backend's comparison leaves. Backend-neutral: no DSL, no SQL.
 */
export {
  walkSourceQuery,
  entityWitnessFields,
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
  singleAddress,
  type LeafCtx,
  type LeafDialect,
  type LeafRules,
  type OpFn,
  type OpTable,
  type Scalar,
} from './comparison.ts';
