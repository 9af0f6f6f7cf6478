/**
 * Compiles comparison expressions to closures, once per pattern; matching then never re-walks the AST.
 *
 * Semantics of one observation expression `[ … ]` against one observation (STIX 2.1 §9.5, as the OASIS reference
 * matcher implements it): it matches when some object `o` of the observation satisfies the whole comparison
 * expression, where `type:path op value` holds for `o` iff `o.type` is `type` and some value the path selects from
 * `o` passes the test. So ANDed comparisons on the same type must hold for the same object. The spec forbids AND
 * between comparisons that no single object type can satisfy (`[process:name = 'a' AND file:name = 'b']`); rather
 * than reject such patterns, which STIX-shifter accepts, an AND whose sides share no type is evaluated at the
 * observation level: each side must be satisfied by some object of the same observation.
 *
 * Paths: `x_ref` followed by more steps dereferences through the observation's `objects` map; so does `[n]`/`[*]`
 * after `x_refs`. `[*]` selects every element, `[n]` one.
 */
import type { Comparison, ComparisonExpr, PathStep } from '../ast.ts';
import type { Observation, StixObject } from '../observation.ts';
import { dispatch, type ComparisonVisitor } from '../visitor.ts';
import { compileValueTest, type CompileContext, type ValueTest } from './values.ts';

export type Objects = Record<string, StixObject>;
/** Holds for one root object of an observation. */
export type ObjectPredicate = (obj: StixObject, objects: Objects) => boolean;
/** Holds for one observation. */
export type ObservationPredicate = (obs: Observation) => boolean;

type Step = (v: unknown, objects: Objects) => boolean;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deref(objects: Objects, ref: unknown): StixObject | undefined {
  if (typeof ref !== 'string' && typeof ref !== 'number') return undefined;
  return objects[ref];
}

/** `(root, objects) → does any selected value pass test`. */
export function compilePath(steps: readonly PathStep[], test: ValueTest): Step {
  const lastKey = [...steps].reverse().find((s) => s.kind === 'Key');
  const leafKey = lastKey && lastKey.kind === 'Key' ? lastKey.name : '';
  let next: Step = (v) => test(v, leafKey);
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    const more = i < steps.length - 1;
    const cont = next;
    if (s.kind === 'Key') {
      const name = s.name;
      if (more && name.endsWith('_ref')) {
        next = (v, objs) => {
          if (!isRecord(v)) return false;
          const t = deref(objs, v[name]);
          return t !== undefined && cont(t, objs);
        };
      } else {
        next = (v, objs) => {
          if (!isRecord(v)) return false;
          const x = v[name];
          return x !== undefined && cont(x, objs);
        };
      }
    } else {
      const prev = steps[i - 1];
      const viaRefs = more && prev?.kind === 'Key' && prev.name.endsWith('_refs');
      const at: Step = viaRefs
        ? (e, objs) => {
            const t = deref(objs, e);
            return t !== undefined && cont(t, objs);
          }
        : cont;
      if (s.index === '*') {
        next = (v, objs) => {
          if (!Array.isArray(v)) return false;
          for (const e of v) if (at(e, objs)) return true;
          return false;
        };
      } else {
        const n = s.index;
        next = (v, objs) => Array.isArray(v) && n < v.length && at(v[n], objs);
      }
    }
  }
  return next;
}

function compileComparison(c: Comparison, ctx: CompileContext): ObjectPredicate {
  const type = c.path.objectType;
  const test = c.op === 'EXISTS' ? () => true : compileValueTest(c.op, false, c.value, ctx);
  const any = compilePath(c.path.steps, test);
  // NOT negates the whole comparison for the object (STIX 2.1 §9.5: "the resultant Comparison Expression is
  // logically negated"): `a:b[*] NOT = 22` is false for b = [22, 443], and `NOT IN` holds when the property is absent.
  return c.negated
    ? (o, objs) => o.type === type && !any(o, objs)
    : (o, objs) => o.type === type && any(o, objs);
}

/** The object types that can satisfy `e` (AND: intersection, OR: union). */
export function satisfiableTypes(e: ComparisonExpr): Set<string> {
  if (e.kind === 'Comparison') return new Set([e.path.objectType]);
  const l = satisfiableTypes(e.left);
  const r = satisfiableTypes(e.right);
  if (e.op === 'OR') return new Set([...l, ...r]);
  return new Set([...l].filter((t) => r.has(t)));
}

function hasCrossTypeAnd(e: ComparisonExpr): boolean {
  if (e.kind === 'Comparison') return false;
  if (e.op === 'AND' && satisfiableTypes(e).size === 0) return true;
  return hasCrossTypeAnd(e.left) || hasCrossTypeAnd(e.right);
}

/** Object-level predicate of `e` (same-object semantics throughout). */
export function compileObjectPredicate(e: ComparisonExpr, ctx: CompileContext): ObjectPredicate {
  const table: ComparisonVisitor<ObjectPredicate> = {
    Comparison: (c) => compileComparison(c, ctx),
    ComparisonBinary: (b) => {
      const l = compileObjectPredicate(b.left, ctx);
      const r = compileObjectPredicate(b.right, ctx);
      return b.op === 'AND' ? (o, objs) => l(o, objs) && r(o, objs) : (o, objs) => l(o, objs) || r(o, objs);
    },
  };
  return dispatch(table, e);
}

function existsObject(pred: ObjectPredicate, types: Set<string>): ObservationPredicate {
  const only = types.size === 1 ? [...types][0]! : undefined;
  return (obs) => {
    const objects = obs.objects;
    for (const k in objects) {
      const o = objects[k]!;
      if (only !== undefined && o.type !== only) continue;
      if (pred(o, objects)) return true;
    }
    return false;
  };
}

/** Observation-level predicate of the comparison expression of one `[ … ]`. */
export function compileComparisonExpr(e: ComparisonExpr, ctx: CompileContext): ObservationPredicate {
  if (!hasCrossTypeAnd(e)) return existsObject(compileObjectPredicate(e, ctx), satisfiableTypes(e));
  if (e.kind === 'Comparison') return existsObject(compileObjectPredicate(e, ctx), satisfiableTypes(e));
  const l = compileComparisonExpr(e.left, ctx);
  const r = compileComparisonExpr(e.right, ctx);
  return e.op === 'AND' ? (obs) => l(obs) && r(obs) : (obs) => l(obs) || r(obs);
}
