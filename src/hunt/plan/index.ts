/** The planner: what goes to data sources and what runs on the hunt cache; EXPLAIN text. */
export * from './plan.ts';
export type { QueryExplainer, SourceQuery } from './source-query.ts';
