/** Ready-made {@link EventSource}s: a flat record keyed by field name, and an ECS document read by dotted path. */
import { ecsGetter, hasFlattenedKeys } from '../mapping/ecs-path.ts';
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

type Getter = ReturnType<typeof ecsGetter>;
const getters = new Map<string, Getter>();
const nestedGetters = new Map<string, Getter>();

function read(doc: Record<string, unknown>, name: string, nested: boolean): unknown {
  const table = nested ? nestedGetters : getters;
  let g = table.get(name);
  if (!g) {
    g = ecsGetter(name, nested);
    table.set(name, g);
  }
  return g(doc);
}

const spaced = new WeakMap<object, Map<string, string> | null>();

/** An object's keys written with spaces, by their name without them (null when it has none); cached per object. */
function unspacedKeys(o: Record<string, unknown>): Map<string, string> | null {
  let m = spaced.get(o);
  if (m === undefined) {
    m = null;
    for (const k of Object.keys(o))
      if (k.includes(' ')) {
        m ??= new Map();
        m.set(k.replace(/ /g, ''), k);
      }
    spaced.set(o, m);
  }
  return m;
}

/** An ECS document read by dotted names (see {@link ecsEvent}); a class, so a document costs one small object. */
class EcsSource implements EventSource {
  private readonly nested: boolean;
  constructor(private readonly doc: Record<string, unknown>) {
    // a document without dotted keys (the usual case) is read by the nested-only getters, the fast path
    this.nested = !hasFlattenedKeys(doc);
  }

  field(name: string): unknown {
    const v = read(this.doc, name, this.nested);
    if (v !== undefined) return v;
    const dot = name.lastIndexOf('.');
    if (dot < 0) return undefined;
    const parent = read(this.doc, name.slice(0, dot), this.nested);
    if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return undefined;
    const k = unspacedKeys(parent as Record<string, unknown>)?.get(name.slice(dot + 1));
    return k === undefined ? undefined : (parent as Record<string, unknown>)[k];
  }

  values(): Iterable<unknown> {
    return Object.values(this.doc);
  }
}

/**
 * An ECS document (nested, flattened or mixed), read by dotted field names. A raw field kept under a parent object
 * with the spaces Windows writes (`winlog.event_data["Source Name"]`) is found by Sigma's name without them.
 */
export function ecsEvent(doc: Record<string, unknown>): EventSource {
  return new EcsSource(doc);
}
