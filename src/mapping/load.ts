/** Loading and validating field-map files; the built-in STIX ↔ ECS map is loaded once and shared. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseJsonData } from '../common/index.ts';
import { FieldMapSchema, type FieldMapData } from './schema.ts';

/** Path of the built-in STIX ↔ ECS map. */
export const STIX_ECS_MAP_PATH = fileURLToPath(new URL('./data/stix-ecs.json', import.meta.url));

/** Parses and validates a field map; every problem is reported with its JSON path. */
export function parseFieldMap(text: string, origin: string): FieldMapData {
  return parseJsonData(text, origin, FieldMapSchema, {
    what: 'field map',
    code: 'E_MAP',
    schemaPath: 'src/mapping/schema.ts',
  });
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
