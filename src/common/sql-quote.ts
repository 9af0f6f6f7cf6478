/**
 * Quoting for the SQL text Peregrine writes for DuckDB: identifiers, string literals and keys of JSON paths.
 * Literals are for constants of the program (column paths, regexps the compiler builds); values a user gave travel
 * as parameters, never spliced into the text (house rule 4).
 */

/** `"process.pid"`: a name as a quoted SQL identifier (double quotes inside doubled). */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** `'it''s'`: text as an SQL string literal (single quotes inside doubled). */
export function sqlString(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

/** `."process"`: one member step of a DuckDB JSON path, quoted (backslashes and double quotes escaped). */
export function jsonPathKey(key: string): string {
  return '."' + key.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}
