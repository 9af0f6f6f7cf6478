/** The hunt IR and its lowering from the huntflow AST (see `types.ts`, `lower.ts`). */
export type * from './types.ts';
export { lower, type LowerResult } from './lower.ts';
export { UNKNOWN_TYPE, type LowerContext } from './lower-scope.ts';
export { focusSpan, varSpan } from './spans.ts';
