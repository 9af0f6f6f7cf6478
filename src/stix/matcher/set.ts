/**
 * Full STIX set semantics of a pattern over a set of observations (what an indicator means): observation
 * expressions bind to observations; AND/FOLLOWEDBY need distinct observations, FOLLOWEDBY in time order (the left
 * side's latest `first_observed` ≤ the right side's earliest `last_observed`, as the OASIS reference matcher), WITHIN
 * n a common n-second window, REPEATS n n disjoint bindings, START/STOP `first_observed` in [START, STOP). An
 * observed-data with `number_observed` k counts as k observations with the same times.
 *
 * Bindings (sets of observation slots with their time bounds) are computed bottom-up. Joins are time-aware: the
 * window of an enclosing WITHIN is pushed down so that AND/FOLLOWEDBY/REPEATS only build bindings that can still
 * pass it, and candidates are looked up in time-sorted order instead of pairing everything with everything. Each
 * node keeps at most {@link MAX_BINDINGS} bindings, so a pathological pattern over a huge set may miss a match
 * rather than exhaust memory.
 */
import type { ObservationExpr } from '../ast.ts';
import type { Observation } from '../observation.ts';
import { timestampMicros } from '../timestamp.ts';
import { dispatch, type ObservationVisitor } from '../visitor.ts';
import type { ObservationPredicate } from './compile.ts';

export const MAX_BINDINGS = 100_000;

/** One observation slot: which observation, its time interval in microseconds. */
export interface Slot {
  readonly obs: number;
  readonly first: number;
  readonly last: number;
}

/** Slots bound to the observation expressions of a sub-pattern; `f` = latest first, `l` = earliest last. */
export interface Binding {
  readonly s: readonly number[];
  readonly f: number;
  readonly l: number;
}

/** Evaluates a node over the slots; returns its bindings. */
export type SetEvaluator = (slots: readonly Slot[], observations: readonly Observation[]) => Binding[];

type Leaf = (e: ObservationExpr & { kind: 'Observation' }) => ObservationPredicate;

function disjoint(a: readonly number[], b: readonly number[]): boolean {
  for (const x of a) if (b.includes(x)) return false;
  return true;
}

function join(x: Binding, y: Binding): Binding {
  return { s: [...x.s, ...y.s], f: Math.max(x.f, y.f), l: Math.min(x.l, y.l) };
}

/** Can `b` still fit a window of `w` microseconds? */
const fits = (f: number, l: number, w: number): boolean => f - l <= w;

/** Index of the first element of `sorted` (ascending by key) whose key is ≥ v. */
function lowerBound<T>(sorted: readonly T[], key: (t: T) => number, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(sorted[mid]!) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** AND (ordered = false) or FOLLOWEDBY (ordered = true) of two binding lists, within window `w` (Infinity = none). */
function joinAll(lb: readonly Binding[], rb: readonly Binding[], ordered: boolean, w: number): Binding[] {
  const out: Binding[] = [];
  if (lb.length === 0 || rb.length === 0) return out;
  if (w === Infinity) {
    if (!ordered) {
      for (const x of lb) {
        for (const y of rb) {
          if (!disjoint(x.s, y.s)) continue;
          out.push(join(x, y));
          if (out.length >= MAX_BINDINGS) return out;
        }
      }
      return out;
    }
    // FOLLOWEDBY: right-hand candidates by earliest last, latest first; stop at the first one that is too early.
    const byLast = [...rb].sort((a, b) => b.l - a.l);
    for (const x of lb) {
      for (const y of byLast) {
        if (y.l < x.f) break;
        if (!disjoint(x.s, y.s)) continue;
        out.push(join(x, y));
        if (out.length >= MAX_BINDINGS) return out;
      }
    }
    return out;
  }
  // Windowed: a partner y needs y.f ≤ x.l + w and y.l ≥ x.f − w; with D the largest (l − f) on the right,
  // y.f ≥ y.l − D ≥ x.f − w − D. Scan that range of the right side sorted by f.
  const byFirst = [...rb].sort((a, b) => a.f - b.f);
  let d = 0;
  for (const y of rb) d = Math.max(d, y.l - y.f);
  for (const x of lb) {
    for (let j = lowerBound(byFirst, (b) => b.f, x.f - w - d); j < byFirst.length; j++) {
      const y = byFirst[j]!;
      if (y.f > x.l + w) break;
      if (ordered && y.l < x.f) continue;
      const f = Math.max(x.f, y.f);
      const l = Math.min(x.l, y.l);
      if (!fits(f, l, w) || !disjoint(x.s, y.s)) continue;
      out.push({ s: [...x.s, ...y.s], f, l });
      if (out.length >= MAX_BINDINGS) return out;
    }
  }
  return out;
}

/** n disjoint bindings of `bs`, within window `w`. */
function repeatAll(bs: readonly Binding[], n: number, w: number): Binding[] {
  if (n === 1) return [...bs];
  const out: Binding[] = [];
  const sorted = w === Infinity ? bs : [...bs].sort((a, b) => a.f - b.f);
  const pick = (from: number, acc: Binding | null, count: number): boolean => {
    if (count === n) {
      out.push(acc!);
      return out.length < MAX_BINDINGS;
    }
    for (let j = from; j < sorted.length; j++) {
      const b = sorted[j]!;
      if (acc && w !== Infinity && b.f - acc.l > w) break; // sorted by f: every later one is too late as well
      if (acc && !disjoint(acc.s, b.s)) continue;
      const next = acc ? join(acc, b) : b;
      if (!fits(next.f, next.l, w)) continue;
      if (!pick(j + 1, next, count + 1)) return false;
    }
    return true;
  };
  pick(0, null, 0);
  return out;
}

/**
 * Compiles an observation expression to a set evaluator; `leaf` gives each `[ … ]`'s observation predicate and `w`
 * is the window (microseconds) of the closest enclosing WITHIN, Infinity when none.
 */
export function compileSet(expr: ObservationExpr, leaf: Leaf, w = Infinity): SetEvaluator {
  const table: ObservationVisitor<SetEvaluator> = {
    Observation: (o) => {
      const pred = leaf(o);
      return (slots, observations) => {
        const out: Binding[] = [];
        const memo = new Map<number, boolean>();
        for (let i = 0; i < slots.length; i++) {
          const slot = slots[i]!;
          let ok = memo.get(slot.obs);
          if (ok === undefined) {
            ok = pred(observations[slot.obs]!);
            memo.set(slot.obs, ok);
          }
          if (!ok) continue;
          out.push({ s: [i], f: slot.first, l: slot.last });
          if (out.length >= MAX_BINDINGS) break;
        }
        return out;
      };
    },
    ObservationBinary: (b) => {
      const l = compileSet(b.left, leaf, w);
      const r = compileSet(b.right, leaf, w);
      if (b.op === 'OR') {
        return (slots, obs) => {
          const out = l(slots, obs);
          for (const x of r(slots, obs)) {
            if (out.length >= MAX_BINDINGS) break;
            out.push(x);
          }
          return out;
        };
      }
      const ordered = b.op === 'FOLLOWEDBY';
      return (slots, obs) => {
        const lb = l(slots, obs);
        return lb.length === 0 ? [] : joinAll(lb, r(slots, obs), ordered, w);
      };
    },
    Qualified: (q) => {
      const qual = q.qualifier;
      switch (qual.kind) {
        case 'StartStop': {
          const inner = compileSet(q.expr, leaf, w);
          const start = timestampMicros(qual.start);
          const stop = timestampMicros(qual.stop);
          return (slots, obs) =>
            inner(slots, obs).filter((b) =>
              b.s.every((i) => slots[i]!.first >= start && slots[i]!.first < stop),
            );
        }
        case 'Within': {
          const span = Math.min(w, qual.seconds * 1e6);
          const inner = compileSet(q.expr, leaf, span);
          return (slots, obs) => inner(slots, obs).filter((b) => fits(b.f, b.l, span));
        }
        case 'Repeats': {
          const inner = compileSet(q.expr, leaf, w);
          const n = qual.times;
          return (slots, obs) => repeatAll(inner(slots, obs), n, w);
        }
      }
    },
  };
  return dispatch(table, expr);
}

/** Observation leaves × the largest REPEATS count: more copies of one observed-data can never be needed. */
export function slotCap(expr: ObservationExpr): number {
  let leaves = 0;
  let repeats = 1;
  const walk = (e: ObservationExpr): void => {
    if (e.kind === 'Observation') leaves++;
    else if (e.kind === 'ObservationBinary') {
      walk(e.left);
      walk(e.right);
    } else {
      if (e.qualifier.kind === 'Repeats') repeats *= e.qualifier.times;
      walk(e.expr);
    }
  };
  walk(expr);
  return leaves * repeats;
}

export function makeSlots(observations: readonly Observation[], cap: number): Slot[] {
  const slots: Slot[] = [];
  observations.forEach((o, i) => {
    const first = timestampMicros(o.first_observed);
    const lastRaw = timestampMicros(o.last_observed);
    const last = Number.isNaN(lastRaw) ? first : lastRaw;
    const n = Math.max(1, Math.min(cap, Number.isInteger(o.number_observed) ? o.number_observed : 1));
    for (let k = 0; k < n; k++) slots.push({ obs: i, first, last });
  });
  return slots;
}
