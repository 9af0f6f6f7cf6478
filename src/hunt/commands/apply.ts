/**
 * APPLY and the analytics registry (house rule 9). An analytic receives the input variables' rows and may return
 * a display and attribute updates; none ships yet — `peregrine analytics` lists what is registered.
 */
import type { IrApply } from '../ir/types.ts';
import { varSpan } from '../ir/spans.ts';
import type { Display } from './display.ts';
import { semanticError, variable, type CommandContext, type CommandResult } from './context.ts';
import { viewRows } from './view.ts';

export interface AnalyticInput {
  readonly name: string;
  readonly type: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

export interface Analytic {
  /** Name as written after `analytics://` (or the whole URI for other schemes). */
  readonly name: string;
  readonly description: string;
  run(
    inputs: readonly AnalyticInput[],
    args: Readonly<Record<string, unknown>>,
    signal?: AbortSignal,
  ): Promise<{ display?: Display }>;
}

const analytics = new Map<string, Analytic>();

export function registerAnalytic(a: Analytic): void {
  analytics.set(a.name, a);
}

export function listAnalytics(): Analytic[] {
  return [...analytics.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export async function runApply(s: IrApply, ctx: CommandContext): Promise<CommandResult> {
  const name = s.analytics.replace(/^analytics:\/\//, '');
  const a = analytics.get(name) ?? analytics.get(s.analytics);
  if (!a) {
    const known = listAnalytics().map((x) => x.name);
    throw semanticError(
      ctx,
      'E_UNKNOWN_ANALYTICS',
      `unknown analytics "${s.analytics}"`,
      s.focus ?? s.span,
      known.length
        ? `registered analytics: ${known.join(', ')}`
        : 'no analytics are registered in this build',
    );
  }
  const inputs: AnalyticInput[] = [];
  for (const n of s.inputs) {
    const v = variable(ctx, n, varSpan(s, n));
    const t = await viewRows(ctx, v, {});
    inputs.push({ name: v.name, type: v.type, columns: t.columns, rows: t.rows });
  }
  const out = await a.run(inputs, s.args, ctx.signal);
  return out.display ? { display: out.display } : {};
}
