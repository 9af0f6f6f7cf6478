// Huntbooks in a real browser: JupyterLab 4 and Notebook 7 (from pip) on a free loopback port, Debian's Chromium
// driven headless by playwright-core. Every shipped huntbook (examples/*.ipynb) is opened in JupyterLab and run with
// Run → Run All Cells; the DOM must show the highlighted huntflow (token classes from the prebuilt extension), each
// DISP as an HTML table with rows, the execution summary, and no error. A notebook of broken cells must show the
// positioned error with its caret, coloured, under the right column. One huntbook runs in Notebook 7 too, and Tab
// completion comes from the kernel. A screenshot of each page is saved under .cache/test-output/jupyter-browser/
// (PEREGRINE_TEST_OUTPUT overrides), and no page requested anything outside 127.0.0.1.
import assert from 'node:assert/strict';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from './browser/chromium.ts';
import {
  completeAndInspect,
  openNotebook,
  readCells,
  runAllCells,
  showWholeNotebook,
  type PageCell,
} from './browser/notebook-page.ts';
import { startLab, type LabServer } from './browser/server.ts';
import { installKernel, ROOT, type JupyterEnv } from './support.ts';

const OUTPUT = process.env.PEREGRINE_TEST_OUTPUT ?? join(ROOT, '.cache', 'test-output', 'jupyter-browser');
const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

let jenv: JupyterEnv;
let root: string;
let lab: LabServer;
let browser: Browser;
/** What each page showed, by a name; filled by `before`, read by the tests. */
const shown = new Map<string, PageCell[]>();
const pageErrors: string[] = [];

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1400, height: 1000 });
  page.on('pageerror', (e) =>
    pageErrors.push(`${page.url().replace(/\?.*/, '')}: ${e.message}\n${e.stack ?? ''}`),
  );
  return page;
}

/** Tab and Shift-Tab in JupyterLab, after the process huntbook ran. */
let assist: { completions: string[]; tooltip: string } | undefined;

/** Opens a notebook, runs all its cells, saves a screenshot and reads the cells. */
async function runNotebook(
  name: string,
  url: string,
  after?: (page: Page) => Promise<void>,
): Promise<PageCell[]> {
  const page = await newPage();
  try {
    await openNotebook(page, url);
    await runAllCells(page);
    await showWholeNotebook(page);
    const cells = await readCells(page);
    await after?.(page);
    await page.screenshot({ path: join(OUTPUT, `${name}.png`) });
    return cells;
  } catch (e) {
    await page.screenshot({ path: join(OUTPUT, `${name}-failed.png`) }).catch(() => {});
    throw e;
  } finally {
    await page.close();
  }
}

before(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  jenv = installKernel();
  // A scratch root: JupyterLab saves notebooks it runs, and the shipped ones must stay as they are.
  root = mkdtempSync(join(tmpdir(), 'peregrine-lab-root-'));
  cpSync(join(ROOT, 'examples'), join(root, 'examples'), { recursive: true });
  symlinkSync(join(ROOT, 'data'), join(root, 'data'), 'dir');
  const broken = readFileSync(join(ROOT, 'test', 'jupyter', 'notebooks', 'broken-cells.ipynb'), 'utf8');
  writeFileSync(
    join(root, 'broken-cells.ipynb'),
    broken.replaceAll('$TEST_DATA', join(ROOT, 'data', 'examples')),
  );
  lab = await startLab(jenv, root);
  browser = await launchChromium();
  const q = `?token=${lab.token}`;
  // each notebook in a workspace of its own, so JupyterLab does not reopen the previous one beside it
  const inLab = (name: string, path: string): string => `${lab.url}/lab/workspaces/${name}/tree/${path}${q}`;
  for (const nb of EXAMPLES) {
    const name = `lab-${basename(nb, '.ipynb')}`;
    const then =
      nb === 'process-hunt.ipynb'
        ? async (page: Page) => void (assist = await completeAndInspect(page, 'DISP ', 'procs'))
        : undefined;
    shown.set(`lab-${nb}`, await runNotebook(name, inLab(name, `examples/${nb}`), then));
  }
  shown.set('lab-broken', await runNotebook('lab-broken-cells', inLab('broken', 'broken-cells.ipynb')));
  shown.set(
    'notebook7-ssh-hunt',
    await runNotebook('notebook7-ssh-hunt', `${lab.url}/notebooks/examples/ssh-hunt.ipynb${q}`),
  );
});

after(async () => {
  await browser?.close();
  await lab?.stop();
  jenv?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The classes of the first token with exactly this text. */
function classesOf(cells: PageCell[], text: string): string | undefined {
  return cells.flatMap((c) => c.tokens).find(([t]) => t === text)?.[1];
}

test('every example huntbook runs in JupyterLab without an error, every code cell numbered with outputs', () => {
  assert.ok(EXAMPLES.length >= 2, EXAMPLES.join(', '));
  for (const nb of EXAMPLES) {
    const cells = shown.get(`lab-${nb}`)!;
    assert.ok(cells.length > 0, nb);
    for (const c of cells) {
      assert.match(c.prompt, /^\[\d+\]:$/, `${nb}: ${c.source}`);
      assert.ok(c.outputs.length > 0, `${nb}: no output for ${c.source}`);
      for (const o of c.outputs) {
        // an error is `cell N:l:c: error[E_…]`
        assert.doesNotMatch(o.text, /error\[E_/, `${nb}: ${o.text}`);
        // generic display checks: an SVG display draws elements, a Vega-Lite display is drawn by JupyterLab
        if (o.mime === 'image/svg+xml') assert.ok(o.svgElements > 0, `${nb}: empty SVG display`);
        if (o.mime.startsWith('application/vnd.vegalite'))
          assert.ok(o.vegaDrawn, `${nb}: Vega-Lite not drawn`);
        if (o.mime === 'image/png') assert.equal(o.images, 1, `${nb}: PNG display`);
      }
    }
  }
});

test('JupyterLab highlights huntflows: commands, entity types, URIs, strings, timestamps, comments, attributes', () => {
  const cells = shown.get('lab-process-hunt.ipynb')!;
  const expected: [string, string][] = [
    ['# Every cmd.exe the endpoints recorded', 'tok-comment'],
    ['procs', 'tok-definition tok-variableName'],
    ['GET', 'tok-keyword'],
    ['process', 'tok-typeName'],
    ['FROM', 'tok-keyword'],
    ['file://../data/examples/doctored-1k.json', 'tok-url'],
    ['WHERE', 'tok-keyword'],
    ["'cmd.exe'", 'tok-string'],
    ['command_line', 'tok-propertyName'],
    ["t'2019-11-16T00:00:00Z'", 'tok-string2'],
    ['CREATED', 'tok-keyword'],
    ['10', 'tok-number'],
    ['=', 'tok-operator'],
  ];
  for (const [text, cls] of expected) assert.equal(classesOf(cells, text), cls, text);
  // inside the STIX pattern: the object type, the attribute and the LIKE keyword
  const pattern = cells.find((c) => c.source.includes('[process:command_line'))!;
  const tokens = pattern.tokens.map(([t, c]) => `${t}:${c}`);
  for (const t of ['process:tok-typeName', 'command_line:tok-propertyName', 'LIKE:tok-keyword'])
    assert.ok(tokens.includes(t), tokens.join(' '));
});

test('DISP shows an HTML table with its columns and rows; the execution summary follows', () => {
  const cells = shown.get('lab-process-hunt.ipynb')!;
  const first = cells[0]!;
  const disp = first.outputs.find((o) => o.title === 'DISP procs')!;
  assert.ok(disp, JSON.stringify(first.outputs.map((o) => o.title)));
  assert.deepEqual(disp.header, ['created', 'pid', 'name', 'command_line']);
  assert.equal(disp.rows.length, 10);
  for (const r of disp.rows) assert.equal(r[2], 'cmd.exe');
  const summary = first.outputs.find((o) => o.summary)!;
  assert.equal(summary.title, 'Execution summary');
  assert.deepEqual(summary.header.slice(0, 4), ['VARIABLE', 'TYPE', '#(ENTITIES)', '#(RECORDS)']);
  assert.deepEqual(summary.rows[0]!.slice(0, 4), ['procs', 'process', '14', '14']);
  const squiblydoo = cells.find((c) => c.source.startsWith('squiblydoo'))!;
  const found = squiblydoo.outputs.find((o) => o.title === 'DISP squiblydoo')!;
  assert.ok(
    found.rows.some((r) => /regsvr32/.test(r[1] ?? '')),
    JSON.stringify(found.rows),
  );
  const top = cells.find((c) => c.source.startsWith('web'))!.outputs.find((o) => o.title === 'DISP top')!;
  assert.deepEqual(top.rows[0], ['54.148.155.193', '6']);
});

test("an error shows the cell's line and a red caret under the column, then the hint; Run All stops there", () => {
  const cells = shown.get('lab-broken')!;
  assert.match(cells[0]!.prompt, /^\[1\]:$/);
  const failed = cells[1]!;
  const err = failed.outputs.find((o) => o.mime === 'application/vnd.jupyter.stderr');
  assert.ok(err, JSON.stringify(failed.outputs));
  const lines = err.text.split('\n');
  assert.match(lines[0]!, /^cell 2:3:17: error\[E_SYNTAX\]: /);
  const code = lines.find((l) => l.startsWith('3 | '))!;
  assert.equal(code, "3 |         WHERE [ = 'node' AND process:x_ttp_tags LIKE '%T1059%']");
  const caretLine = lines[lines.indexOf(code) + 1]!;
  assert.equal(caretLine.indexOf('^'), code.indexOf('= '), `caret under '=':\n${code}\n${caretLine}`);
  assert.ok(
    err.ansi.some(([t, cls]) => t === '^' && /ansi-red/.test(cls)),
    JSON.stringify(err.ansi),
  );
  assert.ok(
    err.ansi.some(([t, cls]) => t === 'error[E_SYNTAX]' && /ansi-red/.test(cls)),
    JSON.stringify(err.ansi),
  );
  assert.ok(lines.some((l) => l.startsWith('hint: ')));
  // the cells queued behind the failed one were not run
  for (const c of cells.slice(2)) assert.equal(c.outputs.length, 0, c.source);
});

test("Tab lists the kernel's completions (the session's variables); Shift-Tab shows the kernel's description", () => {
  assert.ok(assist, 'completion ran');
  for (const v of ['procs', 'parents', 'squiblydoo', 'children', 'top'])
    assert.ok(assist.completions.includes(v), v);
  assert.match(assist.tooltip, /procs/);
  assert.match(assist.tooltip, /14/);
});

test('Notebook 7 runs a huntbook too: highlighted, tables with rows, summary', () => {
  const cells = shown.get('notebook7-ssh-hunt')!;
  assert.equal(classesOf(cells, 'GET'), 'tok-keyword');
  assert.equal(classesOf(cells, 'network-traffic'), 'tok-typeName');
  assert.equal(classesOf(cells, "t'2020-06-30T19:25:00Z'"), 'tok-string2');
  const ssh = cells[0]!.outputs.find((o) => o.title?.startsWith('DISP ssh'))!;
  assert.equal(ssh.rows.length, 5);
  assert.deepEqual(cells[0]!.outputs.find((o) => o.summary)!.rows[0]!.slice(0, 4), [
    'ssh',
    'network-traffic',
    '29',
    '29',
  ]);
  const window = cells.find((c) => c.source.startsWith('# A minute'))!;
  assert.equal(window.outputs.find((o) => o.title?.startsWith('DISP window'))!.rows.length, 7);
});

test('no page requested anything outside 127.0.0.1; JupyterLab raised no uncaught error, nor did the extension', () => {
  assert.ok(browser.requests.length > 50, `${browser.requests.length} requests`);
  const outside = browser.requests.filter(
    (u) => !/^(https?|wss?):\/\/127\.0\.0\.1:\d+\//.test(u) && !/^(data|blob):/.test(u),
  );
  assert.deepEqual(outside, []);
  assert.ok(
    browser.requests.some((u) => u.includes('/lab/extensions/@peregrine/jupyterlab-kestrel/static/')),
  );
  // Notebook 7.6 itself throws two errors on every page (a settings schema it reads before it is loaded, and
  // filebrowser:open-path), with or without this extension; JupyterLab pages must have none at all.
  assert.deepEqual(
    pageErrors.filter((e) => e.includes('/lab/') || e.includes('@peregrine')),
    [],
  );
});
