/**
 * Where the embedded store lives: `--store PATH`, else `PEREGRINE_STORE`, else
 * `$XDG_DATA_HOME/peregrine/store.duckdb` (`~/.local/share/peregrine/store.duckdb` when XDG_DATA_HOME is unset).
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'share');
  return join(base, 'peregrine', 'store.duckdb');
}

/** The store path to use given an explicit option (CLI flag or profile field), the environment and the default. */
export function resolveStorePath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit?.trim() || env.PEREGRINE_STORE?.trim();
  if (!chosen) return defaultStorePath(env);
  const expanded = chosen.startsWith('~/') ? join(homedir(), chosen.slice(2)) : chosen;
  return resolve(expanded);
}
