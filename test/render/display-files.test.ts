// Graphic displays as files (`peregrine run`, the REPL): each kind written as itself, a Vega-Lite spec also drawn
// headless as SVG and PNG; the text and JSON outputs name the files.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Display } from '../../src/hunt/session/index.ts';
import { displayBundle } from '../../src/jupyter/outputs.ts';
import { renderResult, writeDisplayFiles } from '../../src/render/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'peregrine-displays-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// 1×1 transparent PNG.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const chart: Display = {
  kind: 'vega-lite',
  title: 'Connections per port',
  spec: {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: {
      values: [
        { port: '22', n: 3 },
        { port: '443', n: 7 },
      ],
    },
    mark: 'bar',
    encoding: { x: { field: 'port', type: 'nominal' }, y: { field: 'n', type: 'quantitative' } },
  },
  text: 'bar chart: 22 3, 443 7',
};
const displays: Display[] = [
  { kind: 'table', columns: ['a'], rows: [[1]] },
  {
    kind: 'svg',
    title: 'A <map>',
    svg: '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>',
    text: 'map',
  },
  { kind: 'html', html: '<p>hi</p>', text: 'hi' },
  { kind: 'png', title: 'dot', png: PNG, text: 'a dot' },
  { kind: 'markdown', title: 'Notes', markdown: '# Notes\n- one' },
  chart,
];

test('each graphic display becomes files numbered in display order; tables stay in the output', async () => {
  const files = await writeDisplayFiles(displays, dir);
  assert.equal(files.get(displays[0]!), undefined);
  assert.deepEqual(readdirSync(dir).sort(), [
    '01-a-map.svg',
    '02-html.html',
    '03-dot.png',
    '04-notes.md',
    '05-connections-per-port.png',
    '05-connections-per-port.svg',
    '05-connections-per-port.vl.json',
  ]);
  assert.equal(readFileSync(join(dir, '02-html.html'), 'utf8'), '<p>hi</p>');
  assert.deepEqual(readFileSync(join(dir, '03-dot.png')), Buffer.from(PNG, 'base64'));
  assert.deepEqual(
    JSON.parse(readFileSync(join(dir, '05-connections-per-port.vl.json'), 'utf8')),
    chart.spec,
  );
  // The chart drawn headless: an SVG with one bar per value, and a PNG of it.
  const svg = readFileSync(join(dir, '05-connections-per-port.svg'), 'utf8');
  assert.match(svg, /^<svg /);
  assert.match(svg, /aria-roledescription="rect mark container"/);
  assert.deepEqual(svg.match(/aria-label="port: [^"]*"/g) ?? [], [
    'aria-label="port: 22; n: 3"',
    'aria-label="port: 443; n: 7"',
  ]);
  const png = readFileSync(join(dir, '05-connections-per-port.png'));
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);

  const text = renderResult({ displays, summary: [] }, 'table', files);
  assert.match(text, new RegExp(`a dot\\n→ ${join(dir, '03-dot.png').replaceAll('/', '\\/')}`));
  const json = JSON.parse(renderResult({ displays, summary: [] }, 'json', files)) as {
    displays: { kind: string; files?: string[] }[];
  };
  assert.deepEqual(
    json.displays.map((d) => [d.kind, d.files?.length ?? 0]),
    [
      ['table', 0],
      ['svg', 1],
      ['html', 1],
      ['png', 1],
      ['markdown', 1],
      ['vega-lite', 3],
    ],
  );
});

test('a chart whose data is a URL is not fetched', async () => {
  const remote: Display = {
    ...chart,
    spec: { ...chart.spec, data: { url: 'http://127.0.0.1:9/x.json' } },
  } as Display;
  const files = await writeDisplayFiles([remote], join(dir, 'remote'));
  const svg = readFileSync(files.get(remote)![1]!, 'utf8');
  assert.doesNotMatch(svg, /aria-label="port: /);
});

test('the kernel sends each graphic display with its MIME type and a text/plain twin', () => {
  const mimes = displays.slice(1).map((d) => Object.keys(displayBundle(d).data).sort());
  assert.deepEqual(mimes, [
    ['image/svg+xml', 'text/plain'],
    ['text/html', 'text/plain'],
    ['image/png', 'text/plain'],
    ['text/markdown', 'text/plain'],
    ['application/vnd.vegalite.v5+json', 'text/plain'],
  ]);
  assert.deepEqual(
    displayBundle(chart).data['application/vnd.vegalite.v5+json'],
    (chart as { spec: unknown }).spec,
  );
});
