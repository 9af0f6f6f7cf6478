/**
 * Full STIX set semantics of a pattern over a set of observations (what an indicator means): observation
 * expressions bind to observations; AND/FOLLOWEDBY need distinct observations, FOLLOWEDBY in time order, WITHIN a
 * common window, REPEATS n distinct bindings, START/STOP a window on `first_observed` (STOP exclusive). An
 * observed-data with `number_observed` n counts as n observations with the same times.
 *
 * Bindings (arrays of observation slots) are computed bottom-up as in the OASIS reference matcher. Each node keeps
 * at most {@link MAX_BINDINGS} bindings, so a pathological pattern over a huge set may miss a match rather than
 * exhaust memory.
 */
import type { ObservationExpr } from '../ast.ts';
import type { Observation } from '../../connectors/types.ts';
import { timestampMicros } from '../timestamp.ts';
import { dispatch, type ObservationVisitor } from '../visitor.ts';
import type { ObservationPredicate } from './compile.ts';

export const MAX_BINDINGS = 20000;

/** One observation slot: which observation, its time interval in microseconds. */
export interface Slot {
  readonly obs: number;
  readonly first: number;
  readonly last: number;
}

type Binding = readonly number[];
/** Evaluates a node over the slots; returns bindings of slot indices. */
export type SetEvaluator = (slots: readonly Slot[], observations: readonly Observation[]) => Binding[];

function disjoint(a: Binding, b: Binding): boolean {
  for (const x of a) if (b.includes(x)) return false;
  return true;
}

function push(out: Binding[], b: Binding): boolean {
  out.push(b);
  return out.length < MAX_BINDINGS;
}

/** Compiles an observation expression to a set evaluator; `leaf` gives each `[ … ]`'s observation predicate. */
export function compileSet(
  expr: ObservationExpr,
  leaf: (e: ObservationExpr & { kind: 'Observation' }) => ObservationPredicate,
): SetEvaluator {
  const table: ObservationVisitor<SetEvaluator> = {
    Observation: (o) => {
      const pred = leaf(o);
      return (slots, observations) => {
        const out: Binding[] = [];
        const memo = new Map<number, boolean>();
        for (let i = 0; i < slots.length; i++) {
          const oi = slots[i]!.obs;
          let ok = memo.get(oi);
          if (ok === undefined) {
            ok = pred(observations[oi]!);
            memo.set(oi, ok);
          }
          if (ok && !push(out, [i])) break;
        }
        return out;
      };
    },
    ObservationBinary: (b) => {
      const l = compileSet(b.left, leaf);
      const r = compileSet(b.right, leaf);
      if (b.op === 'OR') {
        return (slots, obs) => {
          const out = l(slots, obs);
          for (const x of r(slots, obs)) if (!push(out, x)) break;
          return out;
        };
      }
      const ordered = b.op === 'FOLLOWEDBY';
      return (slots, obs) => {
        const lb = l(slots, obs);
        if (lb.length === 0) return [];
        const rb = r(slots, obs);
        const out: Binding[] = [];
        for (const x of lb) {
          const latestFirst = ordered ? Math.max(...x.map((i) => slots[i]!.first)) : 0;
          for (const y of rb) {
            if (!disjoint(x, y)) continue;
            if (ordered && latestFirst > Math.min(...y.map((i) => slots[i]!.last))) continue;
            if (!push(out, [...x, ...y])) return out;
          }
        }
        return out;
      };
    },
    Qualified: (q) => {
      const inner = compileSet(q.expr, leaf);
      const qual = q.qualifier;
      switch (qual.kind) {
        case 'StartStop': {
          const start = timestampMicros(qual.start);
          const stop = timestampMicros(qual.stop);
          return (slots, obs) =>
            inner(slots, obs).filter((b) =>
              b.every((i) => slots[i]!.first >= start && slots[i]!.first < stop),
            );
        }
        case 'Within': {
          const span = qual.seconds * 1e6;
          return (slots, obs) =>
            inner(slots, obs).filter(
              (b) =>
                Math.max(...b.map((i) => slots[i]!.first)) - Math.min(...b.map((i) => slots[i]!.last)) <=
                span,
            );
        }
        case 'Repeats': {
          const n = qual.times;
          return (slots, obs) => {
            const bs = inner(slots, obs);
            if (n === 1) return bs;
            const out: Binding[] = [];
            const pick = (from: number, acc: number[], count: number): boolean => {
              if (count === n) return push(out, acc);
              for (let j = from; j < bs.length; j++) {
                const b = bs[j]!;
                if (!disjoint(acc, b)) continue;
                if (!pick(j + 1, [...acc, ...b], count + 1)) return false;
              }
              return true;
            };
            pick(0, [], 0);
            return out;
          };
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
