/**
 * Building parameterised DuckDB SQL: every user value becomes a `$n` parameter (house rule 4); only identifiers and
 * constant JSON paths of the program are written into the text.
 */
import { valueListParam } from '../../common/index.ts';

export type SqlValue = string | number | boolean;

/**
 * An IN list of any length as a table: its values travel as one parameter (`valueListParam`) and a materialised CTE `name(v, num)` splits them — `v` the value as text, `num` whether it
 * was written as a number. Predicates test membership with `x IN (SELECT … FROM name)`, which DuckDB runs as one
 * hash semi-join: the SQL text and the call stack stay the same size whatever the number of values.
 */
export interface ValueSet {
  readonly name: string;
  readonly size: number;
}

export class SqlBuilder {
  readonly params: SqlValue[] = [];
  /** `name AS MATERIALIZED (…)` definitions of the value sets, in creation order (see {@link ValueSet}). */
  readonly ctes: { readonly name: string; readonly sql: string }[] = [];
  #lambda = 0;
  readonly #sets = new WeakMap<object, ValueSet>();

  /** A placeholder for `v`. */
  param(v: SqlValue): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }

  /**
   * The value set of `values`, made once per `key` (the list literal: both halves of a query share its table).
   * Numbers are passed as their JavaScript text, which DuckDB casts back exactly (`TRY_CAST(v AS DOUBLE)`).
   */
  valueSet(key: object, values: readonly (string | number | boolean)[]): ValueSet {
    const known = this.#sets.get(key);
    if (known) return known;
    const name = `_values${this.ctes.length + 1}`;
    const half = (num: boolean): string | undefined => {
      const vs = values.filter((v) => (typeof v === 'number') === num).map(String);
      if (vs.length === 0) return undefined;
      const list = valueListParam(vs);
      return `SELECT unnest(${list.read(this.param(list.value))}) AS v, ${num ? 'TRUE' : 'FALSE'} AS num`;
    };
    const parts = [half(false), half(true)].filter((x): x is string => x !== undefined);
    this.ctes.push({ name, sql: `${name} AS MATERIALIZED (${parts.join(' UNION ALL ')})` });
    const set = { name, size: values.length };
    this.#sets.set(key, set);
    return set;
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
