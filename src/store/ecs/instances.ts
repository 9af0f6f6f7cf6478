/**
 * One DuckDB instance per store file per process, shared by every handle on it (`EcsStore`); opened read-only or
 * read-write as the handles need, waiting with backoff while another process holds the file (see `lock.ts`), closed
 * when the last handle goes. Also the store's schema: created on the first read-write open, checked on every open.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { StoreError } from '../../errors/index.ts';
import { quoteIdent } from '../../common/index.ts';
import { TYPED_COLUMNS, sqlType } from './columns.ts';
import { clearWriterInfo, isLockConflict, lockedError, writeWriterInfo } from './lock.ts';

export const STORE_SCHEMA_VERSION = '1';

export type StoreMode = 'read' | 'write';

export interface Shared {
  instance: DuckDBInstance;
  writable: boolean;
  refs: number;
  /** Serialises writers within the process. */
  writeChain: Promise<unknown>;
}

const shared = new Map<string, Shared>();
const opening = new Map<string, Promise<Shared>>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createInstance(path: string, writable: boolean, timeoutMs: number): Promise<DuckDBInstance> {
  if (!writable && !existsSync(path)) {
    throw new StoreError('E_STORE_MISSING', `no store at ${path}`, {
      hint: 'ingest documents first: peregrine ingest FILE --index NAME (or point --store / PEREGRINE_STORE at one)',
    });
  }
  if (writable) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw new StoreError('E_STORE_UNREADABLE', `cannot create the store's directory ${dirname(path)}`, {
        cause: e,
      });
    }
  }
  const started = Date.now();
  let delay = 25;
  for (;;) {
    try {
      return await DuckDBInstance.create(path, writable ? {} : { access_mode: 'READ_ONLY' });
    } catch (e) {
      if (isLockConflict(e)) {
        const waited = Date.now() - started;
        if (waited >= timeoutMs) throw lockedError(path, e, waited);
        await sleep(Math.min(delay, Math.max(1, timeoutMs - waited)));
        delay = Math.min(delay * 2, 500);
        continue;
      }
      const msg = String((e as Error)?.message ?? e);
      throw new StoreError(
        'E_STORE_UNREADABLE',
        `cannot open the store ${path}: ${msg.replace(/^IO Error: /, '')}`,
        {
          hint: /not a valid DuckDB|Invalid Input|magic/i.test(msg)
            ? 'the file is not a Peregrine store (a DuckDB database); choose another --store path'
            : 'check the path and its permissions',
          cause: e,
        },
      );
    }
  }
}

export async function acquire(path: string, mode: StoreMode, timeoutMs: number): Promise<Shared> {
  const writable = mode === 'write';
  const started = Date.now();
  for (;;) {
    const pending = opening.get(path);
    if (pending) {
      await pending.catch(() => undefined);
      continue;
    }
    const cur = shared.get(path);
    if (cur && (cur.writable || !writable)) {
      cur.refs++;
      return cur;
    }
    if (cur && cur.refs > 0) {
      // A read-only instance is in use in this process; wait for its readers to finish, then reopen read-write.
      if (Date.now() - started > timeoutMs) {
        throw new StoreError('E_STORE_LOCKED', `store ${path} is open read-only in this process`, {
          hint: 'finish the running queries before writing',
        });
      }
      await sleep(20);
      continue;
    }
    if (cur) {
      cur.instance.closeSync();
      shared.delete(path);
      if (cur.writable) clearWriterInfo(path);
    }
    const p = (async () => {
      const instance = await createInstance(path, writable, timeoutMs);
      const s: Shared = { instance, writable, refs: 0, writeChain: Promise.resolve() };
      try {
        const c = await instance.connect();
        try {
          if (writable) await initSchema(c, path);
          else await checkSchema(c, path);
        } finally {
          c.closeSync();
        }
      } catch (e) {
        instance.closeSync();
        throw e;
      }
      shared.set(path, s);
      if (writable) writeWriterInfo(path);
      return s;
    })();
    opening.set(path, p);
    try {
      const s = await p;
      s.refs++;
      return s;
    } finally {
      opening.delete(path);
    }
  }
}

export function release(path: string, s: Shared): void {
  s.refs--;
  if (s.refs === 0 && shared.get(path) === s) {
    shared.delete(path);
    s.instance.closeSync();
    if (s.writable) clearWriterInfo(path);
  }
}

const DOCS_COLUMNS_SQL = [
  '"_index" VARCHAR NOT NULL',
  '"_id" VARCHAR NOT NULL',
  '"_irregular" BOOLEAN NOT NULL',
  ...TYPED_COLUMNS.map((c) => `${quoteIdent(c.field)} ${sqlType(c.kind)}`),
  '"_source" VARCHAR NOT NULL',
].join(', ');

async function initSchema(c: DuckDBConnection, path: string): Promise<void> {
  await c.run(`CREATE TABLE IF NOT EXISTS peregrine_store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
  const r = await c.runAndReadAll(`SELECT value FROM peregrine_store_meta WHERE key = 'schema'`);
  const rows = r.getRowsJson();
  if (rows.length === 0) {
    await c.run(`INSERT INTO peregrine_store_meta VALUES ('schema', $1)`, [STORE_SCHEMA_VERSION]);
  } else if (rows[0][0] !== STORE_SCHEMA_VERSION) {
    throw schemaError(path, String(rows[0][0]));
  }
  await c.run(
    `CREATE TABLE IF NOT EXISTS ecs_indices (name VARCHAR PRIMARY KEY, created TIMESTAMP NOT NULL)`,
  );
  await c.run(`CREATE TABLE IF NOT EXISTS ecs_docs (${DOCS_COLUMNS_SQL})`);
  // added within schema 1: stores written before it lack the table, and readers then prune nothing
  await c.run(
    `CREATE TABLE IF NOT EXISTS ecs_index_keys (_index VARCHAR, key VARCHAR, PRIMARY KEY (_index, key))`,
  );
}

async function checkSchema(c: DuckDBConnection, path: string): Promise<void> {
  let version: string | undefined;
  try {
    const r = await c.runAndReadAll(`SELECT value FROM peregrine_store_meta WHERE key = 'schema'`);
    version = r.getRowsJson()[0]?.[0] as string | undefined;
  } catch {
    version = undefined;
  }
  if (version === undefined) {
    throw new StoreError('E_STORE_UNREADABLE', `${path} is a DuckDB database but not a Peregrine store`, {
      hint: 'choose another --store path',
    });
  }
  if (version !== STORE_SCHEMA_VERSION) throw schemaError(path, version);
}

function schemaError(path: string, version: string): StoreError {
  return new StoreError(
    'E_STORE_SCHEMA',
    `store ${path} has schema version ${version}; this Peregrine reads version ${STORE_SCHEMA_VERSION}`,
    { hint: 'ingest into a new store file' },
  );
}
