/**
 * Where completion candidates come from besides the grammar: the session's variables and cached attributes, the
 * STIX↔ECS field map, data-source profiles configured in the environment, and analytics.
 */
import { queryPaths, stixEcsMap } from '../../mapping/index.ts';
import { ENTITY_TYPES } from '../syntax/vocabulary.ts';

/** A variable as completion sees it. */
export interface CompletionVariable {
  readonly name: string;
  readonly type: string;
}

/** What the caller (kernel, REPL) knows about the running session. */
export interface CompletionSources {
  readonly variables: readonly CompletionVariable[];
  /** Attributes actually present in the cache for a variable (optional; the field map is always consulted). */
  readonly cachedAttributes?: (variable: string) => Promise<readonly string[]> | readonly string[];
  /** Data-source profile names (default: {@link defaultProfiles}). */
  readonly profiles?: readonly string[];
  /** Analytics URIs APPLY accepts (default: {@link defaultAnalytics}). */
  readonly analytics?: readonly string[];
}

/**
 * Profile names configured as Kestrel does: `STIXSHIFTER_<NAME>_CONNECTION` / `_CONFIG` environment variables,
 * names lower-cased (Kestrel's `stixshifter://name` is case-insensitive).
 */
export function profileNamesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const names = new Set<string>();
  for (const key of Object.keys(env)) {
    const m = /^STIXSHIFTER_(.+)_(?:CONNECTION|CONFIG)$/.exec(key);
    if (m) names.add(m[1]!.toLowerCase());
  }
  return [...names].sort();
}

/**
 * Profiles configured for `stixshifter://NAME`: the environment and the profile file, as the connector resolves them.
 * When the profile file is broken (its own commands report that), completion still offers the environment's names.
 */
export async function defaultProfiles(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  try {
    const { listProfiles } = await import('../../connectors/profiles/index.ts');
    return listProfiles(env).map((p) => p.name);
  } catch {
    return profileNamesFromEnv(env);
  }
}

/**
 * The registered analytics, as the `analytics://name` URIs APPLY takes. Imported on demand: a kernel need not load
 * the analytics to answer kernel_info.
 */
export async function defaultAnalytics(): Promise<string[]> {
  const { listAnalytics } = await import('../../analytics/index.ts');
  return listAnalytics().map((a) => `analytics://${a.name}`);
}

let fieldMapAttributes: Map<string, string[]> | undefined;

/** Attributes of an entity type known to the language vocabulary and the field map, sorted, without duplicates. */
export function attributesOfType(type: string): string[] {
  if (!fieldMapAttributes) {
    fieldMapAttributes = new Map();
    try {
      for (const key of queryPaths(stixEcsMap())) {
        const i = key.indexOf(':');
        if (i <= 0) continue;
        const t = key.slice(0, i);
        const list = fieldMapAttributes.get(t) ?? [];
        list.push(key.slice(i + 1));
        fieldMapAttributes.set(t, list);
      }
    } catch {
      // A broken field map is reported by the commands that need it; completion falls back to the vocabulary.
    }
  }
  return [...new Set([...(ENTITY_TYPES[type] ?? []), ...(fieldMapAttributes.get(type) ?? [])])].sort();
}
