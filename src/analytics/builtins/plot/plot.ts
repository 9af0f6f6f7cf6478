/**
 * `plot`: charts of a variable as Vega-Lite v5 specs with their data inline — JupyterLab draws them natively, and
 * `peregrine run`/the REPL write them with an SVG and a PNG drawn headless from the same spec (src/render/vega.ts).
 * Kinds:
 * - `timeline`: one mark per entity at its first observation, on rows by `attr` (default: the entity's own name —
 *   a connection's destination, a process's name); regular spacing on a row is beaconing;
 * - `bar`: entities per value of `attr` (the `top` most frequent);
 * - `histogram`: entities per bin of numeric `attr`;
 * - `scatter`: `x` against `y`, coloured by `attr` when given.
 * A plot sets no attributes.
 */
import { AnalyticsError } from '../../../errors/index.ts';
import { entityRows } from '../../../store/cache/index.ts';
import type { Analytic, AnalyticContext, AnalyticDisplay, ArgSpec } from '../../contract.ts';
import { argChoice, argNumber, argString, checkArgNames } from '../args.ts';

const KINDS = ['timeline', 'bar', 'histogram', 'scatter'] as const;
type Kind = (typeof KINDS)[number];

const ARGS: readonly ArgSpec[] = [
  { name: 'kind', type: 'string', description: 'the chart', choices: KINDS, default: 'timeline' },
  {
    name: 'attr',
    type: 'string',
    description:
      'the attribute plotted (bar, histogram), the rows of a timeline, the colour of a scatter (default for a timeline: dst_ref.value, name, value, path)',
  },
  { name: 'x', type: 'string', description: 'scatter: the attribute on the x axis' },
  { name: 'y', type: 'string', description: 'scatter: the attribute on the y axis' },
  { name: 'top', type: 'number', description: 'bar: the most frequent values shown', default: 30 },
  { name: 'bins', type: 'number', description: 'histogram: at most this many bins', default: 20 },
];

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
/** Default rows of a timeline, by entity type: the first attribute the entities have. */
const TIMELINE_ROWS = ['dst_ref.value', 'name', 'value', 'path', 'command_line'];

function need(ctx: AnalyticContext, name: 'attr' | 'x' | 'y', kind: Kind): string {
  const v = argString(ctx, 'plot', name);
  if (v === undefined)
    throw new AnalyticsError('E_ANALYTICS_ARG', `plot: a ${kind} needs WITH ${name}=ATTRIBUTE`, {
      hint:
        kind === 'scatter'
          ? 'APPLY plot ON x WITH kind=scatter, x=src_byte_count, y=dst_port'
          : `APPLY plot ON x WITH kind=${kind}, attr=ATTRIBUTE`,
    });
  return v;
}

/** A cell as a chart value: numbers stay numbers, lists and objects become their JSON text. */
function cell(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return JSON.stringify(v);
}

export const plot: Analytic = {
  name: 'plot',
  description:
    'charts as Vega-Lite (JupyterLab draws them; the CLI writes SVG/PNG): timeline of records (beaconing), bar or histogram of an attribute, scatter of two',
  args: ARGS,
  async run(ctx) {
    checkArgNames(ctx, 'plot', ARGS);
    const kind = argChoice(ctx, 'plot', 'kind', KINDS) ?? 'timeline';
    const top = argNumber(ctx, 'plot', 'top', { min: 1 }) ?? 30;
    const bins = argNumber(ctx, 'plot', 'bins', { min: 1, max: 1000 }) ?? 20;
    const displays: AnalyticDisplay[] = [];
    for (const v of ctx.inputs) {
      const known = ctx.cache.attributes(v.type);
      const attrs: string[] =
        kind === 'scatter'
          ? [
              need(ctx, 'x', kind),
              need(ctx, 'y', kind),
              ...(ctx.args.attr !== undefined ? [need(ctx, 'attr', kind)] : []),
            ]
          : kind === 'timeline'
            ? [argString(ctx, 'plot', 'attr') ?? TIMELINE_ROWS].flat()
            : [need(ctx, 'attr', kind)];
      const t = await entityRows(ctx.cache, { vid: v.vid, type: v.type, attributes: attrs }, ctx.signal);
      const col = (a: string): number => t.columns.indexOf(a);
      const missing = attrs.filter((a) => col(a) < 0);
      if (kind !== 'timeline' && missing.length)
        throw new AnalyticsError(
          'E_ANALYTICS_ARG',
          `plot: no ${v.type} entity of "${v.name}" has ${missing.join(', ')}`,
          {
            hint: `attributes of ${v.type}: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}`,
          },
        );
      const shown = kind === 'timeline' ? attrs.filter((a) => col(a) >= 0).slice(0, 1) : attrs;
      const title = `${v.name}: ${kind}${shown.length ? ` of ${shown.join(' × ')}` : ''}`;
      let spec: Record<string, unknown>;
      let text: string;
      if (kind === 'timeline') {
        const rowAttr = attrs.find((a) => col(a) >= 0);
        const values = t.rows
          .map((r) => ({ time: r[col('first_observed')], row: rowAttr ? cell(r[col(rowAttr)]) : v.type }))
          .filter((x) => typeof x.time === 'string');
        const rows = new Set(values.map((x) => x.row));
        spec = {
          $schema: SCHEMA,
          title,
          data: { values },
          mark: { type: 'tick', thickness: 2 },
          width: 600,
          encoding: {
            x: { field: 'time', type: 'temporal', title: 'first observed' },
            y: { field: 'row', type: 'nominal', title: rowAttr ?? 'entity type', sort: '-x' },
            tooltip: [
              { field: 'time', type: 'temporal', timeUnit: 'yearmonthdatehoursminutesseconds' },
              { field: 'row', type: 'nominal' },
            ],
          },
        };
        text = `${values.length} ${v.type} entities over time on ${rows.size} rows (${rowAttr ?? 'one row'})`;
      } else if (kind === 'bar') {
        const a = attrs[0]!;
        const counts = new Map<string | number | boolean | null, number>();
        for (const r of t.rows) {
          const x = cell(r[col(a)]);
          if (x !== null) counts.set(x, (counts.get(x) ?? 0) + 1);
        }
        const values = [...counts]
          .map(([value, n]) => ({ value, n }))
          .sort((p, q) => q.n - p.n || String(p.value).localeCompare(String(q.value)));
        spec = {
          $schema: SCHEMA,
          title,
          data: { values: values.slice(0, top) },
          mark: 'bar',
          encoding: {
            y: { field: 'value', type: 'nominal', sort: '-x', title: a },
            x: { field: 'n', type: 'quantitative', title: 'entities' },
            tooltip: [{ field: 'value' }, { field: 'n' }],
          },
        };
        text = `${values.length} values of ${a} over ${t.rows.length} entities${values.length > top ? ` (top ${top} shown)` : ''}`;
      } else if (kind === 'histogram') {
        const a = attrs[0]!;
        const values = t.rows
          .map((r) => ({ value: cell(r[col(a)]) }))
          .filter((x) => typeof x.value === 'number');
        if (values.length === 0)
          throw new AnalyticsError(
            'E_ANALYTICS_ARG',
            `plot: ${a} of "${v.name}" has no numbers for a histogram`,
            {
              hint: 'a histogram bins a numeric attribute (bytes, ports, counts); a bar chart counts any values',
            },
          );
        spec = {
          $schema: SCHEMA,
          title,
          data: { values },
          mark: 'bar',
          encoding: {
            x: { field: 'value', type: 'quantitative', bin: { maxbins: bins }, title: a },
            y: { aggregate: 'count', type: 'quantitative', title: 'entities' },
          },
        };
        text = `${values.length} ${v.type} entities binned by ${a}`;
      } else {
        const [xa, ya, ca] = attrs as [string, string, string | undefined];
        const values = t.rows
          .map((r) => ({ x: cell(r[col(xa)]), y: cell(r[col(ya)]), ...(ca ? { c: cell(r[col(ca)]) } : {}) }))
          .filter((p) => p.x !== null && p.y !== null);
        const q = (field: string): 'quantitative' | 'nominal' =>
          values.every((p) => typeof (p as Record<string, unknown>)[field] === 'number')
            ? 'quantitative'
            : 'nominal';
        spec = {
          $schema: SCHEMA,
          title,
          data: { values },
          mark: { type: 'point', filled: true },
          encoding: {
            x: { field: 'x', type: q('x'), title: xa },
            y: { field: 'y', type: q('y'), title: ya },
            ...(ca ? { color: { field: 'c', type: 'nominal', title: ca } } : {}),
            tooltip: [
              { field: 'x', title: xa },
              { field: 'y', title: ya },
              ...(ca ? [{ field: 'c', title: ca }] : []),
            ],
          },
        };
        text = `${values.length} ${v.type} entities: ${xa} against ${ya}${ca ? ` by ${ca}` : ''}`;
      }
      displays.push({ kind: 'vega-lite', title, spec, text });
    }
    return { displays };
  },
};
