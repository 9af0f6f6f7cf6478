/** GROUP, SORT, JOIN and merge: new variables computed from others on the cache. */
import { quoteIdent } from '../../common/index.ts';
import {
  VAR_FROM,
  VAR_FROM_RECORDS,
  attrSql,
  attrTextSql,
  tableColumns,
  tableName,
} from '../../store/cache/index.ts';
import type { IrGroup, IrJoin, IrMerge, IrSort } from '../ir/types.ts';
import { varSpan } from '../ir/spans.ts';
import {
  recordsVariable,
  requireRecords,
  tableVariable,
  variable,
  type CommandContext,
  type CommandResult,
} from './context.ts';
import { recordsOfVariable, selectInto } from './select.ts';

/** Column expression (JSON) of a records variable (`r`/`o`) or a derived table's column. */
function colExpr(storage: 'records' | 'table', attr: string): string {
  return storage === 'records' ? attrSql(attr) : `to_json(${quoteIdent(attr)})`;
}

/** {@link colExpr} as text. */
function colText(storage: 'records' | 'table', attr: string): string {
  return storage === 'records' ? attrTextSql(attr) : `json_extract_string(to_json(${quoteIdent(attr)}), '$')`;
}

export async function runGroup(s: IrGroup, ctx: CommandContext): Promise<CommandResult> {
  const input = variable(ctx, s.input, s.span);
  const vid = ctx.cache.newVariableId();
  const records = input.storage === 'records';
  // Each attribute is read once per record, in an inner query (as JSON for plain keys, as text for the rest);
  // the outer query groups and aggregates those columns.
  const inner: string[] = [];
  const columns = new Map<string, string>();
  const column = (attr: string, as: 'json' | 'text'): string => {
    const key = `${as}:${attr}`;
    let name = columns.get(key);
    if (!name) {
      name = `__c${columns.size}`;
      columns.set(key, name);
      const x = as === 'json' ? colExpr(input.storage, attr) : colText(input.storage, attr);
      inner.push(`${x} AS ${name}`);
    }
    return name;
  };
  const keys = s.keys.map((k) => {
    if (!k.bin) return `${column(k.attr, 'json')} AS ${quoteIdent(k.alias)}`;
    const str = column(k.attr, 'text');
    if (k.bin.seconds !== undefined) {
      return `to_json(strftime(time_bucket(to_seconds(${Math.trunc(k.bin.seconds)}), TRY_CAST(${str} AS TIMESTAMPTZ)) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')) AS ${quoteIdent(k.alias)}`;
    }
    return `to_json(CAST(floor(TRY_CAST(${str} AS DOUBLE) / ${Number(k.bin.size)}) * ${Number(k.bin.size)} AS BIGINT)) AS ${quoteIdent(k.alias)}`;
  });
  const aggs = s.aggregations.map((a) => {
    const str = column(a.attr, 'text');
    const num = `TRY_CAST(${str} AS DOUBLE)`;
    switch (a.func) {
      case 'COUNT':
        return `count(${str}) AS ${quoteIdent(a.alias)}`;
      case 'NUNIQUE':
        return `count(DISTINCT ${str}) AS ${quoteIdent(a.alias)}`;
      case 'SUM':
        return `sum(${num}) AS ${quoteIdent(a.alias)}`;
      case 'AVG':
        return `avg(${num}) AS ${quoteIdent(a.alias)}`;
      case 'MIN':
      case 'MAX': {
        const f = a.func.toLowerCase();
        return `CASE WHEN count(${num}) = count(${str}) THEN to_json(${f}(${num})) ELSE to_json(${f}(${str})) END AS ${quoteIdent(a.alias)}`;
      }
    }
  });
  if (aggs.length === 0) {
    inner.push(records ? 'o.number_observed AS __n' : '1 AS __n');
    aggs.push(records ? `sum(__n) AS "number_observed"` : `count(*) AS "number_observed"`);
  }
  const needsObs = inner.some((x) => /\bo\./.test(x));
  const from = records
    ? `${needsObs ? VAR_FROM : VAR_FROM_RECORDS} AND r.type = ?`
    : `${tableName(input.vid)} WHERE TRUE`;
  const params: unknown[] = records ? [input.vid, input.type] : [];
  const n = keys.length;
  const groupBy = Array.from({ length: n }, (_, i) => i + 1).join(', ');
  const orderBy = s.keys
    .map(
      (k) =>
        `TRY_CAST(json_extract_string(${quoteIdent(k.alias)}, '$') AS DOUBLE) NULLS LAST, json_extract_string(${quoteIdent(k.alias)}, '$') NULLS LAST`,
    )
    .join(', ');
  await ctx.cache.run(
    `CREATE OR REPLACE TABLE ${tableName(vid)} AS SELECT * FROM (SELECT ${[...keys, ...aggs].join(', ')} FROM (SELECT ${inner.join(', ') || '1'} FROM ${from}) GROUP BY ${groupBy}) ORDER BY ${orderBy || '1'}`,
    params,
    ctx.signal,
  );
  return tableVariable(
    s,
    input.type,
    vid,
    `on the cache: group ${s.input} by ${s.keys.map((k) => k.alias).join(', ')}`,
  );
}

export async function runSort(s: IrSort, ctx: CommandContext): Promise<CommandResult> {
  const input = variable(ctx, s.input, s.span);
  const vid = ctx.cache.newVariableId();
  if (input.storage === 'table') {
    await ctx.cache.run(
      `CREATE OR REPLACE TABLE ${tableName(vid)} AS SELECT * FROM ${tableName(input.vid)} ORDER BY ${quoteIdent(s.attr)} ${s.asc ? 'ASC' : 'DESC'} NULLS LAST`,
      [],
      ctx.signal,
    );
    return tableVariable(s, input.type, vid, `sort ${s.input}`);
  }
  await selectInto(ctx, vid, {
    ...recordsOfVariable(input.vid),
    entityType: input.type,
    pattern: null,
    mode: 'full',
    order: { attr: s.attr, asc: s.asc },
  });
  return recordsVariable(
    s,
    input.type,
    vid,
    [`on the cache: sort ${s.input} by ${s.attr} ${s.asc ? 'ASC' : 'DESC'}`],
    {
      sameRecordsAs: input.vid,
      ...(input.perRecord ? { perRecord: true } : {}),
      ...(input.displayAttrs ? { displayAttrs: input.displayAttrs } : {}),
      ...(input.source ? { source: input.source } : {}),
    },
  );
}

export async function runMerge(s: IrMerge, ctx: CommandContext): Promise<CommandResult> {
  const inputs = s.inputs.map((n) => variable(ctx, n, varSpan(s, n)));
  for (const v of inputs) requireRecords(ctx, v, 'merge', varSpan(s, v.name));
  const vid = ctx.cache.newVariableId();
  const vids = inputs.map((v) => v.vid);
  await ctx.cache.run(
    `INSERT INTO member SELECT ${Math.trunc(vid)}, rid, row_number() OVER (ORDER BY k, o) FROM (
       SELECT rid, min(pos * 10000000000 + ord) AS k, min(ord) AS o FROM (
         ${vids.map((_, i) => `SELECT rid, ord, ${i} AS pos FROM member WHERE vid = ?`).join(' UNION ALL ')}) GROUP BY rid)`,
    vids,
    ctx.signal,
  );
  const first = inputs[0]!;
  return recordsVariable(s, first.type, vid, [`on the cache: union of ${s.inputs.join(', ')}`], {
    ...(inputs.every((v) => v.perRecord) ? { perRecord: true } : {}),
    ...(first.source ? { source: first.source } : {}),
  });
}

export async function runJoin(s: IrJoin, ctx: CommandContext): Promise<CommandResult> {
  const l = variable(ctx, s.left, varSpan(s, s.left));
  const r = variable(ctx, s.right, varSpan(s, s.right));
  const vid = ctx.cache.newVariableId();
  const side = async (
    v: typeof l,
    alias: string,
    key: string | undefined,
  ): Promise<{ sql: string; params: unknown[]; cols: string[] }> => {
    if (v.storage === 'table') {
      const cols = await tableColumns(ctx.cache, v.vid);
      return {
        sql: `SELECT ${cols.map((c, i) => `to_json(${quoteIdent(c)}) AS c${i}`).join(', ')}, ${key ? `json_extract_string(to_json(${quoteIdent(key)}), '$')` : 'NULL'} AS k FROM ${tableName(v.vid)}`,
        params: [],
        cols,
      };
    }
    const cols = v.displayAttrs ? [...v.displayAttrs] : ctx.cache.attributes(v.type);
    const exprs = cols.map((c, i) => `${attrSql(c)} AS c${i}`);
    const k = key ? `json_extract_string(${attrSql(key)}, '$')` : 'r.eid';
    return {
      sql: `SELECT ${[...exprs, `${k} AS k`].join(', ')} FROM ${VAR_FROM} AND r.type = ?`,
      params: [v.vid, v.type],
      cols,
    };
    void alias;
  };
  const L = await side(l, 'l', s.by?.[0]);
  const R = await side(r, 'r', s.by?.[1]);
  const rightExtra = R.cols.map((c, i) => [c, i] as const).filter(([c]) => !L.cols.includes(c));
  // A column both sides have takes the left value, else the right one (attribute lists are per type, so one side
  // may lack a value the other has).
  const select = [
    ...L.cols.map((c, i) => {
      const j = R.cols.indexOf(c);
      return j >= 0 ? `coalesce(L.c${i}, R.c${j}) AS ${quoteIdent(c)}` : `L.c${i} AS ${quoteIdent(c)}`;
    }),
    ...rightExtra.map(([c, i]) => `R.c${i} AS ${quoteIdent(c)}`),
  ];
  await ctx.cache.run(
    `CREATE OR REPLACE TABLE ${tableName(vid)} AS SELECT DISTINCT ${select.join(', ')} FROM (${L.sql}) L JOIN (${R.sql}) R ON L.k = R.k`,
    [...L.params, ...R.params],
    ctx.signal,
  );
  return tableVariable(
    s,
    l.type,
    vid,
    `on the cache: join ${s.left} and ${s.right}${s.by ? ` on ${s.by[0]} = ${s.by[1]}` : ' on entity identity'}`,
  );
}
