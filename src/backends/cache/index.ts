/**
 * The hunt cache's backend: STIX pattern → parameterised SQL predicate over the cache's records (a value; no I/O),
 * on the shared pattern walker like `../elastic/` and `../sql/`. The cache's operations (`src/store/cache/`) run it.
 */
export { compileCacheWhere, type CacheWhereOptions } from './compile.ts';
