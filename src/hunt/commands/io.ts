/**
 * LOAD, SAVE and NEW. LOAD reads csv/json/parquet (optionally gzip-compressed) with DuckDB and turns each row into
 * one observation holding one entity: flattened reference columns (`parent_ref.name`, `binary_ref.parent_directory_ref.path`)
 * become referenced objects again, so `parent_ref.name` works on loaded data as on fetched data. SAVE writes what
 * DISP would show (all attributes, one row per entity).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { csvTable } from '../../common/index.ts';
import { CancelledError, InputError } from '../../errors/index.ts';
import type { Observation, StixObject } from '../../stix/observation.ts';
import { readFileRows, writeParquet, type HuntCache } from '../../store/cache/index.ts';
import type { IrLoad, IrNew, IrSave } from '../ir/types.ts';
import { varSpan } from '../ir/spans.ts';
import {
  recordsVariable,
  semanticError,
  variable,
  type CommandContext,
  type CommandResult,
} from './context.ts';
import { selectInto } from './select.ts';
import { viewRows } from './view.ts';
import { checkCsv } from './csv-check.ts';

/** The type of the object a flattened `ref.attr` column describes, when the row does not say (`ref.type`). */
function refTargetType(owner: string, ref: string, sub: Record<string, unknown>): string {
  if (ref === 'parent_ref' || ref === 'encapsulated_by_ref') return owner;
  if (ref === 'binary_ref' || ref === 'content_ref') return 'file';
  if (ref === 'parent_directory_ref') return 'directory';
  if (ref === 'creator_user_ref' || ref === 'belongs_to_ref') return 'user-account';
  if (ref === 'src_ref' || ref === 'dst_ref' || ref === 'from_ref' || ref === 'sender_ref') {
    const v = String(sub.value ?? '');
    if (/^\d{1,3}(\.\d{1,3}){3}(\/\d+)?$/.test(v)) return 'ipv4-addr';
    if (v.includes(':') && /^[0-9a-f:./]+$/i.test(v))
      return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(v) ? 'mac-addr' : 'ipv6-addr';
    return ref === 'from_ref' || ref === 'sender_ref' ? 'email-addr' : 'domain-name';
  }
  return ref.replace(/_ref$/, '');
}

/** One flat row → the objects of one observation (key '0' is the entity; refs get their own keys). */
export function rowToObjects(type: string, row: Record<string, unknown>): Record<string, StixObject> {
  const objects: Record<string, StixObject> = {};
  let next = 0;
  const build = (t: string, flat: Record<string, unknown>): string => {
    const key = String(next++);
    const obj: StixObject = { type: t };
    objects[key] = obj;
    const nested = new Map<string, Record<string, unknown>>();
    for (const [k, v] of Object.entries(flat)) {
      if (v === null || v === undefined || k === 'type' || k === 'id') continue;
      const dot = k.indexOf('.');
      const head = dot < 0 ? k : k.slice(0, dot);
      if (dot > 0 && head.endsWith('_ref')) {
        const sub = nested.get(head) ?? {};
        sub[k.slice(dot + 1)] = v;
        nested.set(head, sub);
      } else if (dot > 0) {
        let cur = obj as Record<string, unknown>;
        const parts = k.split('.').map((p) => p.replace(/^'|'$/g, ''));
        for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
        cur[parts[parts.length - 1]!] = v;
      } else obj[k] = v;
    }
    for (const [ref, sub] of nested) {
      const subType = typeof sub.type === 'string' ? sub.type : refTargetType(t, ref, sub);
      obj[ref] = build(subType, sub);
    }
    return key;
  };
  build(type, row);
  return objects;
}

function normalise(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  return v;
}

/**
 * Rows as observations. `origin` names them: the same file loaded again gives the same observation ids (so the cache
 * keeps one copy); NEW passes a fresh id per statement, since two NEW lists are different data.
 */
async function* rowsAsObservations(
  type: string,
  rows: Record<string, unknown>[],
  origin: string,
): AsyncIterable<Observation> {
  const now = new Date().toISOString();
  let i = 0;
  for (const row of rows) {
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) clean[k] = normalise(v);
    const fo = typeof clean.first_observed === 'string' ? clean.first_observed : now;
    const lo = typeof clean.last_observed === 'string' ? clean.last_observed : fo;
    const n = typeof clean.number_observed === 'number' ? clean.number_observed : 1;
    delete clean.first_observed;
    delete clean.last_observed;
    delete clean.number_observed;
    yield {
      id: `observed-data--${origin}#${i++}`,
      first_observed: fo,
      last_observed: lo,
      number_observed: n,
      objects: rowToObjects(type, clean),
    };
  }
}

export async function runLoad(s: IrLoad, ctx: CommandContext): Promise<CommandResult> {
  const path = s.path.replace(/^file:\/\//, '');
  let file = path;
  let tmp: string | undefined;
  try {
    if (path.endsWith('.gz')) {
      tmp = mkdtempSync(join(tmpdir(), 'peregrine-load-'));
      file = join(tmp, path.split('/').pop()!.replace(/\.gz$/, ''));
      const raw = readFileSync(path);
      // Some `.gz` files are not compressed at all (Kestrel's own parquet.gz test file): take them as they are.
      writeFileSync(file, raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw);
    } else readFileSync(path, { flag: 'r' }).subarray(0, 0);
  } catch (e) {
    throw new InputError('E_LOAD_FILE', `cannot read ${s.path}: ${(e as Error).message}`, {
      cause: e,
      hint: 'check the path (relative paths are relative to the working directory)',
    });
  }
  if (s.format === 'csv') {
    try {
      await checkCsv(file, path);
    } catch (e) {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
  }
  try {
    let rows: Record<string, unknown>[];
    try {
      rows = await readFileRows(ctx.cache, file, s.format, ctx.signal);
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      const why = ((e as Error).message.split('\n')[0] ?? '').replace(/^hunt cache query failed: /, '');
      throw new InputError('E_LOAD_FILE', `cannot read ${s.path} as ${s.format}: ${why}`, {
        hint: `check that the file holds ${s.format === 'json' ? 'JSON' : s.format === 'csv' ? 'UTF-8 CSV' : 'Parquet'} (the format comes from the file name)`,
      });
    }
    // A JSON list of strings loads as one column; Kestrel reads it as values of the type's main attribute.
    if (rows.length && Object.keys(rows[0]!).length === 1 && s.format === 'json') {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) {
        const attr = s.entityType === 'process' || s.entityType === 'file' ? 'name' : 'value';
        rows = raw.map((x) => ({ [attr]: x }));
      }
    }
    const type = s.entityType ?? (typeof rows[0]?.type === 'string' ? (rows[0].type as string) : undefined);
    if (!type)
      throw semanticError(
        ctx,
        'E_LOAD_TYPE',
        `${s.path} has no "type" column; say which entity type it holds`,
        s.focus ?? s.span,
        `write LOAD ${s.path} AS process`,
      );
    const vid = await ingestVariable(ctx, type, rowsAsObservations(type, rows, s.path));
    return recordsVariable(s, type, vid, [`load ${s.path} (${s.format})`]);
  } catch (e) {
    if ((e as { stage?: string }).stage) throw e;
    throw new InputError('E_LOAD_FILE', `cannot load ${s.path}: ${(e as Error).message}`, {
      cause: e,
      hint: `check that ${s.path} holds ${s.format === 'parquet' ? 'Parquet' : s.format.toUpperCase()} rows of one entity type (the format comes from the file name)`,
    });
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** A value as SAVE writes it in a CSV field: null empty, strings as they are, anything else as JSON. */
function savedText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export async function runSave(s: IrSave, ctx: CommandContext): Promise<CommandResult> {
  const v = variable(ctx, s.input, varSpan(s, s.input));
  let t = await viewRows(ctx, v, v.perRecord ? { transform: 'TIMESTAMPED' } : {});
  // Entities are saved with their type, so LOAD gives them back without `AS type` (as Kestrel's SAVE does).
  if (v.storage === 'records' && !t.columns.includes('type'))
    t = { columns: ['type', ...t.columns], rows: t.rows.map((r) => [v.type, ...r]) };
  const path = s.path.replace(/^file:\/\//, '');
  const gz = path.endsWith('.gz');
  // Said before DuckDB is asked to write: its IO error would read as a fault of the cache's disk.
  const folder = dirname(resolve(path));
  if (!existsSync(folder))
    throw new InputError('E_SAVE_FILE', `cannot write ${s.path}: the folder ${folder} does not exist`, {
      hint: 'create the folder first, or save elsewhere (relative paths are relative to the working directory)',
    });
  try {
    if (s.format === 'parquet') {
      const tmp = mkdtempSync(join(tmpdir(), 'peregrine-save-'));
      try {
        const jsonl = join(tmp, 'rows.json');
        writeFileSync(
          jsonl,
          t.rows
            .map((r) => JSON.stringify(Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null]))))
            .join('\n'),
        );
        const out = gz ? join(tmp, 'out.parquet') : path;
        await writeParquet(ctx.cache, jsonl, out, ctx.signal);
        if (gz) writeFileSync(path, gzipSync(readFileSync(out)));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    } else {
      let text: string;
      if (s.format === 'csv') text = csvTable(t.columns, t.rows, savedText) + '\n';
      else
        text = JSON.stringify(
          t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null]))),
          null,
          1,
        );
      writeFileSync(path, gz ? gzipSync(text) : text);
    }
  } catch (e) {
    if ((e as { stage?: string }).stage) throw e;
    throw new InputError('E_SAVE_FILE', `cannot write ${s.path}: ${(e as Error).message}`, {
      cause: e,
      hint: 'check that the directory exists and is writable (relative paths are relative to the working directory)',
    });
  }
  return { display: { kind: 'text', text: `saved ${t.rows.length} rows of ${v.name} to ${s.path}` } };
}

export async function runNew(s: IrNew, ctx: CommandContext): Promise<CommandResult> {
  const observations = rowsAsObservations(
    s.entityType,
    s.objects.map((o) => ({ ...o })),
    `new-${randomUUID()}`,
  );
  const vid = await ingestVariable(ctx, s.entityType, observations);
  return recordsVariable(s, s.entityType, vid, ['new entities from the huntflow']);
}

/** Ingests observations into the cache as one batch and selects its entities of `type` into a new variable id. */
async function ingestVariable(
  ctx: CommandContext,
  type: string,
  observations: Parameters<HuntCache['ingest']>[0],
): Promise<number> {
  const batch = await ctx.cache.ingest(observations, ctx.signal ? { signal: ctx.signal } : {});
  const vid = ctx.cache.newVariableId();
  await selectInto(ctx, vid, {
    from: { kind: 'batch', batch: batch.batch, objectKey: '0' },
    entityType: type,
    pattern: null,
    mode: 'full',
  });
  return vid;
}
