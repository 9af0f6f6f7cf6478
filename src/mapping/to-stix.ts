/**
 * ECS document → the STIX objects of one observation, compiled once from the `objects` section of the field map into
 * closures (no per-document interpretation of the map: the hot path of every Elastic pull).
 */
import type { Observation, StixObject } from '../connectors/types.ts';
import { ecsGetter, type Getter } from './ecs-path.ts';
import type { FieldMapData, ObjectSpec, PropSpec, RefSpec } from './schema.ts';
import { applyTransform, ipVersion, registryKey } from './transforms.ts';

type Doc = Record<string, unknown>;
type ItemGetter = (doc: Doc, item: unknown) => unknown;

interface CompiledProp {
  readonly path: readonly string[];
  readonly get: ItemGetter;
  readonly weak: boolean;
}
interface CompiledRef {
  readonly path: readonly string[];
  readonly targets: readonly number[];
  readonly list: boolean;
  readonly strong: boolean;
}
interface CompiledObject {
  readonly id: string;
  readonly type: string;
  readonly each?: Getter;
  readonly unless?: Getter;
  readonly props: readonly CompiledProp[];
  refs: CompiledRef[];
}

function itemGetter(field: string): ItemGetter {
  if (field === '$') return (_d, item) => item;
  if (field.startsWith('$.')) {
    const g = ecsGetter(field.slice(2));
    return (_d, item) => (item !== null && typeof item === 'object' ? g(item as Doc) : undefined);
  }
  const g = ecsGetter(field);
  return (d) => g(d);
}

function pushUnique(out: unknown[], v: unknown): void {
  if (!out.includes(v)) out.push(v);
}

function compileProp(attr: string, spec: PropSpec): CompiledProp {
  const path = attr.split('.');
  if (typeof spec === 'string') return { path, get: itemGetter(spec), weak: false };
  if ('const' in spec) {
    const c = spec.const;
    return { path, get: () => c, weak: true };
  }
  const fields = Array.isArray(spec.from) ? spec.from : [spec.from];
  const getters = fields.map(itemGetter);
  const t = spec.transform;
  const weak = spec.weak ?? false;
  if (t === 'registryKey') {
    const [gp, gv] = getters;
    return {
      path,
      weak,
      get: (d, item) => {
        const p = gp(d, item);
        return typeof p === 'string' && p !== '' ? registryKey(p, gv?.(d, item)) : undefined;
      },
    };
  }
  if (spec.list) {
    return {
      path,
      weak,
      get: (d, item) => {
        let out: unknown[] | undefined;
        for (const g of getters) {
          let v = g(d, item);
          if (v === undefined) continue;
          if (t) v = applyTransform(t, v);
          if (v === undefined) continue;
          out ??= [];
          if (Array.isArray(v)) for (const x of v) pushUnique(out, x);
          else pushUnique(out, v);
        }
        return out;
      },
    };
  }
  if (getters.length === 1) {
    const g = getters[0];
    return {
      path,
      weak,
      get: t
        ? (d, item) => {
            const v = g(d, item);
            return v === undefined ? undefined : applyTransform(t, v);
          }
        : g,
    };
  }
  return {
    path,
    weak,
    get: (d, item) => {
      for (const g of getters) {
        let v = g(d, item);
        if (v === undefined) continue;
        if (t) v = applyTransform(t, v);
        if (v !== undefined) return v;
      }
      return undefined;
    },
  };
}

function refTargets(spec: RefSpec): { to: string[]; strong: boolean } {
  if (typeof spec === 'string') return { to: [spec], strong: false };
  if (Array.isArray(spec)) return { to: spec, strong: false };
  return { to: Array.isArray(spec.to) ? spec.to : [spec.to], strong: spec.strong ?? false };
}

function setPath(obj: Record<string, unknown>, path: readonly string[], v: unknown): void {
  if (path.length === 1) {
    obj[path[0]] = v;
    return;
  }
  let cur = obj;
  for (let i = 0; i < path.length - 1; i++) {
    let next = cur[path[i]] as Record<string, unknown> | undefined;
    if (next === undefined) {
      next = {};
      cur[path[i]] = next;
    }
    cur = next;
  }
  cur[path[path.length - 1]] = v;
}

/** One object instance while a document is being mapped. */
interface Instance {
  props: Array<[readonly string[], unknown]>;
  strongOnly: boolean;
  key?: string;
}

export interface EcsToStix {
  /** The STIX objects (keys "0", "1", …) one ECS document yields; empty when none of the mapped fields is present. */
  objects(doc: Doc): Record<string, StixObject>;
  /** A whole STIX 2.0 observed-data for `doc`; `id` should be deterministic (e.g. derived from index + _id). */
  observation(doc: Doc, id: string): Observation;
}

/** Compiles the `objects` section of a field map into a fast ECS → STIX mapper. */
export function compileToStix(map: FieldMapData): EcsToStix {
  const index = new Map<string, number>();
  map.objects.forEach((o, i) => index.set(o.id, i));
  const compiled: CompiledObject[] = map.objects.map((o: ObjectSpec) => ({
    id: o.id,
    type: o.type,
    each: o.each === undefined ? undefined : ecsGetter(o.each),
    unless: o.unless === undefined ? undefined : ecsGetter(o.unless),
    props: Object.entries(o.props).map(([a, s]) => compileProp(a, s)),
    refs: [],
  }));
  map.objects.forEach((o, i) => {
    compiled[i].refs = Object.entries(o.refs ?? {}).map(([attr, spec]) => {
      const { to, strong } = refTargets(spec);
      return {
        path: attr.split('.'),
        targets: to.map((t) => {
          const j = index.get(t);
          if (j === undefined) throw new Error(`field map: object "${o.id}" refers to unknown object "${t}"`);
          return j;
        }),
        list: attr.endsWith('_refs'),
        strong,
      };
    });
  });
  const tsGetter = ecsGetter(map.timestamp);
  const fallbackTs = ['event.created', 'event.start'].map(ecsGetter);

  function instancesOf(o: CompiledObject, doc: Doc): Instance[] | undefined {
    if (o.unless && o.unless(doc) !== undefined) return undefined;
    const one = (item: unknown): Instance | undefined => {
      let strongProps = false;
      const props: Array<[readonly string[], unknown]> = [];
      for (const p of o.props) {
        const v = p.get(doc, item);
        if (v === undefined) continue;
        props.push([p.path, v]);
        if (!p.weak) strongProps = true;
      }
      if (!strongProps)
        return props.length > 0 || o.refs.some((r) => r.strong) ? { props, strongOnly: true } : undefined;
      return { props, strongOnly: false };
    };
    if (o.each) {
      const items = o.each(doc);
      if (items === undefined) return undefined;
      const out: Instance[] = [];
      for (const item of Array.isArray(items) ? items : [items]) {
        const inst = one(item);
        if (inst && !inst.strongOnly) out.push(inst);
      }
      return out.length ? out : undefined;
    }
    const inst = one(undefined);
    return inst ? [inst] : undefined;
  }

  function objects(doc: Doc): Record<string, StixObject> {
    const inst: Array<Instance[] | undefined> = compiled.map((o) => instancesOf(o, doc));
    // objects that exist only through a strong reference: resolve until nothing changes
    const exists = (i: number): boolean => inst[i] !== undefined && inst[i]!.some((x) => !x.strongOnly);
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = 0; i < compiled.length; i++) {
        const list = inst[i];
        if (!list || !list[0].strongOnly) continue;
        if (compiled[i].refs.some((r) => r.strong && r.targets.some(exists))) {
          list[0].strongOnly = false;
          changed = true;
        }
      }
    }
    const out: Record<string, StixObject> = {};
    let n = 0;
    for (let i = 0; i < compiled.length; i++) {
      const list = inst[i];
      if (!list) continue;
      for (const x of list) if (!x.strongOnly) x.key = String(n++);
    }
    for (let i = 0; i < compiled.length; i++) {
      const list = inst[i];
      if (!list) continue;
      const o = compiled[i];
      for (const x of list) {
        if (x.key === undefined) continue;
        const obj: StixObject = { type: o.type };
        for (const [path, v] of x.props) {
          if (o.type === '@ip' && path[0] === 'value')
            obj.type = ipVersion(String(v)) === 6 ? 'ipv6-addr' : 'ipv4-addr';
          setPath(obj, path, v);
        }
        for (const r of o.refs) {
          if (r.list) {
            const keys: string[] = [];
            for (const t of r.targets)
              for (const y of inst[t] ?? []) if (y.key !== undefined) keys.push(y.key);
            if (keys.length) setPath(obj, r.path, keys);
          } else {
            for (const t of r.targets) {
              const y = inst[t]?.find((z) => z.key !== undefined);
              if (y) {
                setPath(obj, r.path, y.key);
                break;
              }
            }
          }
        }
        out[x.key] = obj;
      }
    }
    return out;
  }

  return {
    objects,
    observation(doc, id) {
      let ts = tsGetter(doc);
      for (let i = 0; ts === undefined && i < fallbackTs.length; i++) ts = fallbackTs[i](doc);
      const t =
        typeof ts === 'number'
          ? new Date(ts).toISOString()
          : typeof ts === 'string'
            ? ts
            : new Date().toISOString();
      return { id, first_observed: t, last_observed: t, number_observed: 1, objects: objects(doc) };
    },
  };
}
