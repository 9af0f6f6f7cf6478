/**
 * The rule index answers exactly what trying every rule answers: the vendored corpus of 1,311 process_creation rules
 * over the SigmaHQ regression events (raw records and their ECS documents) and variants of them; the literals a
 * regex needs; the automaton finds every literal; scoring sums levels over distinct rules.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readWindowsEvents, type WindowsEvent } from '../../src/connectors/windows/index.ts';
import { windowsToEcs } from '../../src/connectors/windows/ecs/index.ts';
import {
  compileAll,
  ecsEvent,
  EventView,
  flatEvent,
  loadRuleFiles,
  parseRule,
  compileRule,
  RuleSet,
  scoreRecords,
  Scorer,
  techniqueOfTag,
} from '../../src/sigma/index.ts';
import { LiteralAutomaton } from '../../src/sigma/literal-automaton.ts';
import { regexLiterals } from '../../src/sigma/regex-literals.ts';
import { SIGMA_DATA } from '../support/data.ts';

const DATA = SIGMA_DATA;

async function regressionEvents(): Promise<WindowsEvent[]> {
  const out: WindowsEvent[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) await walk(p);
      else if (n.endsWith('.json')) for await (const e of readWindowsEvents(p)) out.push(e);
    }
  };
  await walk(join(DATA, 'regression_data'));
  return out;
}

/** Variants that move values across rule boundaries: upper-cased, truncated, fields swapped. */
function variants(e: WindowsEvent): Record<string, unknown>[] {
  const cl = typeof e.CommandLine === 'string' ? e.CommandLine : '';
  return [
    { ...e },
    { ...e, CommandLine: cl.toUpperCase() },
    { ...e, CommandLine: cl.slice(0, Math.floor(cl.length / 2)) },
    { ...e, Image: e.ParentImage, ParentImage: e.Image },
    { ...e, CommandLine: `${cl} -enc SQBFAFgA /c whoami` },
  ];
}

test('the index gives the one-by-one answer on every event, raw and ECS, for the whole process_creation corpus', async () => {
  const loaded = loadRuleFiles([join(DATA, 'corpus', 'process_creation.yml.gz')]);
  assert.equal(loaded.errors.length, 0);
  assert.equal(loaded.rules.length, 1311);
  const events = (await regressionEvents()).filter((e) => e.EventID === 1).flatMap(variants);
  for (const target of ['raw', 'ecs'] as const) {
    const compiled = compileAll(loaded, { target, logsource: target === 'raw' });
    assert.equal(compiled.errors.length, 0);
    const set = new RuleSet(compiled.rules);
    assert.ok(set.stats.always <= 5, `${set.stats.always} rules evaluated always`);
    let matched = 0;
    for (const e of events) {
      const source =
        target === 'raw'
          ? flatEvent(e)
          : ecsEvent(windowsToEcs(e as WindowsEvent).doc as Record<string, unknown>);
      const view = new EventView(source);
      const want = set.matchEach(view).map((r) => r.rule.id);
      assert.deepEqual(
        set.match(view).map((r) => r.rule.id),
        want,
      );
      matched += want.length;
    }
    assert.ok(matched > events.length / 5, `${target}: only ${matched} matches`);
  }
});

test('the literals a regex cannot match without', () => {
  const cases: [string, boolean, string[] | undefined][] = [
    ['\\$PSHome\\[\\s*\\d{1,3}\\s*\\]', false, ['$pshome[']],
    ['net\\s+user\\s+', false, ['user']],
    // case-insensitive: an s ends a run (RE2 folds ſ with s, lower-casing does not)
    ['(?i)\\.exe[\\"\\\']?\\s+[^\\"]{0,64}werfaultsecure\\.exe', false, ['ecure.exe']],
    ['https?://0[0-9]{1,11}', false, ['http']],
    ['a|bcd', false, ['a', 'bcd']],
    ['a|\\d+', false, undefined],
    ['colou?r', false, ['colo']],
    ['(.){200,}', false, undefined],
    ['ab+c', false, ['ab']],
    ['x{0,2}yz', false, ['yz']],
    ['\\Qa.b\\E', false, undefined],
    ['Invoke', true, ['invoke']],
    ['Sigma', true, ['igma']],
  ];
  for (const [pattern, ic, want] of cases) assert.deepEqual(regexLiterals(pattern, ic), want, pattern);
});

test('the automaton finds every occurrence, ASCII through the table and non-ASCII through the sparse trie', () => {
  const lits = ['he', 'she', 'his', 'hers', '\u2013enc', 'a\u2013b', 'xyz', 'yz'];
  const a = new LiteralAutomaton(lits);
  const found = (s: string): string[] => {
    const hits = new Set<string>();
    a.scan(s, (i) => hits.add(lits[i]));
    return [...hits].sort();
  };
  assert.deepEqual(found('ushers'), ['he', 'hers', 'she']);
  assert.deepEqual(found('x \u2013enc a\u2013b'), ['a\u2013b', '\u2013enc']);
  assert.deepEqual(found('\u2013e\u2013enc hxyz'), ['xyz', 'yz', '\u2013enc']);
  assert.deepEqual(found('nothing'), []);
});

test('scoring: level weights over the distinct matched rules, techniques from attack tags', () => {
  const rule = (title: string, level: string, tag: string, contains: string) =>
    compileRule(
      parseRule(`title: ${title}
id: ${title}
logsource:
    product: windows
    category: process_creation
tags:
    - ${tag}
    - attack.execution
detection:
    sel:
        CommandLine|contains: '${contains}'
    condition: sel
level: ${level}
`),
      { target: 'ecs' },
    );
  const set = new RuleSet([
    rule('a', 'high', 'attack.t1059.001', 'enc'),
    rule('b', 'low', 'attack.t1105', 'http'),
    rule('c', 'critical', 'attack.t1003', 'lsass'),
  ]);
  const recs = [
    { process: { command_line: 'powershell -enc AAA' } },
    { process: { command_line: 'powershell -enc BBB http://x' } },
    { process: { command_line: 'notepad' } },
  ].map(ecsEvent);
  const s = scoreRecords(set, recs);
  assert.equal(s.score, 8 + 2);
  assert.deepEqual(
    s.rules.map((r) => [r.title, r.level, r.records]),
    [
      ['a', 'high', 2],
      ['b', 'low', 1],
    ],
  );
  assert.deepEqual(s.techniques, ['T1059.001', 'T1105']);
  assert.equal(techniqueOfTag('attack.t1059.001'), 'T1059.001');
  assert.equal(techniqueOfTag('attack.execution'), undefined);
  // the scorer matches a record only against its product's rules
  const scorer = new Scorer(set.rules);
  assert.equal(
    scorer.score('process', [{ process: { executable: '/usr/bin/x', command_line: 'lsass' } }]).score,
    0,
  );
  assert.equal(
    scorer.score('process', [{ process: { executable: 'C:\\x.exe', command_line: 'lsass' } }]).score,
    16,
  );
});
