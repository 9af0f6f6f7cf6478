/**
 * The file exchange of analytics that run in another process (python://, docker://, exec://), as Kestrel 1.x
 * defines it for containers: each input variable as a gzip-compressed Parquet entity table `input/N.parquet.gz`
 * (N: its position after ON), updated tables back as `output/N.parquet[.gz]` (same rows; the `id` column, or the
 * row order, names the entity), displays as files in `display/`. New columns of an output table become attributes
 * of the input's entities; columns the input already had are not written back.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { AnalyticsError } from '../errors/index.ts';
import {
  parquetColumns,
  parquetUpdates,
  REFERENCE_COLUMNS,
  writeEntityParquet,
} from '../store/cache/index.ts';
import type { AnalyticContext, AnalyticDisplay, AttributeUpdate } from './contract.ts';

export interface Exchange {
  readonly dir: string;
  /** Input files, by input position, and the columns each has. */
  readonly inputs: readonly { readonly path: string; readonly columns: readonly string[] }[];
  dispose(): Promise<void>;
}

/** A fresh exchange folder (`input/`, `output/`, `display/`) with the inputs written. */
export async function openExchange(ctx: AnalyticContext): Promise<Exchange> {
  const dir = await mkdtemp(join(tmpdir(), 'peregrine-analytic-'));
  for (const sub of ['input', 'output', 'display']) await mkdir(join(dir, sub));
  const inputs: { path: string; columns: string[] }[] = [];
  try {
    for (const [i, v] of ctx.inputs.entries()) {
      const path = join(dir, 'input', `${i}.parquet.gz`);
      const attributes = [...ctx.cache.attributes(v.type), ...(REFERENCE_COLUMNS[v.type] ?? [])];
      const columns = await writeEntityParquet(
        ctx.cache,
        { vid: v.vid, type: v.type, attributes },
        path,
        ctx.signal,
      );
      inputs.push({ path, columns });
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return { dir, inputs, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** The attribute updates in output table `path`, which updates input `index`. */
export async function readOutput(
  ctx: AnalyticContext,
  ex: Exchange,
  index: number,
  path: string,
  who: string,
): Promise<AttributeUpdate | undefined> {
  const input = ex.inputs[index];
  const v = ctx.inputs[index];
  if (!input || !v) return undefined;
  let cols: { name: string; type: string }[];
  try {
    cols = await parquetColumns(ctx.cache, path, ctx.signal);
  } catch (e) {
    throw new AnalyticsError(
      'E_ANALYTICS_OUTPUT',
      `${who} wrote an output table that is not Parquet: ${relative(ex.dir, path)}`,
      {
        cause: e,
        hint: 'write output/N.parquet.gz with pandas `to_parquet` (pyarrow)',
      },
    );
  }
  const had = new Set(input.columns);
  const hasId = cols.some((c) => c.name === 'id');
  const added = cols.map((c) => c.name).filter((c) => !had.has(c) && !c.startsWith('__index_level_'));
  if (added.length === 0) return undefined;
  const t = await parquetUpdates(ctx.cache, { path, inputPath: input.path, hasId }, added, ctx.signal);
  return { type: v.type, columns: t.columns.slice(1), rows: t.rows };
}

const DISPLAY_KINDS: Record<string, 'html' | 'svg' | 'png' | 'markdown' | 'text' | 'json'> = {
  '.html': 'html',
  '.htm': 'html',
  '.svg': 'svg',
  '.png': 'png',
  '.md': 'markdown',
  '.txt': 'text',
  '.json': 'json',
};

/** True when `text` is an SVG document: `<svg` after an optional XML declaration and SVG doctype. */
function isSvgText(text: string): boolean {
  let t = text.trimStart();
  for (const open of ['<?xml', '<!doctype svg']) {
    if (t.slice(0, open.length).toLowerCase() !== open) continue;
    const end = t.indexOf('>');
    if (end < 0) return false;
    t = t.slice(end + 1).trimStart();
  }
  const next = t.charAt(4);
  return t.slice(0, 4).toLowerCase() === '<svg' && (next === '>' || next.trim() === '');
}

/** A display file an analytic wrote, by its extension (an HTML file holding only an SVG is an SVG display). */
export async function readDisplay(path: string, title: string): Promise<AnalyticDisplay | undefined> {
  const kind = DISPLAY_KINDS[extname(path).toLowerCase()];
  if (!kind) return undefined;
  if (kind === 'png') {
    const png = (await readFile(path)).toString('base64');
    return { kind: 'png', title, png, text: `${title}: PNG image` };
  }
  const body = await readFile(path, 'utf8');
  if (kind === 'svg' || (kind === 'html' && isSvgText(body)))
    return { kind: 'svg', title, svg: body, text: `${title}: SVG image` };
  if (kind === 'html') return { kind: 'html', title, html: body, text: `${title}: HTML` };
  if (kind === 'markdown') return { kind: 'markdown', title, markdown: body };
  if (kind === 'json') {
    try {
      const spec = JSON.parse(body) as Record<string, unknown>;
      if (typeof spec.$schema === 'string' && spec.$schema.includes('vega-lite'))
        return { kind: 'vega-lite', title, spec, text: `${title}: Vega-Lite chart` };
    } catch {
      // not a spec: shown as text
    }
  }
  return { kind: 'text', title, text: body };
}

/** Every display file in `dir`, in name order. */
export async function readDisplays(dir: string, title: string): Promise<AnalyticDisplay[]> {
  const out: AnalyticDisplay[] = [];
  for (const f of (await readdir(dir)).sort()) {
    const d = await readDisplay(join(dir, f), title);
    if (d) out.push(d);
  }
  return out;
}
