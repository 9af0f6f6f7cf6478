/**
 * The Elasticsearch/OpenSearch backend: STIX pattern → structured query DSL (a value; no I/O). The connector in
 * `src/connectors/elastic/` sends it.
 */
export {
  compileElastic,
  DEFAULT_WINDOW_MINUTES,
  type ElasticCompileOptions,
  type ElasticPlan,
} from './compile.ts';
export type { ElasticHooks } from './comparison.ts';
export type { DslQuery, BoolQuery, RangeBounds, Scalar } from './dsl.ts';
export { escapeWildcard, likeToWildcard, escapeRegexp, pcreToLucene } from './lucene-text.ts';
