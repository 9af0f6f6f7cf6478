/** INFO, DESCRIBE and EXPLAIN: what a variable is, statistics of one attribute, how it was computed. */
import { describeAttribute, recordCounts, tableColumns, tableCounts } from '../../store/cache/index.ts';
import type { IrDescribe, IrExplain, IrInfo } from '../ir/types.ts';
import { variable, type CommandContext, type CommandResult } from './context.ts';

export async function runInfo(s: IrInfo, ctx: CommandContext): Promise<CommandResult> {
  const v = variable(ctx, s.input, s.span);
  const counts =
    v.storage === 'records'
      ? await recordCounts(ctx.cache, v.vid, v.perRecord)
      : await tableCounts(ctx.cache, v.vid);
  const attrs = v.storage === 'records' ? ctx.cache.attributes(v.type) : await tableColumns(ctx.cache, v.vid);
  const direct = attrs.filter((a) => !a.startsWith('x_') && !a.includes('.'));
  const nested = attrs.filter((a) => !a.startsWith('x_') && a.includes('.'));
  const custom = attrs.filter((a) => a.startsWith('x_'));
  const deps = ctx.symbols
    .entries()
    .filter((e) => e.name !== v.name && JSON.stringify(e.birth).includes(`"${v.name}"`))
    .map((e) => e.name);
  const rows: [string, string][] = [
    ['Entity Type', v.type],
    ['Number of Entities', String(counts.entities)],
    ['Number of Records', String(counts.records)],
    ['Entity Attributes', direct.join(', ')],
    ['Indirect Attributes', nested.join(', ')],
    ['Customized Attributes', custom.join(', ')],
    ['Birth Command', v.birth.kind.toUpperCase()],
    ['Associated Datasource', v.source ?? ''],
    ['Dependent Variables', deps.join(', ')],
  ];
  return { display: { kind: 'table', title: `INFO ${v.name}`, columns: ['property', 'value'], rows } };
}

export async function runDescribe(s: IrDescribe, ctx: CommandContext): Promise<CommandResult> {
  const v = variable(ctx, s.input, s.span);
  const st = await describeAttribute(ctx.cache, v, s.attr, ctx.signal);
  const rows: [string, unknown][] = [
    ['count', st.count],
    ['unique', st.unique],
  ];
  if (Number(st.nums) > 0 && st.nums === st.count)
    rows.push(['mean', st.mean], ['min', st.min], ['max', st.max]);
  if (st.top) rows.push(['top', st.top.value], ['freq', st.top.freq]);
  return {
    display: { kind: 'table', title: `DESCRIBE ${v.name}.${s.attr}`, columns: ['statistic', 'value'], rows },
  };
}

export async function runExplain(s: IrExplain, ctx: CommandContext): Promise<CommandResult> {
  const v = variable(ctx, s.input, s.span);
  const text = [`${v.name} (${v.type}) = ${v.birth.kind.toUpperCase()}`, ...v.explain].join('\n');
  return { display: { kind: 'text', title: `EXPLAIN ${v.name}`, text } };
}
