/**
 * Kestrel 1.x huntflow front end: source text → {@link Huntflow} AST with spans (see `ast.ts`).
 * Public face of `src/hunt/syntax/`.
 */
export type * from './ast.ts';
export { STATEMENTS_WITH_OUTPUT } from './ast.ts';
