/** Loading and validating Sigma field-mapping files; the built-in ones (one per product) are loaded once. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseJsonData } from '../../common/index.ts';
import { SigmaMappingSchema, type SigmaMappingData } from './schema.ts';

/** The products with a built-in mapping, and their files. */
export const BUILTIN_MAPPINGS: Readonly<Record<string, string>> = {
  windows: fileURLToPath(new URL('./data/windows.json', import.meta.url)),
  linux: fileURLToPath(new URL('./data/linux.json', import.meta.url)),
};

/** Parses and validates a mapping; every problem is reported with its JSON path. */
export function parseSigmaMapping(text: string, origin: string): SigmaMappingData {
  return parseJsonData(text, origin, SigmaMappingSchema, {
    what: 'Sigma mapping',
    code: 'E_SIGMA_MAP',
    schemaPath: 'src/sigma/mapping/schema.ts',
  });
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
