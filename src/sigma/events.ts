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

/** An ECS document (nested, flattened or mixed), read by dotted field names. */
export function ecsEvent(doc: Record<string, unknown>): EventSource {
  return {
    field: (name) => {
      let g = getters.get(name);
      if (!g) {
        g = ecsGetter(name);
        getters.set(name, g);
      }
      return g(doc);
    },
    values: () => Object.values(doc),
  };
}
