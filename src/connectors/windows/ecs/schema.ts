/**
 * The shape of the Windows → ECS map (`data/windows-ecs.json`), validated with zod at load (house rule 5).
 *
 * - `common.fields`: ECS fields every event gets (time, host, `event.code`, `winlog.*`); `common.eventData`: where
 *   every field of the event that is not a System field is kept, under its own name (`winlog.event_data`), so an
 *   event no entry describes is still searchable.
 * - `sources`: which events belong to a module (by `Provider` or `Channel`) and the fields all its events get.
 * - `events`: one entry per (source, event id): the ECS categorisation (`event.category`/`type`/`action`, values
 *   checked against ECS's allowed values) and the event's own fields.
 *
 * A field spec is a source field name, `{from, transform}` (`from` lists fields, the first one present is used; a
 * transform of several arguments gets them all), or `{const}`. Values `""` and `"-"` (Windows' "none") count as
 * absent. A transform may return an object: it is merged under the target (`"process.hash"` ← `hashes`).
 * Precedence: event fields over source fields over common fields.
 */
import { z } from 'zod';
import { TRANSFORM_NAMES } from './transforms.ts';

/** ECS `event.category` allowed values (ECS 8.x). */
export const ECS_CATEGORIES = [
  'api',
  'authentication',
  'configuration',
  'database',
  'driver',
  'email',
  'file',
  'host',
  'iam',
  'intrusion_detection',
  'library',
  'malware',
  'network',
  'package',
  'process',
  'registry',
  'session',
  'threat',
  'vulnerability',
  'web',
] as const;

/** ECS `event.type` allowed values (ECS 8.x). */
export const ECS_TYPES = [
  'access',
  'admin',
  'allowed',
  'change',
  'connection',
  'creation',
  'deletion',
  'denied',
  'end',
  'error',
  'group',
  'indicator',
  'info',
  'installation',
  'protocol',
  'start',
  'user',
] as const;

const ecsField = z
  .string()
  .regex(/^(@?[a-z0-9_]+)(\.[a-z0-9_]+)*$/, 'an ECS field name like process.parent.pid');

const sourceField = z.string().min(1);

export const FieldSpecSchema = z.union([
  sourceField,
  z
    .object({
      from: z.union([sourceField, z.array(sourceField).min(1)]),
      transform: z.enum(TRANSFORM_NAMES).optional(),
    })
    .strict(),
  z.object({ const: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]) }).strict(),
]);

const Fields = z.record(ecsField, FieldSpecSchema);

export const SourceSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    /** `event.module` of its events. */
    module: z.string().min(1),
    providers: z.array(z.string().min(1)),
    channels: z.array(z.string().min(1)),
    fields: Fields.optional(),
  })
  .strict();

export const EventSpecSchema = z
  .object({
    source: z.string(),
    id: z.number().int().nonnegative(),
    action: z.string().min(1),
    category: z.array(z.enum(ECS_CATEGORIES)).min(1),
    type: z.array(z.enum(ECS_TYPES)).min(1),
    outcome: z.enum(['success', 'failure', 'unknown']).optional(),
    fields: Fields.optional(),
    /** Source-level fields this event does not get (e.g. a source process for an event about another one). */
    unset: z.array(ecsField).optional(),
  })
  .strict();

export const WindowsEcsMapSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    common: z
      .object({
        fields: Fields,
        eventData: ecsField,
        /** Fields not copied under eventData because a common field keeps them (`Message` → `message`). */
        eventDataSkip: z.array(sourceField).optional(),
      })
      .strict(),
    sources: z.array(SourceSchema).min(1),
    events: z.array(EventSpecSchema),
  })
  .strict()
  .superRefine((m, ctx) => {
    const names = new Set(m.sources.map((s) => s.name));
    const seen = new Set<string>();
    m.events.forEach((e, i) => {
      if (!names.has(e.source))
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'source'],
          message: `unknown source "${e.source}"`,
        });
      const key = `${e.source}:${e.id}`;
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'id'],
          message: `event ${key} is described twice`,
        });
      seen.add(key);
    });
  });

export type FieldSpec = z.infer<typeof FieldSpecSchema>;
export type SourceSpec = z.infer<typeof SourceSchema>;
export type EventSpec = z.infer<typeof EventSpecSchema>;
export type WindowsEcsMap = z.infer<typeof WindowsEcsMapSchema>;
