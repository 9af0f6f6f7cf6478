/**
 * The one index mapping for ECS documents on Elasticsearch/OpenSearch, generated from `data/ecs-fields.json` (the
 * type of every field Peregrine writes or searches by type). `peregrine ingest --to PROFILE` creates its indices
 * with it and the SysFlow exporter installs it in its index template, so the Elastic backend's structured queries
 * (term, range, CIDR) mean on either what they mean in the embedded store:
 * - strings are `keyword`, whole values without a length cut (the store compares whole values too), including every
 *   string field the data does not name (dynamic template);
 * - typed fields (`date_nanos`, `long`, `integer`, `ip`) take `ignore_malformed`: a value that does not fit (SysFlow
 *   writes `"host.ip": ""`) leaves the field unindexed but keeps the document, as the embedded store does;
 * - `{"type": "text", "index": false}` keeps a value in the document without indexing it (Kubernetes event bodies).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseJsonData } from '../common/index.ts';
import { MappingError } from '../errors/index.ts';

const TYPES = ['keyword', 'long', 'integer', 'date_nanos', 'ip', 'boolean'] as const;
const TypeSchema = z.enum(TYPES);

const EcsFieldsSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string(),
    fields: z.record(
      z.string().regex(/^[@a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/, 'is not a dotted field name'),
      z.union([TypeSchema, z.object({ type: z.literal('text'), index: z.literal(false) }).strict()]),
    ),
  })
  .strict();

/** How one field is indexed. */
export type EcsFieldType = z.infer<typeof EcsFieldsSchema>['fields'][string];

/** Where the field types live. */
export const ECS_FIELDS_PATH = fileURLToPath(new URL('./data/ecs-fields.json', import.meta.url));

/** Parses and validates field-type data; problems name their JSON path. */
export function parseEcsFields(text: string, origin: string): ReadonlyMap<string, EcsFieldType> {
  const data = parseJsonData(text, origin, EcsFieldsSchema, {
    what: 'ECS field-type data',
    code: 'E_MAP',
    schemaPath: 'src/mapping/ecs-index.ts',
  });
  const fields = new Map(Object.entries(data.fields));
  for (const f of fields.keys()) {
    const parts = f.split('.');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('.');
      if (fields.has(parent))
        throw new MappingError(
          'E_MAP_INVALID',
          `ECS field types ${origin}: ${parent} is a field and holds ${f}`,
        );
    }
  }
  return fields;
}

let builtin: ReadonlyMap<string, EcsFieldType> | undefined;

/** The built-in field types (validated on first use). */
export function ecsFieldTypes(): ReadonlyMap<string, EcsFieldType> {
  builtin ??= parseEcsFields(readFileSync(ECS_FIELDS_PATH, 'utf8'), ECS_FIELDS_PATH);
  return builtin;
}

function fieldMapping(t: EcsFieldType): Record<string, unknown> {
  if (typeof t !== 'string') return { ...t };
  return t === 'keyword' || t === 'boolean' ? { type: t } : { type: t, ignore_malformed: true };
}

/** The `mappings` body of an index (or an index template) for ECS documents. */
export function ecsIndexMapping(types: ReadonlyMap<string, EcsFieldType> = ecsFieldTypes()): {
  readonly dynamic_templates: readonly Record<string, unknown>[];
  readonly properties: Record<string, unknown>;
} {
  const properties: Record<string, unknown> = {};
  for (const [field, type] of types) {
    const parts = field.split('.');
    let o = properties;
    for (const p of parts.slice(0, -1)) {
      const next = (o[p] ??= { properties: {} }) as { properties: Record<string, unknown> };
      o = next.properties;
    }
    o[parts[parts.length - 1]] = fieldMapping(type);
  }
  return {
    dynamic_templates: [
      { strings_as_keyword: { match_mapping_type: 'string', mapping: { type: 'keyword' } } },
    ],
    properties,
  };
}
