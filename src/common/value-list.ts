/**
 * A list of values of any length as ONE DuckDB parameter: the values' text joined by NUL (split back with
 * `string_split`, DuckDB's fastest way in: about 0.5 s per million values), or a JSON array when a value holds a NUL
 * itself. Binding a DuckDB LIST parameter instead costs seconds per million values, and one placeholder per value
 * makes the statement's text, its parameter array and the parser's work grow with the list.
 */
export interface ValueListParam {
  /** The parameter's value. */
  readonly value: string;
  /** The SQL reading the parameter at `placeholder` back as a `VARCHAR[]`. */
  readonly read: (placeholder: string) => string;
}

/** `texts` as one parameter (see {@link ValueListParam}); `texts` must not be empty. */
export function valueListParam(texts: readonly string[]): ValueListParam {
  if (texts.some((t) => t.includes('\u0000')))
    return { value: JSON.stringify(texts), read: (p) => `from_json(${p}, '["VARCHAR"]')` };
  return { value: texts.join('\u0000'), read: (p) => `string_split(${p}, chr(0))` };
}
