/**
 * The hunt cache: an embedded DuckDB database holding every observation a hunt session has fetched, the records
 * (object occurrences) inside them, the references between records, and which records each variable holds.
 * Owned by one {@link HuntSession} (house rule 12); commands get it as a handle.
 */
import {
  DuckDBInstance,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBConnection,
  type DuckDBAppender,
  type DuckDBValue,
} from '@duckdb/node-api';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, StoreError } from '../../errors/index.ts';
import type { Observation, StixObject } from '../../stix/observation.ts';
import { entityKey } from './identity.ts';
import { SCHEMA_SQL, entityViewSql } from './schema.ts';
import { registerCidrFunction } from './cidr.ts';

export interface IngestResult {
  readonly batch: number;
  readonly observations: number;
  readonly records: number;
}

export interface IngestOptions {
  readonly signal?: AbortSignal;
  /** Called every few thousand observations with the running count. */
  readonly onProgress?: (observations: number) => void;
  /** Stop after this many observations. */
  readonly maxObservations?: number;
}

export type Row = Record<string, unknown>;

const TYPE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Where an in-memory cache spills what does not fit its memory budget (removed on close). */
let caches = 0;
function spillDirectory(): string {
  return join(tmpdir(), `peregrine-cache-${process.pid}-${++caches}`);
}

/** The hunt cache's memory budget unless `PEREGRINE_CACHE_MEMORY` sets one (a DuckDB size, e.g. `2GB`). */
const DEFAULT_MEMORY_LIMIT = '512MB';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An instant in microseconds since the epoch as STIX writes timestamps: `2020-06-30T19:25:09.447726Z`. */
function isoMicros(micros: bigint): string {
  const ms = micros / 1000n;
  const iso = new Date(Number(ms)).toISOString();
  const frac = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return frac % 1000n === 0n ? iso : `${iso.slice(0, 19)}.${frac.toString().padStart(6, '0')}Z`;
}

/** The first line of a database error (DuckDB appends tuning advice that names settings users cannot reach). */
function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}

/** What a user can do about a failure of the cache's database. */
function cacheHint(e: unknown): string {
  const m = (e as Error)?.message ?? '';
  if (/out of memory|could not allocate/i.test(m))
    return 'the hunt cache ran out of its memory budget: raise it with PEREGRINE_CACHE_MEMORY (e.g. 4GB) or narrow the query (WHERE, START/STOP, LIMIT)';
  if (/no space left|disk|I\/O Error|IO Error/i.test(m))
    return 'the disk under the cache (or its spill directory in the temp folder) is full or failing: free space or run with --cache on another disk';
  return 'this is a fault of Peregrine rather than of the huntflow: run again with --debug and report the output';
}

/** Converts DuckDB result values to plain JSON-able JS values (timestamps as RFC 3339 text in UTC). */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v === null || v === undefined) return null;
  if (v instanceof DuckDBTimestampTZValue || v instanceof DuckDBTimestampValue) return isoMicros(v.micros);
  if (typeof v === 'object') return String(v);
  return v;
}

/** Appends a record/observation id to a BIGINT column (int32 calls while they fit: no BigInt allocation). */
function appendId(a: DuckDBAppender, id: number): void {
  if (id <= 0x7fffffff) a.appendInteger(id);
  else a.appendBigInt(BigInt(id));
}

/** Appends the edge `rid -k-> ref` when `ref` names another object (not `key` itself) of the same observation. */
function appendEdge(
  edges: DuckDBAppender,
  rid: number,
  k: string,
  key: string,
  ref: unknown,
  ridOf: Map<string, number>,
): void {
  const dst = typeof ref === 'string' && ref !== key ? ridOf.get(ref) : undefined;
  if (dst === undefined) return;
  appendId(edges, rid);
  edges.appendVarchar(k);
  appendId(edges, dst);
  edges.endRow();
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return plain(v);
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export class HuntCache {
  private nextOid = 0;
  private nextRid = 0;
  private nextBatch = 0;
  private nextVid = 0;
  /** type → flattened attribute names seen (refs excluded), in first-seen order. */
  private readonly attrNames = new Map<string, Set<string>>();
  /** Attribute-name signatures already noted, so ingest looks at each record shape once. */
  private readonly signatures = new Set<string>();
  /** type → keys of the last object of that type seen by ingest (see {@link knownShape}). */
  private readonly lastShape = new Map<string, string[]>();

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly path: string,
    private readonly spill?: string,
  ) {}

  static async open(path = ':memory:'): Promise<HuntCache> {
    const memory = process.env.PEREGRINE_CACHE_MEMORY?.trim() || DEFAULT_MEMORY_LIMIT;
    if (!/^\d+(\.\d+)?\s*(B|[KMGT]i?B)$/i.test(memory))
      throw new StoreError(
        'E_CACHE_MEMORY',
        `PEREGRINE_CACHE_MEMORY=${JSON.stringify(memory)} is not a size`,
        {
          hint: 'give the hunt cache memory budget as a size such as 512MB or 4GB',
        },
      );
    const spill = path === ':memory:' ? spillDirectory() : undefined;
    try {
      // DuckDB's buffer pool would otherwise grow towards 80% of the machine's memory: bounded, a hunt over a large
      // source keeps a flat footprint and DuckDB spills to disk (an in-memory cache into the temp directory).
      const instance = await DuckDBInstance.create(path, {
        memory_limit: memory,
        ...(spill ? { temp_directory: spill } : {}),
      });
      const conn = await instance.connect();
      for (const s of SCHEMA_SQL) await conn.run(s);
      registerCidrFunction(conn);
      const cache = new HuntCache(instance, conn, path, spill);
      await cache.restoreCounters();
      return cache;
    } catch (e) {
      throw new StoreError('E_CACHE_OPEN', `cannot open the hunt cache at ${path}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  private async restoreCounters(): Promise<void> {
    const r = await this
      .all(`SELECT (SELECT coalesce(max(oid), 0) FROM obs) AS o, (SELECT coalesce(max(rid), 0) FROM rec) AS r,
      (SELECT coalesce(max(batch), 0) FROM obs) AS b, (SELECT coalesce(max(vid), 0) FROM member) AS v`);
    const row = r[0] ?? {};
    this.nextOid = Number(row.o ?? 0);
    this.nextRid = Number(row.r ?? 0);
    this.nextBatch = Number(row.b ?? 0);
    this.nextVid = Number(row.v ?? 0) + 1000;
    const types = await this.all(`SELECT DISTINCT type FROM rec`);
    for (const t of types) {
      const keys = await this.all(
        `SELECT DISTINCT unnest(json_keys(attrs)) AS k FROM (SELECT attrs FROM rec WHERE type = ? LIMIT 1000)`,
        [t.type],
      );
      this.attrNames.set(String(t.type), new Set(keys.map((k) => String(k.k))));
    }
  }

  async close(): Promise<void> {
    try {
      this.conn.closeSync();
      this.instance.closeSync();
    } catch {
      // closing twice is harmless
    }
    if (this.spill) rmSync(this.spill, { recursive: true, force: true });
  }

  /** Runs a statement; `signal` interrupts it. */
  async run(sql: string, params: readonly unknown[] = [], signal?: AbortSignal): Promise<void> {
    await this.guard(signal, () => this.conn.run(sql, params.length ? (params as DuckDBValue[]) : undefined));
  }

  /** Runs a query and returns rows as plain objects (BigInts narrowed, timestamps as text). */
  async all(sql: string, params: readonly unknown[] = [], signal?: AbortSignal): Promise<Row[]> {
    const reader = await this.guard(signal, () =>
      this.conn.runAndReadAll(sql, params.length ? (params as DuckDBValue[]) : undefined),
    );
    const names = reader.columnNames();
    const json = reader.columnTypes().map((t) => (t as { alias?: string }).alias === 'JSON');
    return reader.getRows().map((r) => {
      const o: Row = {};
      names.forEach((n, i) => (o[n] = json[i] ? parseJson(r[i]) : plain(r[i])));
      return o;
    });
  }

  /** Like {@link all} but returns column names and row arrays (for displays). */
  async table(
    sql: string,
    params: readonly unknown[] = [],
    signal?: AbortSignal,
  ): Promise<{ columns: string[]; rows: unknown[][] }> {
    const reader = await this.guard(signal, () =>
      this.conn.runAndReadAll(sql, params.length ? (params as DuckDBValue[]) : undefined),
    );
    const json = reader.columnTypes().map((t) => (t as { alias?: string }).alias === 'JSON');
    return {
      columns: reader.columnNames(),
      rows: reader.getRows().map((r) => r.map((v, i) => (json[i] ? parseJson(v) : plain(v)))),
    };
  }

  private async guard<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    if (signal?.aborted) throw new CancelledError();
    const onAbort = (): void => this.conn.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn();
    } catch (e) {
      if (signal?.aborted) throw new CancelledError('query cancelled', { cause: e });
      // (No `cause`: the rest of DuckDB's message is advice about settings a huntflow cannot reach.)
      throw new StoreError('E_CACHE_QUERY', `hunt cache query failed: ${firstLine(e)}`, {
        hint: cacheHint(e),
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Flattened attribute names of `type` seen so far (refs excluded). */
  attributes(type: string): string[] {
    return [...(this.attrNames.get(type) ?? [])];
  }

  /** Every STIX type with records in the cache. */
  types(): string[] {
    return [...this.attrNames.keys()].sort();
  }

  /** Records that entities of `type` now have top-level attributes `names` (an analytic's merge-back). */
  noteAttributeNames(type: string, names: readonly string[]): void {
    this.noteAttributes(type, Object.fromEntries(names.map((n) => [n, null])));
  }

  private noteAttributes(type: string, obj: Record<string, unknown>, prefix = ''): void {
    let set = this.attrNames.get(type);
    if (!set) {
      set = new Set();
      this.attrNames.set(type, set);
    }
    for (const k of Object.keys(obj)) {
      if (k.endsWith('_ref') || k.endsWith('_refs') || (!prefix && k === 'type')) continue;
      const name = prefix + (k.includes('-') || k.includes('.') ? `'${k}'` : k);
      const v = obj[k];
      if (isPlainObject(v) && prefix.split('.').length < 3) this.noteAttributes(type, v, name + '.');
      else set.add(name);
    }
  }

  /**
   * True when `obj` has the same keys, in the same order, as the last object of its type whose shape was noted —
   * the common case in a bundle of like observations — so ingest can skip building its attribute signature.
   */
  private knownShape(obj: StixObject): boolean {
    const last = this.lastShape.get(obj.type);
    let i = 0;
    if (last) {
      for (const k in obj) if (last[i++] !== k) return this.rememberShape(obj);
      if (i === last.length) return true;
    }
    return this.rememberShape(obj);
  }

  private rememberShape(obj: StixObject): false {
    this.lastShape.set(obj.type, Object.keys(obj));
    return false;
  }

  /**
   * Observations of `batch` whose observed-data id was cached by an earlier fetch are dropped in favour of the first
   * copy (as firepit keys observations by id), so fetching the same data twice never doubles records. Within one
   * fetch nothing is dropped, nor are placeholder ids (`…--unknown`, given to observed-data without an id).
   * `batch_obs` then lists the batch's observations by their kept copies.
   */
  private async dedupBatch(batch: number): Promise<void> {
    await this.run(
      `CREATE OR REPLACE TEMP TABLE dup AS SELECT n.oid AS new_oid, min(p.oid) AS old_oid FROM obs n JOIN obs p ON p.id = n.id AND p.batch < n.batch
       WHERE n.batch = ? AND n.id <> '' AND NOT ends_with(n.id, '--unknown') GROUP BY n.oid`,
      [batch],
    );
    await this.run(
      `INSERT INTO batch_obs SELECT DISTINCT ?, coalesce(d.old_oid, n.oid) FROM obs n LEFT JOIN dup d ON d.new_oid = n.oid WHERE n.batch = ?`,
      [batch, batch],
    );
    const n = await this.all(`SELECT count(*) AS n FROM dup`);
    if (Number(n[0]?.n ?? 0) > 0) {
      await this.run(
        `DELETE FROM edge WHERE src IN (SELECT rid FROM rec WHERE oid IN (SELECT new_oid FROM dup))`,
      );
      await this.run(`DELETE FROM rec WHERE oid IN (SELECT new_oid FROM dup)`);
      await this.run(`DELETE FROM obs WHERE oid IN (SELECT new_oid FROM dup)`);
    }
    await this.run(`DROP TABLE dup`);
  }

  /** Allocates a new variable id. */
  newVariableId(): number {
    return ++this.nextVid;
  }

  /**
   * Streams observations into the cache with DuckDB appenders; memory stays flat whatever the stream's length.
   * Returns the batch number that tags the observations ingested by this call.
   */
  async ingest(observations: AsyncIterable<Observation>, opts: IngestOptions = {}): Promise<IngestResult> {
    const batch = ++this.nextBatch;
    let obsA: DuckDBAppender | undefined;
    let recA: DuckDBAppender | undefined;
    let edgeA: DuckDBAppender | undefined;
    let nObs = 0;
    let nRec = 0;
    try {
      obsA = await this.conn.createAppender('obs');
      recA = await this.conn.createAppender('rec');
      edgeA = await this.conn.createAppender('edge');
      const ridOf = new Map<string, number>();
      for await (const ob of observations) {
        if (opts.signal?.aborted) throw new CancelledError();
        if (opts.maxObservations !== undefined && nObs >= opts.maxObservations) break;
        const oid = ++this.nextOid;
        nObs++;
        appendId(obsA, oid);
        obsA.appendVarchar(String(ob.id ?? ''));
        if (ob.first_observed) obsA.appendVarchar(ob.first_observed);
        else obsA.appendNull();
        if (ob.last_observed ?? ob.first_observed)
          obsA.appendVarchar((ob.last_observed ?? ob.first_observed)!);
        else obsA.appendNull();
        obsA.appendInteger(Number(ob.number_observed ?? 1) | 0);
        obsA.appendInteger(batch);
        obsA.endRow();
        const objects = (ob.objects ?? {}) as Record<string, StixObject>;
        ridOf.clear();
        for (const key of Object.keys(objects)) ridOf.set(key, ++this.nextRid);
        for (const key in objects) {
          const obj = objects[key];
          if (!obj || typeof obj.type !== 'string') continue;
          const rid = ridOf.get(key)!;
          // Most objects (addresses, accounts) have no references: store them as they are, without a copy.
          let attrs: Record<string, unknown> = obj;
          const known = this.knownShape(obj);
          let sig = known ? '' : obj.type;
          for (const k in obj) {
            if (!known) sig += '\u0000' + k;
            if (!k.endsWith('_ref') && !k.endsWith('_refs')) continue;
            if (attrs === obj) {
              attrs = {};
              for (const k2 in obj) if (!k2.endsWith('_ref') && !k2.endsWith('_refs')) attrs[k2] = obj[k2];
            }
            const v = obj[k];
            if (k.endsWith('_ref')) appendEdge(edgeA, rid, k, key, v, ridOf);
            else if (Array.isArray(v)) for (const ref of v) appendEdge(edgeA, rid, k, key, ref, ridOf);
          }
          if (!known && !this.signatures.has(sig)) {
            this.signatures.add(sig);
            this.noteAttributes(obj.type, attrs);
          }
          appendId(recA, rid);
          appendId(recA, oid);
          recA.appendVarchar(obj.type);
          recA.appendVarchar(key);
          recA.appendVarchar(entityKey(obj, key, objects, ob));
          recA.appendVarchar(JSON.stringify(attrs));
          recA.endRow();
          nRec++;
        }
        if (opts.onProgress && nObs % 5000 === 0) opts.onProgress(nObs);
      }
      // Flushed here, not in `finally`: a flush that fails (memory, disk) fails the ingest instead of losing rows.
      for (const a of [obsA, recA, edgeA]) a.flushSync();
    } catch (e) {
      if (
        e instanceof CancelledError ||
        ((e as Error)?.name?.endsWith('Error') && (e as { stage?: string }).stage)
      )
        throw e;
      throw new StoreError(
        'E_CACHE_INGEST',
        `could not store observations in the hunt cache: ${firstLine(e)}`,
        { hint: cacheHint(e) },
      );
    } finally {
      for (const a of [obsA, recA, edgeA]) {
        try {
          a?.closeSync();
        } catch {
          // after a failure: what was appended belongs to a batch no variable references
        }
      }
    }
    await this.dedupBatch(batch);
    for (const t of this.attrNames.keys()) if (TYPE_NAME.test(t)) await this.run(entityViewSql(t));
    return { batch, observations: nObs, records: nRec };
  }
}
