/** Loading and validating Sigma field-mapping files; the built-in ones (one per product) are loaded once. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MappingError } from '../../errors/index.ts';
import { SigmaMappingSchema, type SigmaMappingData } from './schema.ts';

/** The products with a built-in mapping, and their files. */
export const BUILTIN_MAPPINGS: Readonly<Record<string, string>> = {
  windows: fileURLToPath(new URL('./data/windows.json', import.meta.url)),
  linux: fileURLToPath(new URL('./data/linux.json', import.meta.url)),
};

/** Parses and validates a mapping; every problem is reported with its JSON path. */
export function parseSigmaMapping(text: string, origin: string): SigmaMappingData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MappingError(
      'E_SIGMA_MAP_JSON',
      `Sigma mapping ${origin} is not valid JSON: ${(e as Error).message}`,
    );
  }
  const r = SigmaMappingSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MappingError(
      'E_SIGMA_MAP_INVALID',
      `Sigma mapping ${origin} is invalid: ${issues.join('; ')}`,
      {
        hint: 'see src/sigma/mapping/schema.ts for the format',
      },
    );
  }
  return r.data;
}

const loaded = new Map<string, SigmaMappingData>();

/** The built-in mapping of `product` (validated on first use), or undefined when there is none. */
export function builtinMapping(product: string): SigmaMappingData | undefined {
  const path = BUILTIN_MAPPINGS[product];
  if (path === undefined) return undefined;
  let m = loaded.get(product);
  if (!m) {
    m = parseSigmaMapping(readFileSync(path, 'utf8'), path);
    loaded.set(product, m);
  }
  return m;
}
