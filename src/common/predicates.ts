/**
 * Conjunction and disjunction of compiled predicates, shared by the engines that compile conditions into closures
 * (the Sigma matcher, the SysFlow policy engine). Short lists get straight-line closures — the hot path of both
 * engines runs them once per event and rule — longer ones a loop that stops at the first deciding predicate.
 */
export type Pred<E> = (event: E) => boolean;

/** True when every predicate holds (true for none). */
export function allOf<E>(ps: readonly Pred<E>[]): Pred<E> {
  if (ps.length === 0) return () => true;
  if (ps.length === 1) return ps[0];
  if (ps.length === 2) {
    const [a, b] = ps;
    return (ev) => a(ev) && b(ev);
  }
  if (ps.length === 3) {
    const [a, b, c] = ps;
    return (ev) => a(ev) && b(ev) && c(ev);
  }
  return (ev) => {
    for (let i = 0; i < ps.length; i++) if (!ps[i](ev)) return false;
    return true;
  };
}

/** True when some predicate holds (false for none). */
export function anyOf<E>(ps: readonly Pred<E>[]): Pred<E> {
  if (ps.length === 0) return () => false;
  if (ps.length === 1) return ps[0];
  if (ps.length === 2) {
    const [a, b] = ps;
    return (ev) => a(ev) || b(ev);
  }
  return (ev) => {
    for (let i = 0; i < ps.length; i++) if (ps[i](ev)) return true;
    return false;
  };
}
