/**
 * Deep freeze of freshly built plain data (ASTs, IR, policy trees: immutable by contract, house rule 2).
 *
 * A node is frozen before its children are walked, and a frozen node is not walked again: shared subtrees are
 * visited once, a cycle ends, and a tree that embeds one frozen earlier (a STIX pattern inside a huntflow) costs
 * nothing more. That relies on every frozen object it meets being frozen all the way down, which holds for what
 * this function and the parsers build. Arrays are walked by index (`for…in` over an array is several times slower).
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    const o = value as Record<string, unknown>;
    for (const k in o) deepFreeze(o[k]);
  }
  return value;
}
