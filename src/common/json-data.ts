/**
 * Reading a data file that Peregrine ships or a user gives (field maps, Sigma mappings, field types): JSON parsed,
 * then validated by its zod schema, every problem a MappingError naming the file and the JSON path (house rule 5).
 */
import type { z } from 'zod';
import { MappingError } from '../errors/index.ts';

/** What kind of data a file holds, for its errors. */
export interface JsonDataKind {
  /** How messages name it: `field map`, `Sigma mapping`. */
  readonly what: string;
  /** Codes of its errors: `${code}_JSON` when it does not parse, `${code}_INVALID` when it breaks the schema. */
  readonly code: string;
  /** Where its format is described (a schema module), for the hint. */
  readonly schemaPath: string;
}

/** `text` (from `origin`) parsed and validated by `schema`; the first five problems are named with their paths. */
export function parseJsonData<S extends z.ZodTypeAny>(
  text: string,
  origin: string,
  schema: S,
  kind: JsonDataKind,
): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MappingError(
      `${kind.code}_JSON`,
      `${kind.what} ${origin} is not valid JSON: ${(e as Error).message}`,
    );
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MappingError(
      `${kind.code}_INVALID`,
      `${kind.what} ${origin} is invalid: ${issues.join('; ')}`,
      {
        hint: `see ${kind.schemaPath} for the format`,
      },
    );
  }
  return r.data;
}
