/** Loading and validating field-map files; the built-in STIX ↔ ECS map is loaded once and shared. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MappingError } from '../errors/index.ts';
import { FieldMapSchema, type FieldMapData } from './schema.ts';

/** Path of the built-in STIX ↔ ECS map. */
export const STIX_ECS_MAP_PATH = fileURLToPath(new URL('./data/stix-ecs.json', import.meta.url));

/** Parses and validates a field map; every problem is reported with its JSON path. */
export function parseFieldMap(text: string, origin: string): FieldMapData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MappingError('E_MAP_JSON', `field map ${origin} is not valid JSON: ${(e as Error).message}`);
  }
  const r = FieldMapSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MappingError('E_MAP_INVALID', `field map ${origin} is invalid: ${issues.join('; ')}`, {
      hint: 'see src/mapping/schema.ts for the format',
    });
  }
  return r.data;
}

export function loadFieldMap(path: string): FieldMapData {
  return parseFieldMap(readFileSync(path, 'utf8'), path);
}

let builtin: FieldMapData | undefined;

/** The built-in STIX ↔ ECS map (validated on first use). */
export function stixEcsMap(): FieldMapData {
  builtin ??= loadFieldMap(STIX_ECS_MAP_PATH);
  return builtin;
}
