/**
 * APPLY: runs the analytic the URI names (`src/analytics/`: built-ins, python://, docker://, exec://, file://) on
 * the input variables' entities; the attributes it returns are merged into the hunt cache by the analytics runner,
 * its displays are this command's.
 */
import { resolveAnalytic, runAnalytic } from '../../analytics/index.ts';
import type { IrApply } from '../ir/types.ts';
import { varSpan } from '../ir/spans.ts';
import { requireRecords, variable, type CommandContext, type CommandResult } from './context.ts';

export async function runApply(s: IrApply, ctx: CommandContext): Promise<CommandResult> {
  const inputs = s.inputs.map((n) => {
    const v = variable(ctx, n, varSpan(s, n));
    requireRecords(ctx, v, 'APPLY', varSpan(s, n));
    return { name: v.name, type: v.type, vid: v.vid };
  });
  const baseDir = ctx.baseDir ?? process.cwd();
  const analytic = await resolveAnalytic(s.analytics, baseDir);
  const out = await runAnalytic(analytic, {
    cache: ctx.cache,
    inputs,
    args: s.args,
    baseDir,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return { displays: out.displays };
}
