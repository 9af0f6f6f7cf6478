/**
 * EXPLAIN of a query carrying a long value list (the prefetch of N entities, a FIND, a user's IN list) shows the list
 * by its first values and its length: the plan stays readable, and its size does not grow with N.
 */
import type { ComparisonExpr, ObservationExpr, Pattern } from '../../stix/ast.ts';

/** Lists longer than this are cut in EXPLAIN… */
export const CUT_FROM = 50;
/** …to their first this many values. */
export const SHOWN_VALUES = 10;

function comparison(e: ComparisonExpr, lists: number[]): ComparisonExpr {
  if (e.kind === 'ComparisonBinary')
    return { ...e, left: comparison(e.left, lists), right: comparison(e.right, lists) };
  if (e.value?.kind !== 'List' || e.value.values.length <= CUT_FROM) return e;
  lists.push(e.value.values.length);
  return { ...e, value: { ...e.value, values: e.value.values.slice(0, SHOWN_VALUES) } };
}

function observation(e: ObservationExpr, lists: number[]): ObservationExpr {
  switch (e.kind) {
    case 'ObservationBinary':
      return { ...e, left: observation(e.left, lists), right: observation(e.right, lists) };
    case 'Qualified':
      return { ...e, expr: observation(e.expr, lists) };
    case 'Observation':
      return { ...e, expr: comparison(e.expr, lists) };
  }
}

/** The pattern with every list cut to its first values, and the lengths of the lists cut (in pattern order). */
export function abbreviateLists(p: Pattern): { pattern: Pattern; cut: number[] } {
  const cut: number[] = [];
  return { pattern: { ...p, expr: observation(p.expr, cut) }, cut };
}

/** A `JSON.stringify` replacer: arrays of scalars longer than {@link CUT_FROM} are cut, their length said. */
export function abbreviateArrays(_key: string, value: unknown): unknown {
  if (!Array.isArray(value) || value.length <= CUT_FROM) return value;
  if (value.some((v) => v !== null && typeof v === 'object')) return value;
  return [...value.slice(0, SHOWN_VALUES), `… (${value.length} values)`];
}
