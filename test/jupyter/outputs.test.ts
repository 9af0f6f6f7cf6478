// The kernel's MIME bundles: the text/plain twin is exactly what `peregrine run` prints; HTML escapes values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Display, VariableSummary } from '../../src/hunt/session/index.ts';
import { ParseError, spanAt } from '../../src/errors/index.ts';
import { displayBundle, errorTraceback, summaryBundle } from '../../src/jupyter/outputs.ts';
import { renderErrorText } from '../../src/render/error.ts';
import { renderResult, renderSummaryText } from '../../src/render/index.ts';

const table: Display = {
  kind: 'table',
  title: 'procs',
  columns: ['name', 'pid', 'command_line'],
  rows: [
    ['cmd.exe', 4242, 'cmd /c "<script>alert(1)</script>" & exit'],
    ['powershell.exe', 17, null],
  ],
};
const text: Display = {
  kind: 'text',
  title: 'EXPLAIN procs',
  text: 'GET process FROM file:///x.json\n  <pushed: 1 query>',
};
const summary: VariableSummary[] = [
  {
    name: 'procs',
    type: 'process',
    entities: 2,
    records: 3,
    related: { 'ipv4-addr': 4, file: 0 },
    timeMs: 12,
  },
];

test('the text twin of each display and of the summary is what `peregrine run` prints', () => {
  const twins = [table, text].map((d) => displayBundle(d).data['text/plain']);
  const run = renderResult({ displays: [table, text], summary }, 'table');
  assert.equal(run, [...twins, summaryBundle(summary).data['text/plain']].join('\n\n'));
  assert.equal(summaryBundle(summary).data['text/plain'], renderSummaryText(summary));
});

test('the HTML table has the display columns and escaped cells; numbers are right-aligned', () => {
  const html = String(displayBundle(table).data['text/html']);
  const L = 'style="text-align:left"';
  const R = 'style="text-align:right"';
  assert.ok(html.includes(`<th ${L}>name</th><th ${R}>pid</th><th ${L}>command_line</th>`), html);
  assert.ok(html.includes('cmd /c &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; exit'));
  assert.ok(!html.includes('<script>'));
  // text left, numbers right (JupyterLab right-aligns every cell otherwise); short values without spaces never wrap
  const nowrap = (align: string): string => `style="text-align:${align};white-space:nowrap"`;
  assert.ok(html.includes(`<td ${nowrap('right')}>4242</td>`), html);
  assert.ok(
    html.includes(
      `<td ${nowrap('left')}>powershell.exe</td><td ${nowrap('right')}>17</td><td ${nowrap('left')}></td>`,
    ),
    html,
  );
  assert.ok(html.includes(`<td style="text-align:left">cmd /c &quot;`), 'a value with spaces may wrap');
  assert.match(
    String(displayBundle(text).data['text/html']),
    /<pre>GET process FROM file:\/\/\/x.json\n {2}&lt;pushed: 1 query&gt;<\/pre>/,
  );
});

test('the HTML summary has one row per variable with its counts and related records', () => {
  const html = String(summaryBundle(summary).data['text/html']);
  assert.match(html, /class="peregrine-table peregrine-summary"/);
  const cells = [...html.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(cells.slice(0, 5), ['procs', 'process', '2', '3', 'ipv4-addr: 4']);
});

test('an error traceback is the rendered error in ANSI colours: red label and caret, blue gutter, cyan hint', () => {
  const source = "x = GET process FROM file://a.json\n    WHERE [ = 'node']";
  const err = new ParseError('E_SYNTAX', "expected an object path, found '='", {
    span: spanAt('cell 3', source, source.indexOf('[ =') + 2, 1),
    hint: 'a comparison needs an object path like process:name before the operator',
  });
  const tb = errorTraceback(err, false);
  // eslint-disable-next-line no-control-regex
  const strip = (l: string): string => l.replace(/\x1b\[[0-9;]*m/g, '');
  assert.deepEqual(tb.map(strip), renderErrorText(err).split('\n'));
  assert.equal(tb[0], "cell 3:2:13: \x1b[1;31merror[E_SYNTAX]\x1b[0m: expected an object path, found '='");
  assert.equal(tb[2], "\x1b[34m2 |\x1b[0m     WHERE [ = 'node']");
  assert.equal(tb[3], '\x1b[34m  |\x1b[0m             \x1b[1;31m^\x1b[0m');
  assert.equal(
    tb[4],
    '\x1b[1;36mhint:\x1b[0m a comparison needs an object path like process:name before the operator',
  );
});
