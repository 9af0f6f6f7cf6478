/** The string literals of a STIX pattern: the values a compiler must pass as parameters, never write into its text. */
import type { Literal, Pattern } from '../../src/stix/index.ts';

export function stringLiterals(p: Pattern): string[] {
  const out: string[] = [];
  JSON.stringify(p, (_k, v: unknown) => {
    const l = v as Literal;
    if (l && typeof l === 'object' && l.kind === 'String') out.push(l.value);
    return v;
  });
  return out;
}
