/**
 * Graphic displays as files, for `peregrine run` (beside the huntflow, or `--output-dir`) and the REPL: HTML,
 * SVG, PNG and Markdown as they are; a Vega-Lite chart as its spec (`.vl.json`) and the SVG and PNG drawn from it.
 * Names are `NN-title.ext`, numbered in display order, so a run writes the same names each time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GRAPHIC_FILES, isGraphic, type GraphicDisplay } from '../analytics/index.ts';
import type { Display } from '../hunt/session/types.ts';
import { svgPng, vegaLiteSvg } from './vega.ts';

/** Files written for each graphic display. */
export type DisplayFiles = ReadonlyMap<Display, readonly string[]>;

function slug(title: string | undefined, kind: string): string {
  let s = '';
  for (const ch of (title ?? kind).toLowerCase()) {
    const ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    s += ok ? ch : s.endsWith('-') ? '' : '-';
    if (s.length >= 40) break;
  }
  if (s.startsWith('-')) s = s.slice(1);
  if (s.endsWith('-')) s = s.slice(0, -1);
  return s || kind;
}

async function write(d: GraphicDisplay, stem: string): Promise<string[]> {
  const main = `${stem}.${GRAPHIC_FILES[d.kind].extension}`;
  switch (d.kind) {
    case 'html':
      await writeFile(main, d.html);
      return [main];
    case 'svg':
      await writeFile(main, d.svg);
      return [main];
    case 'png':
      await writeFile(main, Buffer.from(d.png, 'base64'));
      return [main];
    case 'markdown':
      await writeFile(main, d.markdown);
      return [main];
    case 'vega-lite': {
      await writeFile(main, JSON.stringify(d.spec, null, 2) + '\n');
      const svg = await vegaLiteSvg(d.spec);
      await writeFile(`${stem}.svg`, svg);
      await writeFile(`${stem}.png`, await svgPng(svg));
      return [main, `${stem}.svg`, `${stem}.png`];
    }
  }
}

/** Writes every graphic display of `displays` into `dir` (created if missing). */
export async function writeDisplayFiles(
  displays: readonly Display[],
  dir: string,
  prefix = '',
): Promise<DisplayFiles> {
  const out = new Map<Display, string[]>();
  let n = 0;
  for (const d of displays) {
    if (!isGraphic(d)) continue;
    if (n === 0) await mkdir(dir, { recursive: true });
    n++;
    out.set(d, await write(d, join(dir, `${prefix}${String(n).padStart(2, '0')}-${slug(d.title, d.kind)}`)));
  }
  return out;
}
