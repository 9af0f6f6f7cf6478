/**
 * Kestrel's prefetch: after GET or FIND found some entities, ask the data source for every record of those entities
 * (by the type's identity attribute, e.g. `value` of addresses, `name` of files, `user_id` of user accounts) within a
 * time window, so a variable holds all the records of its entities, not only those the first query touched.
 * Processes (no identity attribute Kestrel can query without its fuzzy pid matching) and network-traffic are not
 * prefetched.
 */
import type { Pattern } from '../../stix/ast.ts';
import { HuntCache, IDENTITY_ATTRIBUTE, attributeValues } from '../../store/cache/index.ts';
import { explainLines, planGetFromSource, type TimeWindow } from '../plan/index.ts';
import type { CommandContext } from './context.ts';

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

/** The identity attribute prefetch would use for `type`, if any. */
export function prefetchAttribute(type: string): string | undefined {
  return IDENTITY_ATTRIBUTE[type];
}

/**
 * Adds to variable `vid` (ordered after its current records) every record of its entities that `sourceUri` returns
 * for `[type:attr IN (values)]` in `window`. Returns EXPLAIN lines (empty when nothing was asked).
 */
export async function prefetchInto(
  ctx: CommandContext,
  vid: number,
  type: string,
  sourceUri: string,
  window: TimeWindow | undefined,
): Promise<string[]> {
  const attr = IDENTITY_ATTRIBUTE[type];
  if (!attr) return [];
  const values = await attributeValues(ctx.cache, vid, attr);
  if (values.length === 0) return [];
  const source = await ctx.sources.open(sourceUri);
  const plan = planGetFromSource(sourceUri, type, identityPattern(type, attr, values), window, undefined);
  const batch = await ctx.cache.ingest(
    source.query(plan.query, ctx.signal ? { signal: ctx.signal } : {}),
    ctx.signal ? { signal: ctx.signal } : {},
  );
  await ctx.cache.run(
    `INSERT INTO member SELECT ${Math.trunc(vid)}, r.rid, 1000000000 + row_number() OVER (ORDER BY r.rid) FROM ${HuntCache.batchFrom()}
     AND r.type = ? AND json_extract_string(r.attrs, ?) IN (SELECT json_extract_string(r2.attrs, ?) FROM member m2 JOIN rec r2 ON r2.rid = m2.rid WHERE m2.vid = ?)
     AND r.rid NOT IN (SELECT rid FROM member WHERE vid = ?)`,
    [batch.batch, type, `$.${attr}`, `$.${attr}`, vid, vid],
    ctx.signal,
  );
  // Renumber so the prefetched records follow the found ones.
  await ctx.cache.run(
    `CREATE OR REPLACE TEMP TABLE renum AS SELECT rid, row_number() OVER (ORDER BY ord) AS ord FROM member WHERE vid = ?`,
    [vid],
    ctx.signal,
  );
  await ctx.cache.run(`DELETE FROM member WHERE vid = ?`, [vid], ctx.signal);
  await ctx.cache.run(`INSERT INTO member SELECT ?, rid, ord FROM renum`, [vid], ctx.signal);
  await ctx.cache.run(`DROP TABLE renum`);
  return [
    'prefetch (all records of the found entities):',
    ...explainLines(plan, source).map((l) => '  ' + l),
  ];
}
