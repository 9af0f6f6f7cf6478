/**
 * Running an analytic: check its inputs, run it, merge the attribute updates it returned into the hunt cache (one
 * bulk operation per entity type) and hand back its displays with a line saying what was set.
 */
import { AnalyticsError } from '../errors/index.ts';
import { setEntityAttributes } from '../store/cache/index.ts';
import type { Analytic, AnalyticContext, AnalyticDisplay, AttributeUpdate } from './contract.ts';

/** Columns an analytic may not set: the entity table's own (its key, type and observation times). */
const RESERVED = new Set(['id', 'type', 'first_observed', 'last_observed', 'number_observed']);

export interface AppliedAnalytic {
  readonly displays: readonly AnalyticDisplay[];
  /** What was merged: per entity type, the attributes set and on how many entities. */
  readonly merged: readonly {
    readonly type: string;
    readonly columns: readonly string[];
    readonly entities: number;
  }[];
}

export async function runAnalytic(a: Analytic, ctx: AnalyticContext): Promise<AppliedAnalytic> {
  if (a.inputTypes) {
    for (const v of ctx.inputs) {
      if (!a.inputTypes.includes(v.type))
        throw new AnalyticsError('E_ANALYTICS_INPUT', `${a.name} does not read ${v.type} ("${v.name}")`, {
          hint: `${a.name} reads ${a.inputTypes.join(', ')}`,
        });
    }
  }
  const result = await a.run(ctx);
  const merged: { type: string; columns: string[]; entities: number }[] = [];
  for (const u of result.updates ?? []) merged.push(await merge(ctx, u));
  const displays = (result.displays ?? []).map((d) => checkDisplay(d, a.name));
  const set = merged.filter((m) => m.entities > 0 && m.columns.length > 0);
  if (set.length)
    displays.push({
      kind: 'text',
      title: `APPLY ${a.name}`,
      text: set.map((m) => `set ${m.columns.join(', ')} on ${m.entities} ${m.type} entities`).join('\n'),
    });
  return { displays, merged };
}

/** The text field each display kind must carry (an analytic of one's own may return anything). */
const TEXT_FIELDS: Readonly<Record<AnalyticDisplay['kind'], readonly string[]>> = {
  text: ['text'],
  table: [],
  html: ['html', 'text'],
  svg: ['svg', 'text'],
  png: ['png', 'text'],
  'vega-lite': ['text'],
  markdown: ['markdown'],
};

/** `d` when it is a display of a known kind with its fields, else an error naming what is wrong. */
function checkDisplay(d: AnalyticDisplay, who: string): AnalyticDisplay {
  const bad = (what: string): AnalyticsError =>
    new AnalyticsError('E_ANALYTICS_OUTPUT', `${who} returned a display ${what}`, {
      hint: `a display is {kind: ${Object.keys(TEXT_FIELDS).join('|')}, …} (docs/analytics.md)`,
    });
  const kind = (d as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(TEXT_FIELDS, kind))
    throw bad(`of kind ${JSON.stringify(kind)}`);
  const r = d as unknown as Record<string, unknown>;
  for (const f of TEXT_FIELDS[kind as AnalyticDisplay['kind']])
    if (typeof r[f] !== 'string') throw bad(`"${kind}" without its text field "${f}"`);
  if (kind === 'table' && (!Array.isArray(r.columns) || !Array.isArray(r.rows)))
    throw bad('"table" without its columns and rows');
  if (kind === 'vega-lite' && (typeof r.spec !== 'object' || r.spec === null))
    throw bad('"vega-lite" without its spec');
  return d;
}

async function merge(
  ctx: AnalyticContext,
  u: AttributeUpdate,
): Promise<{ type: string; columns: string[]; entities: number }> {
  const keep = u.columns.map((c) => !RESERVED.has(c) && c !== '');
  const columns = u.columns.filter((_, i) => keep[i]);
  if (columns.length === 0) return { type: u.type, columns, entities: 0 };
  const rows = keep.every(Boolean)
    ? u.rows
    : u.rows.map((r) => [r[0], ...r.slice(1).filter((_, i) => keep[i])]);
  // Only the columns that got a value on some entity are named as set.
  const seen = new Set<number>();
  for (const r of rows)
    for (let i = 1; i < r.length; i++) if (r[i] !== null && r[i] !== undefined) seen.add(i - 1);
  const entities = await setEntityAttributes(ctx.cache, { type: u.type, columns, rows }, ctx.signal);
  return { type: u.type, columns: columns.filter((_, i) => seen.has(i)), entities };
}
