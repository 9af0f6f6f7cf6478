/**
 * Building parameterised DuckDB SQL: every user value becomes a `$n` parameter (house rule 4); only identifiers and
 * constant JSON paths of the program are written into the text.
 */
export type SqlValue = string | number | boolean;

export class SqlBuilder {
  readonly params: SqlValue[] = [];
  #lambda = 0;

  /** A placeholder for `v`. */
  param(v: SqlValue): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }

  /** A fresh lambda variable name. */
  lambdaVar(): string {
    return `x${++this.#lambda}`;
  }
}

export const TRUE = 'TRUE';
export const FALSE = 'FALSE';

/** `qs` joined by `op`, simplified: `unit` dropped (and the result when nothing is left), `zero` absorbs. */
function junction(qs: readonly string[], op: 'AND' | 'OR', unit: string, zero: string): string {
  const out: string[] = [];
  for (const q of qs) {
    if (q === unit) continue;
    if (q === zero) return zero;
    out.push(q);
  }
  if (out.length === 0) return unit;
  if (out.length === 1) return out[0];
  return `(${out.join(` ${op} `)})`;
}

/** Conjunction, simplified (TRUE dropped, FALSE absorbs). */
export function and(qs: readonly string[]): string {
  return junction(qs, 'AND', TRUE, FALSE);
}

/** Disjunction, simplified (FALSE dropped, TRUE absorbs). */
export function or(qs: readonly string[]): string {
  return junction(qs, 'OR', FALSE, TRUE);
}

export function not(q: string): string {
  if (q === TRUE) return FALSE;
  if (q === FALSE) return TRUE;
  return `(NOT ${q})`;
}
