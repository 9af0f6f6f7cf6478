/**
 * The shape of the SysFlow → ECS map (`data/sysflow-ecs.json`), validated with zod at load (house rule 5). Every
 * value names a reader of `sources.ts`, a block of the map, a record kind or a predicate that exists, so a map that
 * loads has no entry that does not resolve.
 *
 * - `blocks`: per-process parts (`process.*`, `user.*`, `process.parent.*`), ECS sub-path → process reader or a
 *   nested `{block}`; `extends` puts another block's fields first.
 * - `groups`: in order; each applies to the record kinds it names (`kinds`, or all but `except`) when its `when`
 *   predicate holds. A field is an ECS path and a reader name, `{const}`, `{block, of}` (a block read from the
 *   record's process or its parent) or `{object: true}` (an object written even when nothing below it has a value).
 */
import { z } from 'zod';
import { EVENT_KINDS } from '../records/index.ts';
import { EVENT_SOURCES, PREDICATES, PROCESS_SOURCES, SUBJECTS } from './sources.ts';

/** The names of a reader table, as a zod enum. */
function namesOf<T extends object>(table: T): z.ZodEnum<[keyof T & string, ...(keyof T & string)[]]> {
  return z.enum(Object.keys(table) as [keyof T & string, ...(keyof T & string)[]]);
}

const ecsPath = z
  .string()
  .regex(/^(@?[a-z0-9_]+)(\.[a-z0-9_]+)*$/, 'an ECS field name like process.parent.pid');
const blockName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a block name like process');
const kinds = z.array(z.enum(EVENT_KINDS)).min(1);

export const BlockFieldSchema = z.union([namesOf(PROCESS_SOURCES), z.object({ block: blockName }).strict()]);

export const BlockSchema = z
  .object({
    $comment: z.string().optional(),
    extends: blockName.optional(),
    fields: z.record(ecsPath, BlockFieldSchema),
  })
  .strict();

export const FieldSchema = z.union([
  namesOf(EVENT_SOURCES),
  z.object({ const: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
  z.object({ block: blockName, of: namesOf(SUBJECTS) }).strict(),
  z.object({ object: z.literal(true) }).strict(),
]);

export const GroupSchema = z
  .object({
    $comment: z.string().optional(),
    kinds: kinds.optional(),
    except: kinds.optional(),
    when: namesOf(PREDICATES).optional(),
    fields: z.record(ecsPath, FieldSchema),
  })
  .strict()
  .refine((g) => !(g.kinds && g.except), { message: 'a group names `kinds` or `except`, not both' });

export const SysFlowEcsMapSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    blocks: z.record(blockName, BlockSchema),
    groups: z.array(GroupSchema).min(1),
  })
  .strict()
  .superRefine((m, ctx) => {
    const known = (name: string, path: (string | number)[]) => {
      if (!Object.hasOwn(m.blocks, name))
        ctx.addIssue({ code: 'custom', path, message: `unknown block "${name}"` });
    };
    for (const [name, b] of Object.entries(m.blocks)) {
      if (b.extends !== undefined) known(b.extends, ['blocks', name, 'extends']);
      for (const [field, spec] of Object.entries(b.fields))
        if (typeof spec === 'object') known(spec.block, ['blocks', name, 'fields', field, 'block']);
      // a block may not contain itself, through `extends` or a nested block
      const seen = new Set<string>();
      const visit = (n: string): boolean => {
        if (n === name && seen.size > 0) return true;
        if (seen.has(n)) return false;
        seen.add(n);
        const blk = m.blocks[n];
        if (!blk) return false;
        const next = [
          ...(blk.extends ? [blk.extends] : []),
          ...Object.values(blk.fields).flatMap((s) => (typeof s === 'object' ? [s.block] : [])),
        ];
        return next.some(visit);
      };
      if (visit(name))
        ctx.addIssue({ code: 'custom', path: ['blocks', name], message: `block "${name}" contains itself` });
    }
    m.groups.forEach((g, i) => {
      for (const [field, spec] of Object.entries(g.fields))
        if (typeof spec === 'object' && 'block' in spec)
          known(spec.block, ['groups', i, 'fields', field, 'block']);
    });
  });

export type BlockField = z.infer<typeof BlockFieldSchema>;
export type Block = z.infer<typeof BlockSchema>;
export type Field = z.infer<typeof FieldSchema>;
export type Group = z.infer<typeof GroupSchema>;
export type SysFlowEcsMap = z.infer<typeof SysFlowEcsMapSchema>;
