/**
 * The SQL backend of the embedded store: STIX pattern → parameterised DuckDB SQL (a value; no I/O). The `local`
 * connector (`src/connectors/local/`) runs it. `../shared/` holds the backend-neutral pattern walker it is built on.
 */
export {
  compileSql,
  selectSql,
  DEFAULT_WINDOW_MINUTES,
  type SqlCompileOptions,
  type SqlPlan,
} from './compile.ts';
export { SqlBuilder, and, or, not, TRUE, FALSE, type SqlValue } from './builder.ts';
export { pathVariants, type RowKind } from './fields.ts';
