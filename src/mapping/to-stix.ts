/**
 * ECS document → the STIX objects of one observation, compiled once from the `objects` section of the field map into
 * closures (no per-document interpretation of the map: the hot path of every Elastic pull).
 */
import type { Observation, StixObject } from '../stix/observation.ts';
import { ecsGetter, hasFlattenedKeys, type Getter } from './ecs-path.ts';
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
  hasStrongRef: boolean;
  /** The one- or two-level ECS prefixes the spec's fields start with: when the document has none, the object is absent. */
  readonly roots?: ReadonlyArray<readonly [string, string | undefined]>;
}

function itemGetter(field: string, nestedOnly: boolean): ItemGetter {
  if (field === '$') return (_d, item) => item;
  if (field.startsWith('$.')) {
    const g = ecsGetter(field.slice(2), nestedOnly);
    return (_d, item) => (item !== null && typeof item === 'object' ? g(item as Doc) : undefined);
  }
  const g = ecsGetter(field, nestedOnly);
  return (d) => g(d);
}

function pushUnique(out: unknown[], v: unknown): void {
  if (!out.includes(v)) out.push(v);
}

function compileProp(attr: string, spec: PropSpec, nestedOnly: boolean): CompiledProp {
  const path = attr.split('.');
  if (typeof spec === 'string') return { path, get: itemGetter(spec, nestedOnly), weak: false };
  if ('const' in spec) {
    const c = spec.const;
    return { path, get: () => c, weak: true };
  }
  const fields = Array.isArray(spec.from) ? spec.from : [spec.from];
  const getters = fields.map((f) => itemGetter(f, nestedOnly));
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
  /** The STIX object, properties set; references are added once every object has its key. */
  obj: StixObject;
  strongOnly: boolean;
  key?: string;
}

export interface EcsToStix {
  /** The STIX objects (keys "0", "1", …) one ECS document yields; empty when none of the mapped fields is present. */
  objects(doc: Doc): Record<string, StixObject>;
  /** A whole STIX 2.0 observed-data for `doc`; `id` should be deterministic (e.g. derived from index + _id). */
  observation(doc: Doc, id: string): Observation;
}

/** One instance of object spec `o` for `doc` (and `item` of an `each` array), or undefined when it is absent. */
function instanceOf(o: CompiledObject, doc: Doc, item: unknown): Instance | undefined {
  let strongProps = false;
  let obj: StixObject | undefined;
  for (let i = 0; i < o.props.length; i++) {
    const p = o.props[i];
    const v = p.get(doc, item);
    if (v === undefined) continue;
    obj ??= { type: o.type };
    if (p.path.length === 1) {
      obj[p.path[0]] = v;
      if (o.type === '@ip' && p.path[0] === 'value')
        obj.type = ipVersion(String(v)) === 6 ? 'ipv6-addr' : 'ipv4-addr';
    } else setPath(obj, p.path, v);
    if (!p.weak) strongProps = true;
  }
  if (strongProps) return { obj: obj!, strongOnly: false };
  return obj !== undefined || o.hasStrongRef ? { obj: obj ?? { type: o.type }, strongOnly: true } : undefined;
}

function instancesOf(o: CompiledObject, doc: Doc): Instance[] | undefined {
  if (o.roots !== undefined) {
    let any = false;
    for (let i = 0; !any && i < o.roots.length; i++) {
      const [a, b] = o.roots[i];
      const v = doc[a];
      if (b === undefined) any = v !== undefined && v !== null;
      else any = v !== null && typeof v === 'object' && (Array.isArray(v) || (v as Doc)[b] !== undefined);
    }
    if (!any && !o.hasStrongRef) return undefined;
  }
  if (o.unless !== undefined && o.unless(doc) !== undefined) return undefined;
  if (o.each !== undefined) {
    const items = o.each(doc);
    if (items === undefined) return undefined;
    const out: Instance[] = [];
    const list = Array.isArray(items) ? items : [items];
    for (let i = 0; i < list.length; i++) {
      const inst = instanceOf(o, doc, list[i]);
      if (inst !== undefined && !inst.strongOnly) out.push(inst);
    }
    return out.length ? out : undefined;
  }
  const inst = instanceOf(o, doc, undefined);
  return inst ? [inst] : undefined;
}

function existsIn(inst: Array<Instance[] | undefined>, i: number): boolean {
  const list = inst[i];
  if (list === undefined) return false;
  for (let j = 0; j < list.length; j++) if (!list[j].strongOnly) return true;
  return false;
}

function strongTargetExists(o: CompiledObject, inst: Array<Instance[] | undefined>): boolean {
  for (const r of o.refs) {
    if (!r.strong) continue;
    for (const t of r.targets) if (existsIn(inst, t)) return true;
  }
  return false;
}

/** The one- or two-level prefixes of every ECS field an object spec reads (`$` items come from `each`). */
function rootsOf(o: ObjectSpec): Array<[string, string | undefined]> {
  const fields: string[] = [];
  if (o.each) fields.push(o.each);
  for (const p of Object.values(o.props)) {
    if (typeof p === 'string') fields.push(p);
    else if ('from' in p) fields.push(...(Array.isArray(p.from) ? p.from : [p.from]));
  }
  const prefixes = new Set(
    fields.filter((f) => !f.startsWith('$')).map((f) => f.split('.').slice(0, 2).join('.')),
  );
  return [...prefixes].map((p) => {
    const [a, b] = p.split('.');
    return [a, b];
  });
}

/** Compiles the `objects` section of a field map into a fast ECS → STIX mapper. */
export function compileToStix(map: FieldMapData): EcsToStix {
  const index = new Map<string, number>();
  map.objects.forEach((o, i) => index.set(o.id, i));
  const compile = (nestedOnly: boolean): CompiledObject[] => {
    const compiled: CompiledObject[] = map.objects.map((o: ObjectSpec) => ({
      id: o.id,
      type: o.type,
      each: o.each === undefined ? undefined : ecsGetter(o.each, nestedOnly),
      unless: o.unless === undefined ? undefined : ecsGetter(o.unless, nestedOnly),
      props: Object.entries(o.props).map(([a, s]) => compileProp(a, s, nestedOnly)),
      refs: [],
      hasStrongRef: false,
      roots: nestedOnly ? rootsOf(o) : undefined,
    }));
    map.objects.forEach((o, i) => {
      compiled[i].refs = Object.entries(o.refs ?? {}).map(([attr, spec]) => {
        const { to, strong } = refTargets(spec);
        return {
          path: attr.split('.'),
          targets: to.map((t) => {
            const j = index.get(t);
            if (j === undefined)
              throw new Error(`field map: object "${o.id}" refers to unknown object "${t}"`);
            return j;
          }),
          list: attr.endsWith('_refs'),
          strong,
        };
      });
      compiled[i].hasStrongRef = compiled[i].refs.some((r) => r.strong);
    });
    return compiled;
  };
  // documents without flattened keys (nearly all) take readers that never look for them
  const nested = compile(true);
  const general = compile(false);
  const tsGetter = ecsGetter(map.timestamp);
  const fallbackTs = ['event.created', 'event.start'].map((f) => ecsGetter(f));

  function objects(doc: Doc): Record<string, StixObject> {
    const compiled = hasFlattenedKeys(doc) ? general : nested;
    const inst: Array<Instance[] | undefined> = new Array(compiled.length);
    let pending = false;
    for (let i = 0; i < compiled.length; i++) {
      const x = instancesOf(compiled[i], doc);
      inst[i] = x;
      if (x !== undefined && x[0].strongOnly) pending = true;
    }
    // objects that exist only through a strong reference: resolve until nothing changes
    let changed = pending;
    while (changed) {
      changed = false;
      for (let i = 0; i < compiled.length; i++) {
        const list = inst[i];
        if (!list || !list[0].strongOnly) continue;
        if (strongTargetExists(compiled[i], inst)) {
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
        const obj = x.obj;
        for (const r of o.refs) {
          if (r.list) {
            const keys: string[] = [];
            for (const t of r.targets)
              for (const y of inst[t] ?? []) if (y.key !== undefined) keys.push(y.key);
            if (keys.length) setPath(obj, r.path, keys);
          } else {
            let key: string | undefined;
            for (let ti = 0; key === undefined && ti < r.targets.length; ti++) {
              const ys = inst[r.targets[ti]];
              if (ys) for (let yi = 0; key === undefined && yi < ys.length; yi++) key = ys[yi].key;
            }
            if (key !== undefined) setPath(obj, r.path, key);
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
