/** DISP and filter assignment (`y = TIMESTAMPED(x) WHERE … ATTR … SORT BY … LIMIT … OFFSET …`). */
import { compileCacheWhere } from '../../backends/cache/index.ts';
import { copyTable, recordRows, tableRows } from '../../store/cache/index.ts';
import type { IrAssign, IrDisp, IrView } from '../ir/types.ts';
import type { Display } from './display.ts';
import type { VariableEntry } from './symbols.ts';
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

/** Rows of a variable as DISP shows them. */
export async function viewRows(
  ctx: CommandContext,
  v: VariableEntry,
  view: IrView,
): Promise<{ columns: string[]; rows: unknown[][] }> {
  const page = {
    ...(view.sort ? { sort: view.sort } : {}),
    ...(view.limit !== undefined ? { limit: view.limit } : {}),
    ...(view.offset !== undefined ? { offset: view.offset } : {}),
  };
  if (v.storage === 'table') {
    if (view.pattern)
      throw semanticError(
        ctx,
        'E_FILTER_TABLE',
        `cannot filter "${v.name}" with WHERE: it holds ${v.birth.kind === 'Group' ? 'grouped' : 'joined'} rows`,
        v.birth.span,
      );
    return tableRows(
      ctx.cache,
      v.vid,
      { ...page, ...(view.attrs ? { columns: view.attrs } : {}) },
      ctx.signal,
    );
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
  const observationId = view.transform === 'ADDOBSID';
  const pattern = await resolvePattern(ctx, view.pattern ?? null);
  const where = compileCacheWhere(pattern, { center: v.type, mode: 'full' });
  const rows = await recordRows(
    ctx.cache,
    { vid: v.vid, type: v.type, attributes: cols, observationId, where, perRecord, ...page },
    ctx.signal,
  );
  if (observationId) cols = [...cols, 'observation_id'];
  if (explicit) return { columns: cols, rows };
  // Without ATTR, drop columns empty in every row (as Kestrel does).
  const keep = cols.map((_, i) => rows.some((r) => r[i] !== null && r[i] !== undefined));
  return { columns: cols.filter((_, i) => keep[i]), rows: rows.map((r) => r.filter((_, i) => keep[i])) };
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
    if (s.view.pattern)
      throw semanticError(
        ctx,
        'E_FILTER_TABLE',
        `cannot filter "${input.name}" with WHERE: it holds grouped or joined rows`,
        s.span,
      );
    await copyTable(
      ctx.cache,
      vid,
      input.vid,
      {
        ...(s.view.sort ? { sort: s.view.sort } : {}),
        ...(s.view.limit !== undefined ? { limit: s.view.limit } : {}),
        ...(s.view.offset !== undefined ? { offset: s.view.offset } : {}),
      },
      ctx.signal,
    );
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
