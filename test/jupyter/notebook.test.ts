// Real notebooks executed by nbclient against the installed kernel (test/jupyter/py/notebook.py): a huntbook in the
// seed's shape over Kestrel's test bundle, and a notebook of broken cells whose errors must point into the cell.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { installKernel, ROOT, runDriver, TEST_BUNDLE, type JupyterEnv } from './support.ts';

type Output = {
  output_type: string;
  name?: string;
  text?: string;
  data?: Record<string, string>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
};
type Cell = { source: string; execution_count: number | null; outputs: Output[] };
interface Run {
  error: string | null;
  kernel_language: string;
  cells: Cell[];
}

const NOTEBOOKS = join(ROOT, 'test', 'jupyter', 'notebooks');
let jenv: JupyterEnv;
let hunt: Run;
let broken: Run;

before(async () => {
  jenv = installKernel();
  const data = { PEREGRINE_TEST_DATA: dirname(TEST_BUNDLE) };
  [hunt, broken] = await Promise.all([
    runDriver<Run>('notebook.py', jenv, data, [join(NOTEBOOKS, 'ssh-hunt.ipynb')]),
    runDriver<Run>('notebook.py', jenv, data, [join(NOTEBOOKS, 'broken-cells.ipynb'), '--allow-errors']),
  ]);
});
after(() => jenv?.cleanup());

const displays = (c: Cell): Output[] => c.outputs.filter((o) => o.output_type === 'display_data');
/** The rows of an HTML table: each `<tr>` of the body as its cell texts. */
function htmlRows(html: string): string[][] {
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((x) => x[1]!),
  );
}
/** The summary row of a variable: [name, type, #entities, #records, …]. */
function summaryRow(c: Cell, name: string): string[] | undefined {
  for (const d of displays(c)) {
    const html = d.data?.['text/html'] ?? '';
    if (!html.includes('peregrine-summary')) continue;
    const row = htmlRows(html).find((r) => r[0] === name);
    if (row) return row;
  }
  return undefined;
}

test('the huntbook runs without errors, numbering cells and recording the kestrel language', () => {
  assert.equal(hunt.error, null);
  assert.equal(hunt.kernel_language, 'kestrel');
  assert.deepEqual(
    hunt.cells.map((c) => c.execution_count),
    [1, 2, 3, 4, 5, 6],
  );
  for (const c of hunt.cells)
    assert.ok(!c.outputs.some((o) => o.output_type === 'error'), JSON.stringify(c.outputs));
});

test('GET … WHERE dst_port = 22 → summary: 29 network-traffic entities, 29 records', () => {
  assert.deepEqual(summaryRow(hunt.cells[0]!, 'ssh')?.slice(0, 4), ['ssh', 'network-traffic', '29', '29']);
  const text = displays(hunt.cells[0]!)[0]!.data!['text/plain']!;
  assert.match(text, /ssh/);
  assert.match(text, /29/);
});

test('DISP … LIMIT 5 → an HTML table of 5 rows with the chosen columns and a text twin', () => {
  const [d] = displays(hunt.cells[1]!);
  assert.ok(d, 'DISP must produce display_data');
  const html = d.data!['text/html']!;
  assert.deepEqual(
    [...html.matchAll(/<th(?: [^>]*)?>(.*?)<\/th>/g)].map((m) => m[1]),
    ['src_ref.value', 'dst_ref.value', 'dst_port'],
  );
  const rows = htmlRows(html);
  assert.equal(rows.length, 5);
  for (const r of rows) assert.equal(r[2], '22');
  const text = d.data!['text/plain']!;
  assert.match(text, /dst_port/);
  assert.equal(text.split('\n').filter((l) => /\b22\b/.test(l)).length, 5);
});

test('FIND ipv4-addr CREATED ssh → 24 entities', () => {
  assert.deepEqual(summaryRow(hunt.cells[2]!, 'srcs')?.slice(0, 3), ['srcs', 'ipv4-addr', '24']);
});

test('GET dst_port < 10000 → 100; GROUP BY dst_port → 5 groups, shown by DISP', () => {
  assert.deepEqual(summaryRow(hunt.cells[3]!, 'nt')?.slice(0, 3), ['nt', 'network-traffic', '100']);
  assert.equal(summaryRow(hunt.cells[3]!, 'ports')?.[2], '5');
  const [d] = displays(hunt.cells[4]!);
  assert.equal(htmlRows(d!.data!['text/html']!).length, 5);
});

test('a multi-line GET with START/STOP → 7 entities', () => {
  assert.deepEqual(summaryRow(hunt.cells[5]!, 'window')?.slice(0, 3), ['window', 'network-traffic', '7']);
});

type ErrOut = Output & { ename: string; evalue: string; traceback: string[] };
/** The cell's error, its traceback without the ANSI colours (outputs.test.ts checks those). */
function errorOf(c: Cell): ErrOut | undefined {
  const e = c.outputs.find((o) => o.output_type === 'error') as ErrOut | undefined;
  // eslint-disable-next-line no-control-regex
  return e && { ...e, traceback: e.traceback.map((l) => l.replace(/\x1b\[[0-9;]*m/g, '')) };
}

test('broken cells: each error names its line:col inside the cell, shows the line, a caret and a hint', () => {
  assert.equal(broken.cells.length, 5);
  assert.equal(errorOf(broken.cells[0]!), undefined, 'the first cell is fine');
  const expectations: [number, number, number, string][] = [
    // [cell, line, col, text of the line shown]
    [1, 3, 17, "        WHERE [ = 'node' AND process:x_ttp_tags LIKE '%T1059%']"],
    [2, 1, 29, 'DISP ssh ATTR src_ref.value,, dst_port'],
    [3, 1, 6, 'DISP nosuch'],
  ];
  for (const [i, line, col, shown] of expectations) {
    const cell = broken.cells[i]!;
    const e = errorOf(cell);
    assert.ok(e, `cell ${i} must fail`);
    const tb = e.traceback.join('\n');
    assert.match(tb, new RegExp(`^cell ${cell.execution_count}:${line}:${col}: error\\[E_`), tb);
    assert.ok(tb.includes(`${line} | ${shown}`), tb);
    const caret = e.traceback.find((l) => /^\s*\|\s*\^/.test(l));
    assert.ok(caret, tb);
    assert.equal(caret.indexOf('^') - caret.indexOf('|') - 2, col - 1, tb);
    assert.match(tb, /\nhint: /);
    assert.ok(!/\n\s+at /.test(tb), 'no stack trace');
  }
});

test('after broken cells the session still works', () => {
  const last = broken.cells[4]!;
  assert.equal(errorOf(last), undefined);
  assert.equal(htmlRows(displays(last)[0]!.data!['text/html']!).length, 1);
});
