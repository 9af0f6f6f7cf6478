/**
 * The shape of a STIX ↔ ECS field map file (`data/*.json`), validated with zod at load (house rule 5).
 *
 * - `query`: STIX object path (`process:binary_ref.name`, quotes dropped from `hashes.'SHA-256'`) → the ECS fields a
 *   comparison on it searches; a field may carry a value transform (`basename`: the STIX value is the last path
 *   component of the ECS value; `dirname`: everything before it; `registryKey`: the STIX key is the ECS
 *   `registry.path` with its hive spelled out and without a value name) or `exact: false` (a match there is only a
 *   candidate: the result map may take the attribute from another field, so backends filter such results locally).
 * - `objects`: how one ECS document becomes the STIX objects of one observation. Each object spec names its STIX
 *   type (`@ip` = `ipv4-addr` or `ipv6-addr` by the value), its properties (attribute ← ECS field(s) + transform) and
 *   its references to other objects. An object exists when at least one non-weak property has a value, or a strong
 *   reference's target exists. `each` makes one object per element of an array field (`$` = the element).
 */
import { z } from 'zod';

export const QUERY_TRANSFORMS = ['basename', 'dirname', 'registryKey'] as const;
export type QueryTransform = (typeof QUERY_TRANSFORMS)[number];

export const VALUE_TRANSFORMS = [
  'string',
  'int',
  'lowercase',
  'base64',
  'ip',
  'basename',
  'dirname',
  'nonempty',
  'registryKey',
  'registryValues',
] as const;
export type ValueTransform = (typeof VALUE_TRANSFORMS)[number];

const ecsField = z
  .string()
  .regex(/^(@?[A-Za-z0-9_]+)(\.[A-Za-z0-9_@-]+)*$/, 'an ECS field name like process.parent.pid');

export const QueryFieldSchema = z.union([
  ecsField,
  z
    .object({
      field: ecsField,
      transform: z.enum(QUERY_TRANSFORMS).optional(),
      /** A match on this field is only a candidate (the result map may take the attribute from another field). */
      exact: z.literal(false).optional(),
    })
    .strict(),
]);

const source = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const PropSpecSchema = z.union([
  z.string().min(1),
  z
    .object({
      from: source,
      transform: z.enum(VALUE_TRANSFORMS).optional(),
      /** Collect every value of every source field into a list (deduplicated, in order). */
      list: z.boolean().optional(),
      /** A weak property never makes its object exist on its own (e.g. document tags on a process). */
      weak: z.boolean().optional(),
    })
    .strict(),
  z.object({ const: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
]);

export const RefSpecSchema = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1),
  z
    .object({
      to: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
      strong: z.boolean().optional(),
    })
    .strict(),
]);

export const ObjectSpecSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/),
    type: z.string().regex(/^(@ip|[a-z][a-z0-9-]*)$/),
    each: z.string().optional(),
    /** The object is skipped when this ECS field has a value. */
    unless: z.string().optional(),
    props: z.record(z.string().min(1), PropSpecSchema),
    refs: z.record(z.string().regex(/_refs?$/), RefSpecSchema).optional(),
  })
  .strict();

export const FieldMapSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    timestamp: z.string().min(1),
    query: z.record(z.string().regex(/^[a-z][a-z0-9-]*:[^:]+$/), z.array(QueryFieldSchema).min(1)),
    objects: z.array(ObjectSpecSchema).min(1),
  })
  .strict();

export type QueryField = z.infer<typeof QueryFieldSchema>;
export type PropSpec = z.infer<typeof PropSpecSchema>;
export type RefSpec = z.infer<typeof RefSpecSchema>;
export type ObjectSpec = z.infer<typeof ObjectSpecSchema>;
export type FieldMapData = z.infer<typeof FieldMapSchema>;
