/** STIX object path → the ECS fields a comparison on it searches (the `query` section of the field map). */
import type { ObjectPath } from '../stix/ast.ts';
import { MappingError } from '../errors/index.ts';
import type { FieldMapData, QueryTransform } from './schema.ts';

export interface EcsFieldRef {
  readonly field: string;
  /** How the STIX value relates to the ECS value; absent = equal. */
  readonly transform?: QueryTransform;
  /** `false`: a match on this field is a candidate only, checked locally (see `schema.ts`). */
  readonly exact?: false;
}

/** `process:binary_ref.hashes.'SHA-256'` → `process:binary_ref.hashes.SHA-256` (the map's key form). */
export function objectPathKey(p: ObjectPath | string): string {
  if (typeof p === 'string') return p.replace(/'/g, '');
  const steps = p.steps.map((s) => (s.kind === 'Key' ? s.name : `[${s.index}]`));
  return `${p.objectType}:${steps.join('.').replace(/\.\[/g, '[')}`;
}

const cache = new WeakMap<FieldMapData, Map<string, readonly EcsFieldRef[]>>();

function table(map: FieldMapData): Map<string, readonly EcsFieldRef[]> {
  let t = cache.get(map);
  if (!t) {
    t = new Map();
    for (const [k, fields] of Object.entries(map.query)) {
      t.set(
        k,
        Object.freeze(fields.map((f) => Object.freeze(typeof f === 'string' ? { field: f } : { ...f }))),
      );
    }
    cache.set(map, t);
  }
  return t;
}

/** The ECS fields for a STIX object path, or undefined when the map does not know it. */
export function lookupFields(
  map: FieldMapData,
  path: ObjectPath | string,
): readonly EcsFieldRef[] | undefined {
  const key = objectPathKey(path);
  const t = table(map);
  return t.get(key) ?? t.get(key.replace(/\[\d+\]/g, '[*]')) ?? t.get(key.replace(/\[[^\]]*\]/g, ''));
}

/** Like {@link lookupFields}, but an unknown path is a MappingError naming it. */
export function requireFields(
  map: FieldMapData,
  path: ObjectPath | string,
  backend = 'elastic_ecs',
): readonly EcsFieldRef[] {
  const f = lookupFields(map, path);
  if (!f) {
    const key = objectPathKey(path);
    const type = key.split(':')[0];
    const known = [...table(map).keys()]
      .filter((k) => k.startsWith(type + ':'))
      .map((k) => k.slice(type.length + 1));
    throw new MappingError('E_UNMAPPED_PATH', `${key} has no ${backend} field mapping`, {
      hint: known.length
        ? `mapped attributes of ${type}: ${known.slice(0, 25).join(', ')}${known.length > 25 ? ', …' : ''}`
        : `no attribute of ${type} is mapped to ECS`,
    });
  }
  return f;
}

/** Every STIX object path the map can query. */
export function queryPaths(map: FieldMapData): string[] {
  return [...table(map).keys()];
}
