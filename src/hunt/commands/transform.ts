/** GROUP, SORT, JOIN and merge: new variables computed from others on the cache. */
import { copyTable, groupInto, joinInto, unionRecords, type JoinSide } from '../../store/cache/index.ts';
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

export async function runGroup(s: IrGroup, ctx: CommandContext): Promise<CommandResult> {
  const input = variable(ctx, s.input, s.span);
  const vid = ctx.cache.newVariableId();
  await groupInto(ctx.cache, vid, input, s.keys, s.aggregations, ctx.signal);
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
    await copyTable(ctx.cache, vid, input.vid, { sort: { attr: s.attr, asc: s.asc } }, ctx.signal);
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
  await unionRecords(
    ctx.cache,
    vid,
    inputs.map((v) => v.vid),
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
  // a records side contributes its ATTR columns when a filter set them, else every attribute of its type
  const side = (v: typeof l, key: string | undefined): JoinSide => ({
    variable: v,
    ...(v.displayAttrs ? { attributes: v.displayAttrs } : {}),
    ...(key ? { key } : {}),
  });
  await joinInto(ctx.cache, vid, side(l, s.by?.[0]), side(r, s.by?.[1]), ctx.signal);
  return tableVariable(
    s,
    l.type,
    vid,
    `on the cache: join ${s.left} and ${s.right}${s.by ? ` on ${s.by[0]} = ${s.by[1]}` : ' on entity identity'}`,
  );
}
