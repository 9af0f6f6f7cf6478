/**
 * An analytic of your own, in TypeScript: which entities carry a name that is rare among the variable's entities?
 *
 *     procs = GET process FROM file://data/examples/doctored-1k.json WHERE name != ''
 *     APPLY file://examples/analytics/rare-names.ts ON procs WITH max=2
 *     rare = procs WHERE x_rare = true
 *     DISP rare ATTR name, pid, x_name_count
 *
 * Peregrine imports the module (TypeScript runs as it is, no build step) and calls its default export with the
 * input variables' entities — one object per entity: `id` (its key), `type`, then its attributes — and the WITH
 * arguments. It returns the attributes to set, one object per entity naming it by `id` (`x_…` names, by custom),
 * and displays: here a Vega-Lite bar chart (JupyterLab draws it; `peregrine run` writes it as .vl.json, .svg and
 * .png) and a Markdown summary. docs/analytics.md describes the contract; `examples/analytics/rare-names.hf` runs it.
 */
import type { AnalyticDisplay, ModuleAnalytic } from '../../src/analytics/index.ts';

/** Shown by `peregrine analytics` when a profile names this module. */
export const description =
  'x_name_count, and x_rare on entities whose name at most `max` (default 2) entities carry';

const rareNames: ModuleAnalytic = ({ variables, args }) => {
  const max = Number(args.max ?? 2);
  if (!Number.isInteger(max) || max < 1)
    throw new Error(`max must be a whole number ≥ 1, not ${String(args.max)}`);
  const entities: { id: string; x_name_count: number; x_rare: boolean }[] = [];
  const displays: AnalyticDisplay[] = [];
  for (const v of variables) {
    const counts = new Map<string, number>();
    for (const e of v.rows) if (typeof e.name === 'string') counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
    for (const e of v.rows) {
      const n = typeof e.name === 'string' ? counts.get(e.name)! : undefined;
      if (n !== undefined) entities.push({ id: String(e.id), x_name_count: n, x_rare: n <= max });
    }
    const values = [...counts].map(([name, n]) => ({ name, n, rare: n <= max }));
    const rare = values.filter((x) => x.rare).sort((a, b) => a.name.localeCompare(b.name));
    displays.push({
      kind: 'vega-lite',
      title: `${v.name}: names by count`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { values },
        mark: 'bar',
        encoding: {
          y: { field: 'name', type: 'nominal', sort: '-x', title: null },
          x: {
            field: 'n',
            type: 'quantitative',
            scale: { type: 'symlog' },
            title: 'entities (symlog scale)',
          },
          color: { field: 'rare', type: 'nominal', scale: { range: ['#9aa5b1', '#d94f30'] } },
        },
      },
      text: `${counts.size} names over ${v.rows.length} entities; ${rare.length} rare (≤ ${max})`,
    });
    displays.push({
      kind: 'markdown',
      title: `${v.name}: rare names`,
      // Names come from the data: inline code spans, backticks dropped, so a name cannot inject Markdown.
      markdown: `**${rare.length} rare names** (at most ${max} of ${v.rows.length} ${v.type} entities):\n\n${rare.map((x) => `- \`${x.name.replaceAll('`', '')}\` × ${x.n}`).join('\n')}\n`,
    });
  }
  return { entities, displays };
};

export default rareNames;
