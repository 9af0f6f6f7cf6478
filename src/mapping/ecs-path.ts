/**
 * Reading ECS fields out of a document. ECS documents come nested (`{"process":{"pid":1}}`), flattened
 * (`{"process.pid":1}`) or mixed; arrays of objects along the way (`email.attachments.file.name`) yield every value.
 */
export type Getter = (doc: Record<string, unknown>) => unknown;

/** Whether an object has flattened (dotted) keys — checked once per object, cached while the document lives. */
const dotted = new WeakMap<object, boolean>();
function hasDottedKeys(o: Record<string, unknown>): boolean {
  let v = dotted.get(o);
  if (v === undefined) {
    v = false;
    for (const k in o) {
      if (k.includes('.')) {
        v = true;
        break;
      }
    }
    dotted.set(o, v);
  }
  return v;
}

/** Nested-only walk: no flattened keys to look for (the document has none), arrays still fan out. */
function walkNested(cur: unknown, parts: readonly string[], i: number): unknown {
  for (; i < parts.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) return walk(cur, parts, i);
    cur = (cur as Record<string, unknown>)[parts[i]];
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** True when `doc` or one of its direct sub-objects has a dotted key (a flattened ECS document). */
export function hasFlattenedKeys(doc: Record<string, unknown>): boolean {
  for (const k in doc) {
    if (k.includes('.')) return true;
    const v = doc[k];
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const kk in v as object) if (kk.includes('.')) return true;
    }
  }
  return false;
}

function walk(cur: unknown, parts: readonly string[], i: number): unknown {
  for (; i < parts.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      const out: unknown[] = [];
      for (const el of cur) {
        const v = walk(el, parts, i);
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) out.push(...v);
        else out.push(v);
      }
      return out.length === 0 ? undefined : out;
    }
    const o = cur as Record<string, unknown>;
    const next = o[parts[i]];
    if (next === undefined) {
      if (i === parts.length - 1 || !hasDottedKeys(o)) return undefined;
      // a flattened remainder: {"process": {"parent.pid": 1}} or {"process.parent.pid": 1}
      for (let j = parts.length; j > i + 1; j--) {
        const key = parts.slice(i, j).join('.');
        if (key in o) return walk(o[key], parts, j);
      }
      return undefined;
    }
    cur = next;
  }
  return cur;
}

/**
 * A compiled reader of one dotted ECS field; null and undefined both read as undefined. With `nestedOnly`, the reader
 * assumes the document has no flattened keys (see {@link hasFlattenedKeys}) and skips looking for them — the fast path.
 */
export function ecsGetter(field: string, nestedOnly = false): Getter {
  const parts = field.split('.');
  if (nestedOnly) {
    const p0 = parts[0];
    return (doc) => {
      const v = parts.length === 1 ? doc[p0] : walkNested(doc, parts, 0);
      return v === null ? undefined : v;
    };
  }
  if (parts.length === 1) {
    return (doc) => {
      const v = doc[field];
      return v === null ? undefined : v;
    };
  }
  const [a, b] = parts;
  if (parts.length === 2) {
    return (doc) => {
      const o = doc[a];
      if (o !== null && typeof o === 'object' && !Array.isArray(o)) {
        const v = (o as Record<string, unknown>)[b];
        if (v !== undefined) return v === null ? undefined : v;
      }
      const v = walk(doc, parts, 0);
      return v === null ? undefined : v;
    };
  }
  return (doc) => {
    const v = walk(doc, parts, 0);
    return v === null ? undefined : v;
  };
}

/** Reads `field` of `doc` once, without compiling a getter. */
export function getEcsField(doc: Record<string, unknown>, field: string): unknown {
  const v = walk(doc, field.split('.'), 0);
  return v === null ? undefined : v;
}
