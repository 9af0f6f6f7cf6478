/**
 * The STIX ↔ ECS field map: data (`data/stix-ecs.json`, zod-validated at load) and the two directions over it.
 *
 * - `fieldsFor('process:name')` → the ECS fields a STIX comparison searches (query direction; used by the Elastic
 *   compiler and the embedded store's SQL backend).
 * - `toStix(ecsDoc)` / `ecsToStix()` → the STIX objects of one ECS document (result direction; used by the Elastic
 *   connector, the embedded store and the SysFlow ECS exporter's tests).
 * - `ecsIndexMapping()` → the one Elasticsearch/OpenSearch mapping of ECS documents (`data/ecs-fields.json`).
 */
import type { Observation, StixObject } from '../stix/observation.ts';
import type { ObjectPath } from '../stix/ast.ts';
import { stixEcsMap } from './load.ts';
import { lookupFields, type EcsFieldRef } from './query-fields.ts';
import { compileToStix, type EcsToStix } from './to-stix.ts';

export type {
  FieldMapData,
  ObjectSpec,
  PropSpec,
  QueryField,
  QueryTransform,
  RefSpec,
  ValueTransform,
} from './schema.ts';
export { FieldMapSchema } from './schema.ts';
export { loadFieldMap, parseFieldMap, stixEcsMap, STIX_ECS_MAP_PATH } from './load.ts';
export { lookupFields, requireFields, objectPathKey, queryPaths, type EcsFieldRef } from './query-fields.ts';
export { compileToStix, type EcsToStix } from './to-stix.ts';
export { ecsGetter, getEcsField } from './ecs-path.ts';
export { basename, dirname, ipVersion, registryKey } from './transforms.ts';
export {
  ecsFieldTypes,
  ecsIndexMapping,
  parseEcsFields,
  ECS_FIELDS_PATH,
  type EcsFieldType,
} from './ecs-index.ts';

let mapper: EcsToStix | undefined;

/** The compiled mapper of the built-in map (compiled on first use). */
export function ecsToStix(): EcsToStix {
  mapper ??= compileToStix(stixEcsMap());
  return mapper;
}

/** ECS fields searched for a STIX object path in the built-in map (`[]` when unmapped). */
export function fieldsFor(path: ObjectPath | string): readonly EcsFieldRef[] {
  return lookupFields(stixEcsMap(), path) ?? [];
}

/** The STIX objects of one ECS document, by the built-in map. */
export function toStix(doc: Record<string, unknown>): Record<string, StixObject> {
  return ecsToStix().objects(doc);
}

/** One ECS document as a STIX 2.0 observed-data, by the built-in map. */
export function toObservation(doc: Record<string, unknown>, id: string): Observation {
  return ecsToStix().observation(doc, id);
}
