/** The hunt IR and its lowering from the huntflow AST (see `types.ts`, `lower.ts`). */
export type * from './types.ts';
export { lower, UNKNOWN_TYPE, type LowerContext, type LowerResult } from './lower.ts';
export { focusSpan, varSpan } from './spans.ts';
