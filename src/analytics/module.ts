/**
 * `file://PATH` analytics: a TypeScript or JavaScript module (run through tsx like Peregrine itself) whose default
 * export — or export named `analytic` — is a {@link ModuleAnalytic}. It gets the input variables as entity rows
 * (objects keyed by column: `id` the entity key, `type`, the attributes) and returns the attributes to set, one
 * object per entity with its `id`, and displays. `examples/analytics/` has one, documented in docs/analytics.md.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { escapeControls } from '../common/index.ts';
import { AnalyticsError } from '../errors/index.ts';
import { entityRows, REFERENCE_COLUMNS } from '../store/cache/index.ts';
import type { Analytic, AnalyticContext, AnalyticDisplay, AttributeUpdate } from './contract.ts';

/** One input variable as a module sees it. */
export interface ModuleVariable {
  readonly name: string;
  readonly type: string;
  readonly columns: readonly string[];
  /** One object per entity: `id` (its key), `type`, then its attributes (absent values: null). */
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

export interface ModuleInput {
  readonly variables: readonly ModuleVariable[];
  /** WITH arguments (lists as arrays). */
  readonly args: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
}

export interface ModuleResult {
  /** Attributes to set: one object per entity, `id` naming it (from the input rows), each other property one attribute. */
  readonly entities?: readonly ({ readonly id: string } & Readonly<Record<string, unknown>>)[];
  readonly displays?: readonly AnalyticDisplay[];
}

/** What a `file://` module exports (as `default` or `analytic`). */
export type ModuleAnalytic = (input: ModuleInput) => ModuleResult | Promise<ModuleResult>;

/** The input variables as entity rows (for interfaces that hand analytics plain data). */
export async function moduleInput(ctx: AnalyticContext): Promise<ModuleInput> {
  const variables: ModuleVariable[] = [];
  for (const v of ctx.inputs) {
    const attributes = [...ctx.cache.attributes(v.type), ...(REFERENCE_COLUMNS[v.type] ?? [])];
    const t = await entityRows(ctx.cache, { vid: v.vid, type: v.type, attributes }, ctx.signal);
    variables.push({
      name: v.name,
      type: v.type,
      columns: t.columns,
      rows: t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null]))),
    });
  }
  return { variables, args: ctx.args, ...(ctx.signal ? { signal: ctx.signal } : {}) };
}

/** Entity objects (`{id, attr: value}`) as one update per entity type; ids not among the inputs are an error. */
export function entityUpdates(
  input: ModuleInput,
  entities: readonly Readonly<Record<string, unknown>>[],
  who: string,
): AttributeUpdate[] {
  const typeOf = new Map<string, string>();
  for (const v of input.variables) for (const r of v.rows) typeOf.set(String(r.id), v.type);
  const byType = new Map<
    string,
    { columns: Map<string, number>; objects: Readonly<Record<string, unknown>>[] }
  >();
  const unknown: string[] = [];
  for (const e of entities) {
    const t = typeOf.get(String(e.id));
    if (t === undefined) {
      unknown.push(String(e.id));
      continue;
    }
    let g = byType.get(t);
    if (!g) byType.set(t, (g = { columns: new Map(), objects: [] }));
    for (const k of Object.keys(e)) if (k !== 'id' && !g.columns.has(k)) g.columns.set(k, g.columns.size);
    g.objects.push(e);
  }
  if (unknown.length)
    throw new AnalyticsError(
      'E_ANALYTICS_OUTPUT',
      `${who} returned ${unknown.length} entit${unknown.length === 1 ? 'y' : 'ies'} that no input has (first id: ${JSON.stringify(unknown[0])})`,
      { hint: 'set attributes only on entities of the input rows, naming each by its `id`' },
    );
  return [...byType].map(([type, g]) => {
    const columns = [...g.columns.keys()];
    return { type, columns, rows: g.objects.map((o) => [o.id, ...columns.map((c) => o[c] ?? null)]) };
  });
}

/** The file names `file://` (and a profile) can load as a module. */
export const MODULE_FILE = /\.(ts|mts|js|mjs)$/;

/** The analytic of module `path`, called `name` (default: the file's name). */
export async function moduleAnalytic(path: string, name = basename(path)): Promise<Analytic> {
  if (!MODULE_FILE.test(path))
    throw new AnalyticsError('E_ANALYTICS_MODULE', `${path} is not a TypeScript or JavaScript module`, {
      hint: 'file:// analytics are .ts, .mts, .js or .mjs modules exporting an analytic function',
    });
  if (!existsSync(path))
    throw new AnalyticsError('E_ANALYTICS_MODULE', `analytic module ${path} does not exist`, {
      hint: 'relative paths resolve from the working directory, as GET file:// paths do',
    });
  let mod: Record<string, unknown>;
  try {
    const url = pathToFileURL(path).href;
    // A TypeScript module goes through tsx's scoped loader: the compiled CLI (dist/) registers no loader for .ts.
    mod = (
      /\.m?ts$/.test(path)
        ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url)
        : await import(url)
    ) as Record<string, unknown>;
    // A .ts file outside an ESM package compiles as CommonJS: its exports arrive as the namespace's default.
    const inner = mod.default as Record<string, unknown> | null | undefined;
    if (typeof inner === 'object' && inner !== null && ('default' in inner || 'analytic' in inner))
      mod = inner;
  } catch (e) {
    throw new AnalyticsError(
      'E_ANALYTICS_MODULE',
      `cannot load analytic module ${path}: ${escapeControls(String((e as Error).message))}`,
      {
        cause: e,
        hint: 'fix the module so that it loads (run it with `npx tsx` to see the whole error)',
      },
    );
  }
  const fn = (typeof mod.default === 'function' ? mod.default : mod.analytic) as ModuleAnalytic | undefined;
  if (typeof fn !== 'function')
    throw new AnalyticsError('E_ANALYTICS_MODULE', `${path} exports no analytic function`, {
      hint: 'export the function as `default` or as `analytic`: (input: ModuleInput) => ModuleResult',
    });
  return {
    name,
    description: typeof mod.description === 'string' ? mod.description : `module ${path}`,
    args: [],
    async run(ctx) {
      const input = await moduleInput(ctx);
      let out: ModuleResult;
      try {
        out = (await fn(input)) ?? {};
      } catch (e) {
        if ((e as { stage?: string }).stage) throw e;
        throw new AnalyticsError(
          'E_ANALYTICS_FAILED',
          `analytic ${name} failed: ${escapeControls(String((e as Error).message ?? e))}`,
          {
            cause: e,
            hint: 'run again with --debug for the stack trace',
          },
        );
      }
      return {
        updates: entityUpdates(input, out.entities ?? [], name),
        displays: out.displays ?? [],
      };
    },
  };
}
