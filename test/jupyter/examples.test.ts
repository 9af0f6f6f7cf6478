// The shipped huntbooks (examples/*.ipynb) executed by nbclient against the installed kernel, as
// `jupyter nbconvert --execute` would: no cell fails, every code cell shows something, every DISP table has rows
// and every variable of the execution summaries holds entities. (browser.test.ts runs them in JupyterLab too.)
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { installKernel, ROOT, runDriver, type JupyterEnv } from './support.ts';

type Output = { output_type: string; text?: string; data?: Record<string, string> };
interface Run {
  error: string | null;
  kernel_language: string;
  cells: { source: string; execution_count: number | null; outputs: Output[] }[];
}

const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.ipynb'))
  .sort();
let jenv: JupyterEnv;
const runs = new Map<string, Run>();

before(async () => {
  jenv = installKernel();
  for (const nb of EXAMPLES)
    runs.set(
      nb,
      // the huntbooks name their data relative to examples/ (the kernel's working folder); no $TEST_DATA in them
      await runDriver<Run>('notebook.py', jenv, { PEREGRINE_TEST_DATA: join(ROOT, 'data', 'examples') }, [
        join(ROOT, 'examples', nb),
      ]),
    );
});
after(() => jenv?.cleanup());

/** Rows of each HTML table of a cell's outputs, by title (`DISP x`, `Execution summary`). */
function tables(outputs: Output[]): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const o of outputs) {
    const html = o.data?.['text/html'];
    if (!html) continue;
    const title = /<p><b>(.*?)<\/b><\/p>/.exec(html)?.[1] ?? '';
    const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
    out.set(
      title,
      [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) =>
        [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((x) => x[1]!),
      ),
    );
  }
  return out;
}

test('every shipped huntbook runs under nbclient without an error', () => {
  assert.ok(EXAMPLES.length >= 2, EXAMPLES.join(', '));
  for (const [nb, run] of runs) {
    assert.equal(run.error, null, `${nb}: ${run.error}`);
    assert.equal(run.kernel_language, 'kestrel');
    for (const c of run.cells) {
      assert.ok(!c.outputs.some((o) => o.output_type === 'error'), `${nb}: ${c.source}`);
      assert.ok(c.outputs.length > 0, `${nb}: no output for ${c.source}`);
    }
  }
});

test('every DISP of the huntbooks shows rows, and every variable they assign holds entities', () => {
  for (const [nb, run] of runs) {
    let disps = 0;
    for (const c of run.cells) {
      for (const [title, rows] of tables(c.outputs)) {
        if (title === 'Execution summary')
          for (const r of rows) assert.ok(Number(r[2]) > 0, `${nb}: ${r[0]} holds no entities`);
        else if (title.startsWith('DISP ')) {
          disps++;
          assert.ok(rows.length > 0, `${nb}: ${title} shows no rows`);
        }
      }
    }
    assert.ok(disps >= 3, `${nb}: ${disps} DISP tables`);
  }
});
