/**
 * WITH arguments of the built-in analytics, read with their types checked: a bad value is an error naming the
 * argument and what it takes, never silently a default.
 */
import { isAbsolute, resolve } from 'node:path';
import { AnalyticsError } from '../../errors/index.ts';
import type { AnalyticContext } from '../contract.ts';

function bad(analytic: string, name: string, what: string, v: unknown): AnalyticsError {
  return new AnalyticsError(
    'E_ANALYTICS_ARG',
    `${analytic}: WITH ${name}= takes ${what}, not ${JSON.stringify(v)}`,
    {
      hint: `\`peregrine analytics\` lists ${analytic}'s arguments`,
    },
  );
}

/** Arguments the analytic does not know are an error (a typo must not pass unnoticed). */
export function checkArgNames(
  ctx: AnalyticContext,
  analytic: string,
  known: readonly { name: string }[],
): void {
  for (const k of Object.keys(ctx.args))
    if (!known.some((a) => a.name === k))
      throw new AnalyticsError('E_ANALYTICS_ARG', `${analytic} has no argument "${k}"`, {
        hint: known.length
          ? `its arguments: ${known.map((a) => a.name).join(', ')}`
          : `${analytic} takes no arguments`,
      });
}

export function argString(ctx: AnalyticContext, analytic: string, name: string): string | undefined {
  const v = ctx.args[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw bad(analytic, name, 'a word or a quoted string', v);
}

/** A list argument (a single value is a list of one); each item a string. */
export function argList(ctx: AnalyticContext, analytic: string, name: string): string[] | undefined {
  const v = ctx.args[name];
  if (v === undefined) return undefined;
  const items = Array.isArray(v) ? v : [v];
  return items.map((x) => {
    if (typeof x === 'string' || typeof x === 'number') return String(x);
    throw bad(analytic, name, 'words or quoted strings', v);
  });
}

export function argNumber(
  ctx: AnalyticContext,
  analytic: string,
  name: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  const v = ctx.args[name];
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (
    !Number.isFinite(n) ||
    (range.min !== undefined && n < range.min) ||
    (range.max !== undefined && n > range.max)
  )
    throw bad(
      analytic,
      name,
      `a number${range.min !== undefined ? ` ≥ ${range.min}` : ''}${range.max !== undefined ? ` ≤ ${range.max}` : ''}`,
      v,
    );
  return n;
}

export function argChoice<T extends string>(
  ctx: AnalyticContext,
  analytic: string,
  name: string,
  choices: readonly T[],
): T | undefined {
  const v = argString(ctx, analytic, name);
  if (v === undefined) return undefined;
  const c = choices.find((x) => x === v.toLowerCase());
  if (c === undefined) throw bad(analytic, name, `one of ${choices.join(', ')}`, v);
  return c;
}

/** A path argument, resolved from the analytic's base folder. */
export function argPaths(ctx: AnalyticContext, analytic: string, name: string): string[] | undefined {
  return argList(ctx, analytic, name)?.map((p) => (isAbsolute(p) ? p : resolve(ctx.baseDir, p)));
}
