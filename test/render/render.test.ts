/** Renderers of displays and summaries: aligned text tables, CSV quoting, one JSON document, JSON lines. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Display, VariableSummary } from '../../src/hunt/session/index.ts';
import { renderResult, renderTextTable } from '../../src/render/index.ts';

const table: Display = {
  kind: 'table',
  title: 'DISP x',
  columns: ['name', 'pid', 'tags'],
  rows: [
    ['cmd.exe', 4, ['a', 'b']],
    ['a "quoted", name', 12345, null],
  ],
};
const summary: VariableSummary[] = [
  { name: 'x', type: 'process', entities: 2, records: 3, related: { file: 3, 'user-account': 0 }, timeMs: 7 },
];

test('text tables align columns, right-align numbers, truncate long cells', () => {
  assert.equal(
    renderTextTable(table.kind === 'table' ? table.columns : [], table.kind === 'table' ? table.rows : [], {
      maxCell: 12,
    }),
    [
      'name            pid  tags',
      '------------  -----  ---------',
      'cmd.exe           4  ["a","b"]',
      'a "quoted",…  12345',
    ].join('\n'),
  );
  assert.equal(renderTextTable(['a'], []), 'a\n-\n(no rows)');
});

test('table format prints each display then the execution summary', () => {
  const out = renderResult({ displays: [table], summary }, 'table');
  assert.match(out, /^DISP x\nname/);
  assert.match(out, /VARIABLE\s+TYPE\s+#\(ENTITIES\)\s+#\(RECORDS\)\s+RELATED RECORDS\*\s+TIME \(ms\)/);
  assert.match(out, /x\s+process\s+2\s+3\s+file: 3\s+7/);
});

test('json is one document with variables and row objects', () => {
  const doc = JSON.parse(renderResult({ displays: [table], summary }, 'json')) as Record<string, unknown>;
  assert.deepEqual(doc, {
    variables: [
      {
        name: 'x',
        type: 'process',
        entities: 2,
        records: 3,
        related: { file: 3, 'user-account': 0 },
        timeMs: 7,
      },
    ],
    displays: [
      {
        kind: 'table',
        title: 'DISP x',
        columns: ['name', 'pid', 'tags'],
        rows: [
          { name: 'cmd.exe', pid: 4, tags: ['a', 'b'] },
          { name: 'a "quoted", name', pid: 12345, tags: null },
        ],
      },
    ],
  });
});

test('jsonl writes one line per row and per variable; csv quotes', () => {
  const lines = renderResult({ displays: [table], summary }, 'jsonl')
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 3);
  assert.deepEqual(lines[0], {
    display: 0,
    title: 'DISP x',
    row: { name: 'cmd.exe', pid: 4, tags: ['a', 'b'] },
  });
  assert.deepEqual(lines[2], {
    variable: {
      name: 'x',
      type: 'process',
      entities: 2,
      records: 3,
      related: { file: 3, 'user-account': 0 },
      timeMs: 7,
    },
  });
  assert.equal(
    renderResult({ displays: [table], summary }, 'csv'),
    'name,pid,tags\ncmd.exe,4,"[""a"",""b""]"\n"a ""quoted"", name",12345,',
  );
});
