/** Ready-made {@link EventSource}s: a flat record keyed by field name, and an ECS document read by dotted path. */
import { ecsGetter } from '../mapping/index.ts';
import type { EventSource } from './match.ts';

/**
 * An event that is a flat record of field → value (Sigma's field names as keys, as the Windows readers make them).
 * A field Windows names with spaces (Defender's `Source Name`) is found by Sigma's name without them (`SourceName`).
 */
export function flatEvent(record: Readonly<Record<string, unknown>>): EventSource {
  let unspaced: Map<string, string> | undefined;
  return {
    field: (name) => {
      const v = record[name];
      if (v !== undefined || name.includes(' ')) return v;
      if (!unspaced) {
        unspaced = new Map();
        for (const k of Object.keys(record)) if (k.includes(' ')) unspaced.set(k.replace(/ /g, ''), k);
      }
      const k = unspaced.get(name);
      return k === undefined ? undefined : record[k];
    },
    values: () => Object.values(record),
  };
}

const getters = new Map<string, ReturnType<typeof ecsGetter>>();

function read(doc: Record<string, unknown>, name: string): unknown {
  let g = getters.get(name);
  if (!g) {
    g = ecsGetter(name);
    getters.set(name, g);
  }
  return g(doc);
}

/**
 * An ECS document (nested, flattened or mixed), read by dotted field names. A raw field kept under a parent object
 * with the spaces Windows writes (`winlog.event_data["Source Name"]`) is found by Sigma's name without them.
 */
export function ecsEvent(doc: Record<string, unknown>): EventSource {
  return {
    field: (name) => {
      const v = read(doc, name);
      const dot = name.lastIndexOf('.');
      if (v !== undefined || dot < 0) return v;
      const parent = read(doc, name.slice(0, dot));
      if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return undefined;
      const leaf = name.slice(dot + 1);
      for (const [k, x] of Object.entries(parent))
        if (k.includes(' ') && k.replace(/ /g, '') === leaf) return x;
      return undefined;
    },
    values: () => Object.values(doc),
  };
}
