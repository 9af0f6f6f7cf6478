/** DISP and filter assignment (`y = TIMESTAMPED(x) WHERE … ATTR … SORT BY … LIMIT … OFFSET …`). */
import { compileCacheWhere } from '../../backends/cache/index.ts';
import { VAR_FROM, attrSql, tableColumns, tableName } from '../../store/cache/index.ts';
import type { IrAssign, IrDisp, IrView } from '../ir/types.ts';
import type { Display } from '../session/types.ts';
import type { VariableEntry } from '../session/symbols.ts';
import { explainLines, planLocal } from '../plan/index.ts';
import {
  semanticError,
  tableVariable,
  variable,
  type CommandContext,
  type CommandResult,
} from './context.ts';
import { resolvePattern } from './resolve.ts';
import { recordsOfVariable, selectInto } from './select.ts';

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function sortSql(x: string, asc: boolean): string {
  const dir = asc ? 'ASC' : 'DESC';
  return `TRY_CAST(json_extract_string(${x}, '$') AS DOUBLE) ${dir} NULLS LAST, json_extract_string(${x}, '$') ${dir} NULLS LAST`;
}

/** ` LIMIT ? OFFSET ?` of a view, its values appended to `params`. */
function pageSql(view: IrView, params: unknown[]): string {
  let sql = '';
  if (view.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(view.limit);
  }
  if (view.offset !== undefined) {
    sql += ' OFFSET ?';
    params.push(view.offset);
  }
  return sql;
}

/** Rows of a variable as DISP shows them. */
export async function viewRows(
  ctx: CommandContext,
  v: VariableEntry,
  view: IrView,
): Promise<{ columns: string[]; rows: unknown[][] }> {
  const params: unknown[] = [];
  if (v.storage === 'table') {
    if (view.pattern)
      throw semanticError(
        ctx,
        'E_FILTER_TABLE',
        `cannot filter "${v.name}" with WHERE: it holds ${v.birth.kind === 'Group' ? 'grouped' : 'joined'} rows`,
        v.birth.span,
      );
    const all = await tableColumns(ctx.cache, v.vid);
    const cols = view.attrs?.length ? view.attrs.filter((a) => all.includes(a)) : all;
    let sql = `SELECT ${cols.map(quoteIdent).join(', ') || '*'} FROM ${tableName(v.vid)}`;
    if (view.sort)
      sql += ` ORDER BY ${quoteIdent(view.sort.attr)} ${view.sort.asc ? 'ASC' : 'DESC'} NULLS LAST`;
    return ctx.cache.table(sql + pageSql(view, params), params, ctx.signal);
  }
  const explicit = view.attrs ?? v.displayAttrs;
  let cols = explicit ? [...explicit] : ctx.cache.attributes(v.type);
  const perRecord =
    v.perRecord ||
    view.transform === 'TIMESTAMPED' ||
    view.transform === 'RECORDS' ||
    view.transform === 'ADDOBSID';
  if ((view.transform === 'TIMESTAMPED' || v.perRecord) && !cols.includes('first_observed'))
    cols = ['first_observed', ...cols];
  // RECORDS: each record with its observation's times and count (Kestrel adds the observed-data columns).
  if (view.transform === 'RECORDS')
    cols = [
      ...['first_observed', 'last_observed', 'number_observed'].filter((c) => !cols.includes(c)),
      ...cols,
    ];
  const exprs = cols.map((c, i) => `${attrSql(c)} AS c${i}`);
  if (view.transform === 'ADDOBSID') {
    exprs.push(`to_json(o.id) AS c${cols.length}`);
    cols = [...cols, 'observation_id'];
  }
  const pattern = await resolvePattern(ctx, view.pattern ?? null);
  const where = compileCacheWhere(pattern, { center: v.type, mode: 'full' });
  const sortExpr = view.sort ? attrSql(view.sort.attr) : 'NULL';
  const names = cols.map((_, i) => `c${i}`);
  const query = (from: string): string => {
    const inner = `SELECT ${exprs.join(', ') || 'NULL AS c0'}, m.ord AS __ord, ${sortExpr} AS __sort FROM ${from} AND r.type = ? AND ${where.sql}`;
    const dedup =
      perRecord || names.length === 0
        ? inner
        : `SELECT * FROM (${inner}) QUALIFY row_number() OVER (PARTITION BY ${names.join(', ')} ORDER BY __ord) = 1`;
    return `SELECT ${names.join(', ') || 'c0'} FROM (${dedup}) ORDER BY ${view.sort ? sortSql('__sort', view.sort.asc) + ', ' : ''}__ord`;
  };
  let t = await firstRows(ctx, v, view, query, where.parameters);
  if (!t) {
    params.push(v.vid, v.type, ...where.parameters);
    const sql = query(VAR_FROM) + pageSql(view, params);
    t = await ctx.cache.table(sql, params, ctx.signal);
  }
  if (explicit) return { columns: cols, rows: t.rows };
  // Without ATTR, drop columns empty in every row (as Kestrel does).
  const keep = cols.map((_, i) => t.rows.some((r) => r[i] !== null && r[i] !== undefined));
  return { columns: cols.filter((_, i) => keep[i]), rows: t.rows.map((r) => r.filter((_, i) => keep[i])) };
}

/**
 * `DISP x LIMIT n` in input order over a large variable: the first rows of a deduplicated, input-ordered table are
 * those of a prefix of its records as soon as that prefix yields enough distinct rows (a row's first occurrence in
 * the prefix is its first occurrence overall; rows absent from the prefix come after it). So the records are read
 * in prefixes of growing size and the whole variable only when the prefixes do not suffice. Undefined: no shortcut.
 */
async function firstRows(
  ctx: CommandContext,
  v: VariableEntry,
  view: IrView,
  query: (from: string) => string,
  whereParams: readonly unknown[],
): Promise<{ columns: string[]; rows: unknown[][] } | undefined> {
  if (view.limit === undefined || view.sort) return undefined;
  const want = (view.offset ?? 0) + view.limit;
  const members = Number(
    (await ctx.cache.all(`SELECT count(*) AS n FROM member WHERE vid = ?`, [v.vid]))[0]?.n ?? 0,
  );
  for (let cap = Math.max(1000, want * 4); cap <= Math.max(100_000, want * 64); cap *= 8) {
    const from = `(SELECT * FROM member WHERE vid = ? ORDER BY ord LIMIT ?) m JOIN rec r ON r.rid = m.rid JOIN obs o ON o.oid = r.oid WHERE m.vid = ?`;
    const t = await ctx.cache.table(query(from), [v.vid, cap, v.vid, v.type, ...whereParams], ctx.signal);
    if (t.rows.length >= want || members <= cap)
      return { columns: t.columns, rows: t.rows.slice(view.offset ?? 0, want) };
  }
  return undefined;
}

/**
 * TIMESTAMPED/RECORDS/ADDOBSID read the observations of a variable's records; grouped or joined rows have none
 * (Kestrel 1.x: MissingEntityAttribute).
 */
function requireRecordsFor(ctx: CommandContext, v: VariableEntry, view: IrView, span: IrDisp['span']): void {
  if (v.storage !== 'table' || !view.transform) return;
  throw semanticError(
    ctx,
    'E_NOT_ENTITIES',
    `${view.transform}(${v.name}) needs records with observations, but "${v.name}" holds ${v.birth.kind === 'Group' ? 'grouped' : 'joined'} rows`,
    span,
    `apply ${view.transform} to the variable "${v.name}" was computed from`,
  );
}

export async function runDisp(s: IrDisp, ctx: CommandContext): Promise<CommandResult> {
  const v = variable(ctx, s.input, s.span);
  requireRecordsFor(ctx, v, s.view, s.span);
  const t = await viewRows(ctx, v, s.view);
  const display: Display = { kind: 'table', title: `DISP ${s.input}`, columns: t.columns, rows: t.rows };
  return { display };
}

export async function runAssign(s: IrAssign, ctx: CommandContext): Promise<CommandResult> {
  const input = variable(ctx, s.input, s.span);
  requireRecordsFor(ctx, input, s.view, s.span);
  const vid = ctx.cache.newVariableId();
  if (input.storage === 'table') {
    const params: unknown[] = [];
    let sql = `CREATE OR REPLACE TABLE ${tableName(vid)} AS SELECT * FROM ${tableName(input.vid)}`;
    if (s.view.pattern)
      throw semanticError(
        ctx,
        'E_FILTER_TABLE',
        `cannot filter "${input.name}" with WHERE: it holds grouped or joined rows`,
        s.span,
      );
    if (s.view.sort)
      sql += ` ORDER BY ${quoteIdent(s.view.sort.attr)} ${s.view.sort.asc ? 'ASC' : 'DESC'} NULLS LAST`;
    sql += pageSql(s.view, params);
    await ctx.cache.run(sql, params, ctx.signal);
    return tableVariable(s, input.type, vid, `copy of ${input.name}`);
  }
  const pattern = await resolvePattern(ctx, s.view.pattern ?? null);
  await selectInto(ctx, vid, {
    ...recordsOfVariable(input.vid),
    entityType: input.type,
    pattern,
    mode: 'full',
    ...(s.view.limit !== undefined ? { limit: s.view.limit } : {}),
    ...(s.view.offset !== undefined ? { offset: s.view.offset } : {}),
    ...(s.view.sort ? { order: s.view.sort } : {}),
  });
  const perRecord =
    input.perRecord ||
    s.view.transform === 'TIMESTAMPED' ||
    s.view.transform === 'RECORDS' ||
    s.view.transform === 'ADDOBSID';
  return {
    variable: {
      name: s.output,
      type: input.type,
      vid,
      storage: 'records',
      ...(perRecord ? { perRecord } : {}),
      ...(s.view.attrs
        ? { displayAttrs: s.view.attrs }
        : input.displayAttrs
          ? { displayAttrs: input.displayAttrs }
          : {}),
      ...(input.source ? { source: input.source } : {}),
      birth: s,
      explain: explainLines(planLocal(input.type, pattern, undefined, s.view.limit)),
    },
  };
}
