/**
 * A `stixshifter://NAME` profile with connector `local`, read as embedded-store settings. Connection:
 * `path` (store file; default `--store`/`PEREGRINE_STORE`/the user data directory), `indices` (comma string or
 * list of names and `*` patterns; default all indices), `options.time_range` (minutes of the default window, as for
 * elastic_ecs; default 5), `options.result_limit`.
 */
import { z } from 'zod';
import { resolveStorePath } from '../../store/ecs/index.ts';
import { profileError } from '../profiles/index.ts';
import type { SourceProfile } from '../types.ts';

export interface LocalSettings {
  readonly profile: string;
  readonly path: string;
  /** Index pattern as one comma string (`_all` when none was given). */
  readonly indices: string;
  readonly defaultWindowMinutes: number;
  readonly resultLimit?: number;
}

const num = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

const ConnectionSchema = z
  .object({
    path: z.string().min(1, 'must not be empty').optional(),
    indices: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    index: z.string().min(1).optional(),
    options: z
      .object({
        time_range: num.pipe(z.number().min(0)).optional(),
        result_limit: num.pipe(z.number().int().positive()).optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export function localSettings(profile: SourceProfile): LocalSettings {
  const c = ConnectionSchema.safeParse(profile.connection ?? {});
  if (!c.success) {
    const issue = c.error.issues[0];
    throw profileError(
      profile,
      'connection',
      issue.path,
      issue.message,
      'a local profile takes {"path": "…/store.duckdb", "indices": "name-*"}',
    );
  }
  const d = c.data;
  const raw = d.indices ?? d.index;
  const indices =
    raw === undefined
      ? '_all'
      : (Array.isArray(raw) ? raw : raw.split(','))
          .map((s) => s.trim())
          .filter(Boolean)
          .join(',');
  return {
    profile: profile.name,
    path: resolveStorePath(d.path),
    indices,
    defaultWindowMinutes: d.options?.time_range ?? 5,
    ...(d.options?.result_limit !== undefined ? { resultLimit: d.options.result_limit } : {}),
  };
}
