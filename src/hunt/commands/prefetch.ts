/**
 * Kestrel's prefetch: after GET or FIND found some entities, ask the data source for every record of those entities
 * (by the type's identity attribute, e.g. `value` of addresses, `name` of files, `user_id` of user accounts) within a
 * time window, so a variable holds all the records of its entities, not only those the first query touched.
 * Processes are fetched by `x_unique_id` when the found ones have one, else by `pid`, and then filtered the way
 * Kestrel 1.x identifies the same process across records (`prefetchProcesses`). Network-traffic has no
 * identity attribute and is not prefetched.
 */
import type { Pattern } from '../../stix/ast.ts';
import { compileCacheWhere } from '../../backends/cache/index.ts';
import { HuntCache, IDENTITY_ATTRIBUTE, attributeValues } from '../../store/cache/index.ts';
import type { DataSource } from '../../connectors/types.ts';
import { explainLines, planGetFromSource, type TimeWindow } from '../plan/index.ts';
import type { CommandContext } from './context.ts';
import { prefetchWindow } from './resolve.ts';

/** `[type:path IN (values)]`, `path` dotted (`parent_ref.x_unique_id`). */
export function identityPattern(type: string, attr: string, values: unknown[]): Pattern {
  const span = { start: 0, end: 0, line: 1, col: 1 };
  const lits = values.map((v) =>
    typeof v === 'number'
      ? ({ kind: Number.isInteger(v) ? 'Int' : 'Float', value: v, span } as const)
      : ({ kind: 'String', value: String(v), span } as const),
  );
  return {
    kind: 'Pattern',
    expr: {
      kind: 'Observation',
      expr: {
        kind: 'Comparison',
        path: {
          kind: 'ObjectPath',
          objectType: type,
          steps: attr
            .split('.')
            .flatMap((part) =>
              part.endsWith('[*]')
                ? [{ kind: 'Key', name: part.slice(0, -3) } as const, { kind: 'Index', index: '*' } as const]
                : [{ kind: 'Key', name: part } as const],
            ),
          span,
        },
        op: 'IN',
        negated: false,
        value: { kind: 'List', values: lits, span },
        span,
      },
      span,
    },
    source: '',
    span,
  };
}

/**
 * The identity query with a FIND's WHERE ANDed inside its brackets, as Kestrel 1.x extends its prefetch pattern (so a
 * LIMIT counts observations that satisfy both). A WHERE of several observations is left to the cache.
 */
function withWhere(p: Pattern, where: Pattern | null | undefined): Pattern {
  if (!where || where.expr.kind !== 'Observation' || p.expr.kind !== 'Observation') return p;
  const span = p.span;
  return {
    ...p,
    expr: {
      ...p.expr,
      expr: { kind: 'ComparisonBinary', op: 'AND', left: p.expr.expr, right: where.expr.expr, span },
    },
  };
}

/** The identity attribute prefetch would use for `type`, if any (processes: `pid`, or `x_unique_id` when known). */
export function prefetchAttribute(type: string): string | undefined {
  return type === 'process' ? 'pid' : IDENTITY_ATTRIBUTE[type];
}

/** How a prefetch is asked. */
export interface PrefetchOptions {
  /**
   * Kestrel 1.x hands a FIND's LIMIT to the prefetch query: the source returns at most this many observations, and
   * the variable becomes the found entities' records in them (replacing the records found in the cache).
   */
  readonly limit?: number;
  /** A FIND's WHERE (variable references resolved): ANDed into the query, as Kestrel does. */
  readonly where?: Pattern | null;
}

/**
 * Adds to variable `vid` (ordered after its current records) every record of its entities that `sourceUri` returns
 * for `[type:attr IN (values)]` — with `limit`, the variable becomes those records instead. The query's window is
 * Kestrel's: the found records' span joined with `window` when the statement wrote one (START/STOP, LAST), ± the
 * session window, in whole seconds. Returns EXPLAIN lines (empty when nothing was asked).
 */
export async function prefetchInto(
  ctx: CommandContext,
  vid: number,
  type: string,
  sourceUri: string,
  window: TimeWindow | undefined,
  opts: PrefetchOptions = {},
): Promise<string[]> {
  const asked = await prefetchWindow(ctx, window, vid);
  if (type === 'process') return prefetchProcesses(ctx, vid, sourceUri, asked, opts);
  const attr = IDENTITY_ATTRIBUTE[type];
  if (!attr) return [];
  const values = await attributeValues(ctx.cache, vid, attr);
  if (values.length === 0) return [];
  const { batch, plan, source } = await ask(ctx, sourceUri, type, attr, values, asked, opts);
  // Without LIMIT: the records of the found entities (same identity key, not merely the same attribute value: a
  // file is its hash, else its name in its directory). With LIMIT, Kestrel's variable becomes what the limited query
  // returned for the pattern: the records with one of the values.
  const same =
    opts.limit === undefined
      ? `r.eid IN (SELECT DISTINCT r2.eid FROM member m2 JOIN rec r2 ON r2.rid = m2.rid WHERE m2.vid = ?)`
      : `json_extract_string(r.attrs, ?) IN (SELECT json_extract_string(r2.attrs, ?) FROM member m2 JOIN rec r2 ON r2.rid = m2.rid WHERE m2.vid = ?)`;
  await ctx.cache.run(
    `CREATE OR REPLACE TEMP TABLE pf_hit AS SELECT r.rid FROM ${HuntCache.batchFrom()} AND r.type = ? AND ${same}`,
    opts.limit === undefined ? [batch, type, vid] : [batch, type, `$.${attr}`, `$.${attr}`, vid],
    ctx.signal,
  );
  await mergeInto(ctx, vid, opts.limit !== undefined);
  return explainOf(plan, source);
}

async function ask(
  ctx: CommandContext,
  sourceUri: string,
  type: string,
  attr: string,
  values: unknown[],
  window: TimeWindow | undefined,
  opts: PrefetchOptions,
): Promise<{ batch: number; plan: ReturnType<typeof planGetFromSource>; source: DataSource }> {
  const source = await ctx.sources.open(sourceUri);
  const pattern = withWhere(identityPattern(type, attr, values), opts.where);
  const plan = planGetFromSource(sourceUri, type, pattern, window, opts.limit);
  const b = await ctx.cache.ingest(
    source.query(plan.query, ctx.signal ? { signal: ctx.signal } : {}),
    ctx.signal ? { signal: ctx.signal } : {},
  );
  return { batch: b.batch, plan, source };
}

function explainOf(plan: ReturnType<typeof planGetFromSource>, source: DataSource): string[] {
  return [
    'prefetch (all records of the found entities):',
    ...explainLines(plan, source).map((l) => '  ' + l),
  ];
}

/**
 * Puts the records of temp table `pf_hit` into `vid`: after its current records (union), or instead of them
 * (`replace`, Kestrel's LIMIT on the prefetch). The found records keep their order; the others follow by rid.
 */
async function mergeInto(ctx: CommandContext, vid: number, replace: boolean): Promise<void> {
  const v = Math.trunc(vid);
  await ctx.cache.run(
    `CREATE OR REPLACE TEMP TABLE renum AS
     SELECT rid, row_number() OVER (ORDER BY grp, ord) AS ord FROM (
       SELECT m.rid, 0 AS grp, m.ord FROM member m WHERE m.vid = ${v}
         ${replace ? 'AND m.rid IN (SELECT rid FROM pf_hit)' : ''}
       UNION ALL
       SELECT h.rid, 1 AS grp, h.rid AS ord FROM (SELECT DISTINCT rid FROM pf_hit) h
         WHERE h.rid NOT IN (SELECT rid FROM member WHERE vid = ${v}))`,
    [],
    ctx.signal,
  );
  await ctx.cache.run(`DELETE FROM member WHERE vid = ?`, [vid], ctx.signal);
  await ctx.cache.run(`INSERT INTO member SELECT ?, rid, ord FROM renum`, [vid], ctx.signal);
  await ctx.cache.run(`DROP TABLE renum`);
  await ctx.cache.run(`DROP TABLE pf_hit`);
}

/** One process record as Kestrel's process identification sees it. */
function processRowsSql(from: string): string {
  return `SELECT r.rid, json_extract_string(r.attrs, '$.pid') AS pid, json_extract_string(r.attrs, '$.name') AS name,
      json_extract_string(p.attrs, '$.pid') AS ppid, o.first_observed AS st, coalesce(o.last_observed, o.first_observed) AS ed
    FROM ${from.replace('WHERE', `LEFT JOIN edge e ON e.src = r.rid AND e.ref = 'parent_ref' LEFT JOIN rec p ON p.rid = e.dst WHERE`)}
      AND r.type = 'process'`;
}

/**
 * Kestrel 1.x's test that a prefetched process record `f` is the same process as a known record `k` with the same
 * pid (`relations.py` `_identical_process_check` with the default `process_identification` offsets): same name and
 * parent pid starting within a day of `k`'s time span, same name or same parent pid within an hour, or any record
 * starting or ending within 5 seconds of it (a Linux fork+exec changes the name).
 */
const SAME_PROCESS = `(
  (coalesce(f.name, '') <> '' AND coalesce(f.ppid, '0') NOT IN ('0', '') AND f.name = k.name AND f.ppid = k.ppid
    AND f.st > k.st - INTERVAL 1 DAY AND f.st < k.ed + INTERVAL 1 DAY)
  OR (coalesce(f.name, '') <> '' AND f.name = k.name AND f.st > k.st - INTERVAL 1 HOUR AND f.st < k.ed + INTERVAL 1 HOUR)
  OR (coalesce(f.ppid, '0') NOT IN ('0', '') AND f.ppid = k.ppid AND f.st > k.st - INTERVAL 1 HOUR AND f.st < k.ed + INTERVAL 1 HOUR)
  OR (f.st > k.st - INTERVAL 5 SECOND AND f.st < k.ed + INTERVAL 5 SECOND)
  OR (f.ed > k.st - INTERVAL 5 SECOND AND f.ed < k.ed + INTERVAL 5 SECOND))`;

/**
 * Process prefetch as Kestrel 1.x does it: ask the source for every process with the found ones' `x_unique_id`
 * (kept as is) or, without unique ids, their `pid`; of those, keep the records that pass `SAME_PROCESS` against a
 * found record ("anchors"), then every record that passes it against an anchor; when none passes, keep them all.
 */
async function prefetchProcesses(
  ctx: CommandContext,
  vid: number,
  sourceUri: string,
  window: TimeWindow | undefined,
  opts: PrefetchOptions,
): Promise<string[]> {
  let attr = 'x_unique_id';
  let values = await attributeValues(ctx.cache, vid, attr);
  if (values.length === 0) {
    attr = 'pid';
    values = await attributeValues(ctx.cache, vid, attr);
  }
  if (values.length === 0) return [];
  const { batch, plan, source } = await ask(ctx, sourceUri, 'process', attr, values, window, opts);
  // The returned processes with one of the values that satisfy the WHERE's comparisons on processes (Kestrel
  // extracts them with the query's pattern; comparisons on other types held at the source, per observation).
  const where = compileCacheWhere(opts.where, { center: 'process', mode: 'centered' });
  await ctx.cache.run(
    `CREATE OR REPLACE TEMP TABLE pf_fil AS ${processRowsSql(HuntCache.batchFrom())}
       AND json_extract_string(r.attrs, ?) IN (SELECT json_extract_string(r2.attrs, ?) FROM member m2 JOIN rec r2 ON r2.rid = m2.rid WHERE m2.vid = ?)
       AND ${where.sql}`,
    [batch, `$.${attr}`, `$.${attr}`, vid, ...where.parameters],
    ctx.signal,
  );
  if (attr === 'pid') {
    await ctx.cache.run(
      `CREATE OR REPLACE TEMP TABLE pf_ref AS ${processRowsSql(`member m JOIN rec r ON r.rid = m.rid JOIN obs o ON o.oid = r.oid WHERE m.vid = ?`)}`,
      [vid],
      ctx.signal,
    );
    const pass = (known: string): string =>
      `SELECT f.* FROM pf_fil f WHERE coalesce(f.pid, '0') NOT IN ('0', '') AND EXISTS (SELECT 1 FROM ${known} k WHERE k.pid = f.pid AND ${SAME_PROCESS})`;
    await ctx.cache.run(`CREATE OR REPLACE TEMP TABLE pf_anchor AS ${pass('pf_ref')}`, [], ctx.signal);
    await ctx.cache.run(
      `CREATE OR REPLACE TEMP TABLE pf_hit AS SELECT rid FROM (${pass('pf_anchor')})`,
      [],
      ctx.signal,
    );
    const kept = await ctx.cache.all(`SELECT count(*) AS n FROM pf_hit`);
    if (Number(kept[0]?.n ?? 0) === 0) await ctx.cache.run(`INSERT INTO pf_hit SELECT rid FROM pf_fil`);
    await ctx.cache.run(`DROP TABLE pf_ref`);
    await ctx.cache.run(`DROP TABLE pf_anchor`);
  } else {
    await ctx.cache.run(`CREATE OR REPLACE TEMP TABLE pf_hit AS SELECT rid FROM pf_fil`);
  }
  await ctx.cache.run(`DROP TABLE pf_fil`);
  // Kestrel's variable becomes the prefetched records: found records the identification drops go too.
  await mergeInto(ctx, vid, true);
  return [
    `prefetch (all records of the found processes, by ${attr}${attr === 'pid' ? ', filtered by name, parent pid and time as Kestrel identifies processes' : ''}):`,
    ...explainOf(plan, source).slice(1),
  ];
}
