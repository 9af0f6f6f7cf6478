/** Types of bin/source-state.js (plain JavaScript: the bin reads it before any TypeScript loader exists). */
export declare const STAMP: string;
export declare function sourceState(root: string): { newest: number; files: number };
export declare function staleReason(root: string, dist?: string): string | undefined;
