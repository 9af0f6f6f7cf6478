/**
 * Parameterised SQL fragments of the hunt cache's WHERE compiler: text with `?` placeholders and the values they
 * stand for, in text order (house rule 4: user values are parameters, never spliced). Fragments compose by value, so
 * the order of the parameters always follows the text, whatever order they were compiled in.
 */
export interface Fragment {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

export const TRUE: Fragment = { sql: 'TRUE', parameters: [] };
export const FALSE: Fragment = { sql: 'FALSE', parameters: [] };

/** Joins fragments as a tagged template joins strings: `sql\`a = ${x}\`` with `x` a Fragment. */
export function sql(parts: TemplateStringsArray, ...fragments: readonly Fragment[]): Fragment {
  let text = parts[0]!;
  const parameters: unknown[] = [];
  fragments.forEach((f, i) => {
    text += f.sql + parts[i + 1]!;
    parameters.push(...f.parameters);
  });
  return { sql: text, parameters };
}

/** A placeholder for one value. */
export function param(v: unknown): Fragment {
  return { sql: '?', parameters: [v] };
}

/** SQL text of the compiler itself (aliases, functions, casts): no values. */
export function text(s: string): Fragment {
  return { sql: s, parameters: [] };
}

/** `(a OP b OP …)`: the junction of two or more fragments; one is returned as it is. */
function junction(op: 'AND' | 'OR', fs: readonly Fragment[]): Fragment {
  if (fs.length === 1) return fs[0]!;
  return {
    sql: `(${fs.map((f) => f.sql).join(` ${op} `)})`,
    parameters: fs.flatMap((f) => f.parameters),
  };
}

export const and = (fs: readonly Fragment[]): Fragment => (fs.length ? junction('AND', fs) : TRUE);
export const or = (fs: readonly Fragment[]): Fragment => (fs.length ? junction('OR', fs) : FALSE);

/** Fragments joined by `sep` (a list of values, select columns). */
export function join(fs: readonly Fragment[], sep: string): Fragment {
  return { sql: fs.map((f) => f.sql).join(sep), parameters: fs.flatMap((f) => f.parameters) };
}
