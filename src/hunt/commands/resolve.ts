/**
 * Resolving a statement's inputs against the cache: `var.attr` references in WHERE become value lists, and the time
 * window is taken from START/STOP, LAST, or inferred ±N minutes around the referenced variables' records.
 */
import type { ComparisonExpr, Literal, ObservationExpr, Pattern } from '../../stix/ast.ts';
import { attributeValues, tableColumnValues, timeSpan } from '../../store/cache/index.ts';
import type { IrTime } from '../ir/types.ts';
import type { TimeWindow } from '../plan/index.ts';
import type { CommandContext } from './context.ts';

function toLiteral(v: unknown, span: Literal['span']): Literal {
  if (typeof v === 'number')
    return Number.isInteger(v) ? { kind: 'Int', value: v, span } : { kind: 'Float', value: v, span };
  if (typeof v === 'boolean') return { kind: 'Bool', value: v, span };
  return { kind: 'String', value: typeof v === 'string' ? v : JSON.stringify(v), span };
}

async function resolveLiteral(ctx: CommandContext, l: Literal | undefined): Promise<Literal | undefined> {
  if (!l) return l;
  if (l.kind === 'List') {
    // `pid IN (p2.pid, 8888)`: a reference inside a list contributes all its values to the one list
    const resolved = (await Promise.all(l.values.map((x) => resolveLiteral(ctx, x)))) as Literal[];
    return { ...l, values: resolved.flatMap((v) => (v.kind === 'List' ? v.values : [v])) };
  }
  if (l.kind !== 'VarRef') return l;
  const v = ctx.symbols.get(l.variable);
  if (!v) return { kind: 'List', values: [], span: l.span };
  const values =
    v.storage === 'records'
      ? await attributeValues(ctx.cache, v.vid, l.attribute)
      : await tableColumnValues(ctx.cache, v.vid, l.attribute);
  const flat = values.flatMap((x) => (Array.isArray(x) ? x : [x]));
  return { kind: 'List', values: flat.map((x) => toLiteral(x, l.span)), span: l.span };
}

async function resolveComparison(ctx: CommandContext, e: ComparisonExpr): Promise<ComparisonExpr> {
  if (e.kind === 'ComparisonBinary')
    return { ...e, left: await resolveComparison(ctx, e.left), right: await resolveComparison(ctx, e.right) };
  if (e.value?.kind !== 'VarRef')
    return e.value?.kind === 'List' ? { ...e, value: await resolveLiteral(ctx, e.value) } : e;
  const value = await resolveLiteral(ctx, e.value);
  // `x = v.attr` means "x is one of v's values"; `!=` means none of them.
  const op = e.op === '=' ? 'IN' : e.op === '!=' ? 'IN' : e.op;
  const negated = e.op === '!=' ? !e.negated : e.negated;
  return { ...e, op, negated, ...(value ? { value } : {}) };
}

async function resolveObservation(ctx: CommandContext, e: ObservationExpr): Promise<ObservationExpr> {
  switch (e.kind) {
    case 'Observation':
      return { ...e, expr: await resolveComparison(ctx, e.expr) };
    case 'ObservationBinary':
      return {
        ...e,
        left: await resolveObservation(ctx, e.left),
        right: await resolveObservation(ctx, e.right),
      };
    case 'Qualified':
      return { ...e, expr: await resolveObservation(ctx, e.expr) };
  }
}

/** The pattern with every `VarRef` replaced by the referenced variable's values. */
export async function resolvePattern(ctx: CommandContext, p: Pattern | null): Promise<Pattern | null> {
  if (!p) return p;
  return { ...p, expr: await resolveObservation(ctx, p.expr) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The statement's time window: explicit, relative, or inferred from referenced variables (± the session window). */
export async function timeWindow(
  ctx: CommandContext,
  time: IrTime | undefined,
  refs: readonly (string | { readonly name: string; readonly vid: number })[],
): Promise<TimeWindow | undefined> {
  if (time?.kind === 'Absolute') return { start: time.start, stop: time.stop, origin: 'START/STOP' };
  if (time?.kind === 'Relative') {
    const now = Date.now();
    return { start: iso(now - time.seconds * 1000), stop: iso(now), origin: `LAST ${time.seconds} s` };
  }
  let lo = Infinity;
  let hi = -Infinity;
  const used: string[] = [];
  for (const ref of refs) {
    // a name is a variable's; a vid with its name is records a statement holds (a closure's hop)
    const v = typeof ref === 'string' ? ctx.symbols.get(ref) : { ...ref, storage: 'records' };
    if (!v || v.storage !== 'records') continue;
    const span = await timeSpan(ctx.cache, v.vid);
    if (!span) continue;
    lo = Math.min(lo, Date.parse(span.start));
    hi = Math.max(hi, Date.parse(span.stop));
    used.push(v.name);
  }
  if (!used.length || !Number.isFinite(lo)) return undefined;
  const w = ctx.timeWindowMinutes * 60_000;
  return {
    start: iso(lo - w),
    stop: iso(hi + w + 1),
    origin: `inferred from ${used.join(', ')} ±${ctx.timeWindowMinutes} min`,
  };
}

/** Whether a window was written in the statement (START/STOP or LAST), not inferred. */
function isStated(w: TimeWindow | undefined): w is TimeWindow {
  return !!w && (w.origin === 'START/STOP' || w.origin.startsWith('LAST '));
}

/**
 * The window Kestrel 1.x's prefetch asks in: the span of the found records (`vid`) widened by the session window on
 * both sides, cut to whole seconds (Kestrel prints START/STOP with `.000Z`). When the statement wrote its own
 * START/STOP or LAST (`stated`; an inferred window is ignored), the window is that joined with the found records'
 * span, not widened: an explicit range is kept exact, as for the statement's own query (Kestrel's count of 7 for
 * `dst_port = 22 START 19:25 STOP 19:26` on test_bundle.json shows explicit ranges are not widened).
 */
export async function prefetchWindow(
  ctx: CommandContext,
  stated: TimeWindow | undefined,
  vid: number,
): Promise<TimeWindow | undefined> {
  let lo = Infinity;
  let hi = -Infinity;
  const own = await timeSpan(ctx.cache, vid);
  if (own) {
    lo = Date.parse(own.start);
    hi = Date.parse(own.stop);
  }
  if (isStated(stated)) {
    lo = Math.min(lo, Date.parse(stated.start));
    hi = Math.max(hi, Date.parse(stated.stop));
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
  if (isStated(stated))
    return { start: iso(lo), stop: iso(hi === Date.parse(stated.stop) ? hi : hi + 1), origin: stated.origin };
  const w = ctx.timeWindowMinutes * 60_000;
  const sec = (ms: number): number => Math.floor(ms / 1000) * 1000;
  return {
    start: iso(sec(lo - w)),
    stop: iso(sec(hi + w)),
    origin: `the found records ±${ctx.timeWindowMinutes} min, whole seconds`,
  };
}
