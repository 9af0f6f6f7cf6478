/**
 * Comparing STIX object graphs, not index keys: every object becomes a canonical string in which each `*_ref(s)`
 * is replaced by the canonical form of its target (cycle-safe), so two observations with the same objects and the
 * same links compare equal whatever keys they use.
 */
import type { StixObject } from '../../src/stix/observation.ts';

export interface GraphOptions {
  /** Object types left out of the comparison (and refs to them dropped). */
  ignoreTypes?: ReadonlySet<string>;
  /** Attributes left out, as `type.attr` or `*.attr`. */
  ignoreAttrs?: ReadonlySet<string>;
}

function isRefKey(k: string): boolean {
  return k.endsWith('_ref') || k.endsWith('_refs');
}

function canon(
  objs: Record<string, StixObject>,
  key: string,
  opts: GraphOptions,
  seen: Set<string>,
): string | undefined {
  const o = objs[key];
  if (!o || opts.ignoreTypes?.has(o.type)) return undefined;
  if (seen.has(key)) return `<cycle ${o.type}>`;
  const next = new Set(seen).add(key);
  const walk = (v: unknown, k: string): unknown => {
    if (isRefKey(k)) {
      if (Array.isArray(v)) {
        const xs = v.map((x) => canon(objs, String(x), opts, next)).filter((x) => x !== undefined);
        return xs.length ? xs.sort() : undefined;
      }
      return canon(objs, String(v), opts, next);
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const out: Record<string, unknown> = {};
      for (const kk of Object.keys(v).sort()) {
        const w = walk((v as Record<string, unknown>)[kk], kk);
        if (w !== undefined) out[kk] = w;
      }
      return Object.keys(out).length ? out : undefined;
    }
    return Array.isArray(v) ? [...v].map((x) => JSON.stringify(x)).sort() : v;
  };
  const out: Record<string, unknown> = { type: o.type };
  for (const k of Object.keys(o).sort()) {
    if (k === 'type' || opts.ignoreAttrs?.has(`${o.type}.${k}`) || opts.ignoreAttrs?.has(`*.${k}`)) continue;
    const w = walk(o[k], k);
    if (w !== undefined) out[k] = w;
  }
  return JSON.stringify(out);
}

/** The multiset of canonical objects of an observation's graph, sorted. */
export function canonicalGraph(objs: Record<string, StixObject>, opts: GraphOptions = {}): string[] {
  const out: string[] = [];
  for (const k of Object.keys(objs)) {
    const c = canon(objs, k, opts, new Set());
    if (c !== undefined) out.push(c);
  }
  return [...new Set(out)].sort();
}
