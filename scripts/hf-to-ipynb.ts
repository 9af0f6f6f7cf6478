/**
 * Writes the Jupyter notebook of a huntflow example: the leading comment block becomes the title cell, each
 * following comment block a markdown cell, and the statements after it one code cell (kernel "peregrine").
 * Usage: node --import tsx scripts/hf-to-ipynb.ts examples/NAME.hf   (writes examples/NAME.ipynb)
 * test/examples checks that each example's notebook holds exactly its huntflow's statements.
 * A huntflow is run from the repository's root, a notebook's kernel starts in examples/: relative file:// paths
 * (file://data/…) become file://../data/… in the notebook.
 */
import { readFileSync, writeFileSync } from 'node:fs';

interface Cell {
  cell_type: 'markdown' | 'code';
  metadata: Record<string, never>;
  source: string[];
  execution_count?: null;
  outputs?: [];
}

/** The cells of a huntflow text: comment blocks → markdown, statements between them → code. */
export function huntflowCells(text: string): Cell[] {
  const cells: Cell[] = [];
  const blocks = text.replace(/\n+$/, '').split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.split('\n');
    const comments: string[] = [];
    let i = 0;
    while (i < lines.length && lines[i].startsWith('#')) comments.push(lines[i++].replace(/^# ?/, ''));
    const code = lines.slice(i);
    if (comments.length) {
      const md = cells.length === 0 ? [`# ${comments[0]}`, ...comments.slice(1)] : comments;
      cells.push({ cell_type: 'markdown', metadata: {}, source: lines2source(md) });
    }
    if (code.length)
      cells.push({
        cell_type: 'code',
        metadata: {},
        source: lines2source(code.map((l) => l.replace(/file:\/\/(?!\/|\.\.\/)/g, 'file://../'))),
        execution_count: null,
        outputs: [],
      });
  }
  return cells;
}

function lines2source(lines: string[]): string[] {
  return lines.map((l, i) => (i < lines.length - 1 ? l + '\n' : l));
}

if (process.argv[1]?.endsWith('hf-to-ipynb.ts')) {
  const path = process.argv[2];
  if (!path?.endsWith('.hf')) {
    console.error('usage: node --import tsx scripts/hf-to-ipynb.ts examples/NAME.hf');
    process.exit(2);
  }
  const nb = {
    cells: huntflowCells(readFileSync(path, 'utf8')),
    metadata: {
      kernelspec: { display_name: 'Peregrine (Kestrel huntflows)', language: 'kestrel', name: 'peregrine' },
      language_info: { file_extension: '.hf', name: 'kestrel' },
    },
    nbformat: 4,
    nbformat_minor: 4,
  };
  writeFileSync(path.replace(/\.hf$/, '.ipynb'), JSON.stringify(nb, null, 1) + '\n');
}
