/**
 * Reading ECS fields out of a document. ECS documents come nested (`{"process":{"pid":1}}`), flattened
 * (`{"process.pid":1}`) or mixed; arrays of objects along the way (`email.attachments.file.name`) yield every value.
 */
export type Getter = (doc: Record<string, unknown>) => unknown;

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

/** A compiled reader of one dotted ECS field; null and undefined both read as undefined. */
export function ecsGetter(field: string): Getter {
  const parts = field.split('.');
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
