/**
 * Persistent REPL history: one line per entry, newest last, in `$PEREGRINE_HISTORY`, else
 * `$XDG_STATE_HOME/peregrine/history`, else `~/.local/state/peregrine/history`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const HISTORY_SIZE = 1000;

export function historyPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PEREGRINE_HISTORY) return env.PEREGRINE_HISTORY;
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'peregrine', 'history');
}

/** The saved history, newest first (the order `readline` wants); empty when there is none yet. */
export function loadHistory(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-HISTORY_SIZE)
      .reverse();
  } catch {
    return [];
  }
}

/** Saves `readline`'s history (newest first); a failure to write only loses history, so it is reported, not thrown. */
export function saveHistory(path: string, newestFirst: readonly string[], warn: (msg: string) => void): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, [...newestFirst].slice(0, HISTORY_SIZE).reverse().join('\n') + '\n');
  } catch (e) {
    warn(`cannot save history to ${path}: ${(e as Error).message}`);
  }
}
