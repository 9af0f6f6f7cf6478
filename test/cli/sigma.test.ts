/** `peregrine sigma check|list`: batch reports over rule folders (errors one per line, unsupported by feature). */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCheck, runList } from '../../src/cli/sigma/check.ts';
import { SIGMA_DATA } from '../support/data.ts';

test('check: the vendored rules compile; broken and unsupported rules are reported at their place, by feature', () => {
  const lines: string[] = [];
  assert.equal(runCheck([join(SIGMA_DATA, 'rules')], { out: (l) => lines.push(l) }), 0);
  assert.match(
    lines.at(-1) ?? '',
    /^\d+ files: \d+ rules \(\d+ compile\), 0 correlation rules, 0 errors$|fields the ECS mapping/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-sigma-check-'));
  const head = 'title: t\nlogsource:\n    product: windows\n    category: process_creation\n';
  writeFileSync(
    join(dir, 'a.yml'),
    `${head}detection:\n    sel:\n        CommandLine|contain: x\n    condition: sel\n`,
  );
  writeFileSync(
    join(dir, 'b.yml'),
    `${head}detection:\n    sel:\n        EventID: 4625\n    condition: sel | count() > 5\n`,
  );
  writeFileSync(
    join(dir, 'c.yml'),
    'title: c\ncorrelation:\n    type: event_count\n    rules: [t]\n    timespan: 1m\n    condition: {gte: 3}\n',
  );
  writeFileSync(
    join(dir, 'd.yml'),
    `${head}detection:\n    sel:\n        CommandLine|\x1b[31mred: x\n    condition: sel\n`,
  );
  const out: string[] = [];
  assert.equal(runCheck([dir], { out: (l) => out.push(l) }), 3);
  const text = out.join('\n');
  assert.match(
    text,
    /a\.yml:7:21: error\[E_SIGMA_MODIFIER\]: unknown modifier 'contain' \(hint: did you mean "contains"/,
  );
  assert.match(text, /b\.yml:8:20: error\[E_SIGMA_UNSUPPORTED\]/);
  assert.match(text, /c\.yml:1:8: note: correlation rule 'c' \(event_count of t\) is read, not evaluated/);
  assert.match(text, /4 files: 2 rules \(0 compile\), 1 correlation rules, 3 errors/);
  assert.match(text, /1 unsupported: aggregation in condition/);
  // the rule's text reaches the terminal escaped
  assert.match(text, /unknown modifier '\\x1b\[31mred'|unknown modifier '\\u001b\[31mred'/);
  assert.ok(!text.includes(String.fromCharCode(27)));
});

test('list: rules with level and logsource, selected by entity and level, and the index figures', () => {
  const lines: string[] = [];
  runList([join(SIGMA_DATA, 'rules')], { entity: 'process', level: 'high', out: (l) => lines.push(l) });
  assert.ok(lines.length > 10);
  assert.ok(
    lines.slice(0, -1).every((l) => / (high|critical) +(windows|linux)\/process_/.test(l)),
    lines[0],
  );
  assert.match(
    lines.at(-1) ?? '',
    /^\d+ rules; index: \d+ reached through \d+ literals over \d+ fields, \d+ evaluated on every record/,
  );
});
