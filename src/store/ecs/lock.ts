/**
 * Sharing one store file between processes. DuckDB lets either one read-write process or any number of read-only
 * processes hold a database file. Peregrine keeps both kinds of hold short: readers (the `local` connector) open
 * read-only for one query and close; a writer (`peregrine ingest`, an exporter) opens read-write for one append run and
 * closes. Whoever finds the file held waits, retrying with backoff, up to a timeout (`PEREGRINE_STORE_LOCK_TIMEOUT`
 * milliseconds, default 10000); then it fails with a StoreError naming the holder. A writer leaves `<store>.writer`
 * (JSON: pid, command, since) beside the file while it holds it, so that message can say who writes and since when.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { StoreError } from '../../errors/index.ts';

export interface WriterInfo {
  readonly pid: number;
  readonly command: string;
  readonly since: string;
}

export function writerInfoPath(storePath: string): string {
  return storePath + '.writer';
}

export function writeWriterInfo(storePath: string): void {
  const info: WriterInfo = {
    pid: process.pid,
    command: ['peregrine', ...process.argv.slice(2)].join(' ').slice(0, 200),
    since: new Date().toISOString(),
  };
  try {
    writeFileSync(writerInfoPath(storePath), JSON.stringify(info) + '\n');
  } catch {
    // Informational only: a read-only directory must not stop the write itself.
  }
}

export function clearWriterInfo(storePath: string): void {
  try {
    const info = readWriterInfo(storePath);
    if (!info || info.pid === process.pid) rmSync(writerInfoPath(storePath), { force: true });
  } catch {
    // Same as above.
  }
}

export function readWriterInfo(storePath: string): WriterInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(writerInfoPath(storePath), 'utf8')) as Partial<WriterInfo>;
    if (typeof v.pid === 'number' && typeof v.since === 'string') {
      return { pid: v.pid, since: v.since, command: String(v.command ?? '') };
    }
  } catch {
    // No file or not ours: fall back to what DuckDB says.
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `err` is DuckDB's "Could not set lock on file" error. */
export function isLockConflict(err: unknown): boolean {
  return /Could not set lock on file|Conflicting lock is held/i.test(String((err as Error)?.message ?? err));
}

/** The StoreError for a store held by another process past the timeout. */
export function lockedError(storePath: string, err: unknown, waitedMs: number): StoreError {
  const text = String((err as Error)?.message ?? err);
  const pidMatch = /\(PID (\d+)\)/.exec(text);
  const holder = pidMatch ? Number(pidMatch[1]) : undefined;
  const info = readWriterInfo(storePath);
  const waited = `after waiting ${(waitedMs / 1000).toFixed(1)} s`;
  if (info && alive(info.pid) && (holder === undefined || holder === info.pid)) {
    return new StoreError(
      'E_STORE_LOCKED',
      `store ${storePath} is locked by pid ${info.pid} (${info.command}), writing since ${info.since} — gave up ${waited}`,
      {
        hint: 'wait for that writer to finish, or raise PEREGRINE_STORE_LOCK_TIMEOUT (milliseconds)',
        cause: err,
      },
    );
  }
  return new StoreError(
    'E_STORE_LOCKED',
    `store ${storePath} is in use by pid ${holder ?? '?'} — gave up ${waited}`,
    {
      hint: 'another process has the store open (a writer excludes everyone; readers exclude writers); wait for it or raise PEREGRINE_STORE_LOCK_TIMEOUT (milliseconds)',
      cause: err,
    },
  );
}

export function lockTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.PEREGRINE_STORE_LOCK_TIMEOUT);
  return Number.isFinite(v) && v >= 0 ? v : 10_000;
}
