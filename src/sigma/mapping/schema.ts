/**
 * The shape of a Sigma field-mapping file (`data/<product>.json`), validated with zod at load (house rule 5).
 *
 * One file per Sigma `product`. `fields` maps Sigma's taxonomy field names to where each target keeps the value:
 * - `ecs`: the ECS fields holding it (a test on the Sigma field tests any of them; the first is canonical);
 * - `stix`: the STIX object path a hunt's pattern names it by; `transform: basename` when the STIX value is the last
 *   path component of the Sigma value (`Image` ↔ `process:binary_ref.name`); `stixAliases` other paths of the same
 *   value, read when a hunt's pattern is exported as a rule;
 * - `sysflow`: the SysFlow policy attribute;
 * - `raw`: the name in a raw event record when it differs from Sigma's.
 * `logsources` (keyed `category:<name>` or `service:<name>`) say which events a logsource means — `events` as
 * alternatives over raw event fields (`{ "EventID": 1, "Channel": "…Sysmon/Operational" }`), `ecs` as alternatives
 * over ECS fields — the STIX `entity` type its records describe, the SysFlow record types, and field overrides.
 * `rawDefault` names where an ECS document keeps a raw field the table does not map (`winlog.event_data.{field}`).
 */
import { z } from 'zod';

const ecsField = z
  .string()
  .regex(/^(@?[A-Za-z0-9_]+)(\.[A-Za-z0-9_@-]+)*$/, 'an ECS field name like process.parent.pid');
const sigmaField = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a Sigma field name like CommandLine');

const StixTargetSchema = z
  .object({
    path: z
      .string()
      .regex(/^[a-z][a-z0-9-]*:[A-Za-z0-9_.'[\]*-]+$/, 'a STIX object path like process:command_line'),
    transform: z.enum(['basename']).optional(),
  })
  .strict();

export const FieldTargetSchema = z
  .object({
    ecs: z.array(ecsField).min(1).optional(),
    stix: StixTargetSchema.optional(),
    /** Other STIX paths naming the same value, read when exporting a hunt's pattern (`process:name` ↔ `Image`). */
    stixAliases: z.array(StixTargetSchema).min(1).optional(),
    sysflow: z.string().startsWith('sf.').optional(),
    /** The name a raw event record gives the field when it is not Sigma's (`Provider_Name` → `Provider`). */
    raw: z.string().min(1).optional(),
    doc: z.string().optional(),
  })
  .strict();

const scalar = z.union([z.string(), z.number()]);
/** One alternative of a logsource's event condition: every field has (one of) the value(s). */
const EventConditionSchema = z.record(z.string().min(1), z.union([scalar, z.array(scalar).min(1)]));

export const LogsourceSchema = z
  .object({
    entity: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/)
      .optional(),
    events: z.array(EventConditionSchema).min(1).optional(),
    ecs: z.array(EventConditionSchema).min(1).optional(),
    sysflow: z
      .object({ prefilter: z.array(z.string()).min(1), opflags: z.string().optional() })
      .strict()
      .optional(),
    fields: z.record(sigmaField, FieldTargetSchema).optional(),
    doc: z.string().optional(),
  })
  .strict();

export const SigmaMappingSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    product: z.string().regex(/^[a-z][a-z0-9_-]*$/),
    rawDefault: z
      .string()
      .regex(/\{field\}/, 'a pattern with {field}')
      .optional(),
    fields: z.record(sigmaField, FieldTargetSchema),
    logsources: z.record(z.string().regex(/^(category|service):[a-z0-9_-]+$/), LogsourceSchema),
  })
  .strict();

export type FieldTarget = z.infer<typeof FieldTargetSchema>;
export type LogsourceSpec = z.infer<typeof LogsourceSchema>;
export type EventCondition = z.infer<typeof EventConditionSchema>;
export type SigmaMappingData = z.infer<typeof SigmaMappingSchema>;
