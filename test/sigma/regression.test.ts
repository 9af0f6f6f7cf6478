/**
 * SigmaHQ's regression conformance: every vendored case (`test/data/sigma/regression_data/**`: `info.yml` with the
 * rule id and the expected match count, and the events as JSON) matched through the engine, from the events as the
 * Windows reader yields them (`readWindowsEvents`: flat records with Sigma's field names) — and again from the ECS
 * documents the Windows → ECS converter makes of them, through the Sigma → ECS mapping, which must agree.
 *
 * The report (`regression/report.txt`, rewritten with UPDATE=1) holds one line per rule: passed, failed (with the
 * counts) or unsupported (with the feature); the test fails when an outcome changes. A case without `match_count`
 * passes when at least one event matches.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { readWindowsEvents } from '../../src/connectors/windows/index.ts';
import { windowsToEcs } from '../../src/connectors/windows/ecs/index.ts';
import {
  compileRule,
  ecsEvent,
  EventView,
  flatEvent,
  readRules,
  SigmaError,
  type Rule,
  type RuleSource,
} from '../../src/sigma/index.ts';
import { SIGMA_DATA } from '../support/data.ts';

const REPORT = join(import.meta.dirname, 'regression', 'report.txt');

function files(dir: string, keep: (name: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, keep, out);
    else if (keep(name)) out.push(p);
  }
  return out;
}

interface Info {
  rule_metadata: { id: string; title: string }[];
  regression_tests_info?: { type: string; match_count?: number }[];
}

test('SigmaHQ regression cases: passed / failed / unsupported per rule', async () => {
  const rules = new Map<string, { rule: Rule; source: RuleSource; path: string }>();
  for (const dir of ['rules', 'rules-emerging-threats', 'rules-threat-hunting'])
    for (const path of files(join(SIGMA_DATA, dir), (n) => n.endsWith('.yml'))) {
      const r = readRules(readFileSync(path, 'utf8'), relative(SIGMA_DATA, path));
      assert.deepEqual(r.errors, [], path);
      for (const d of r.documents)
        if (d.kind === 'rule' && d.id) rules.set(d.id, { rule: d, source: r.source, path: r.source.name });
    }

  const lines: string[] = [];
  const count = { passed: 0, failed: 0, unsupported: 0 };
  for (const info of files(join(SIGMA_DATA, 'regression_data'), (n) => n === 'info.yml')) {
    const meta = parse(readFileSync(info, 'utf8')) as Info;
    const id = meta.rule_metadata[0].id;
    const spec = meta.regression_tests_info?.[0];
    const entry = rules.get(id);
    assert.ok(entry, `${info}: no vendored rule with id ${id}`);
    assert.ok(spec, `${info}: no test`);
    let raw, ecs;
    try {
      raw = compileRule(entry.rule, { target: 'raw' }, entry.source);
      ecs = compileRule(entry.rule, { target: 'ecs', logsource: true }, entry.source);
    } catch (e) {
      if (!(e instanceof SigmaError)) throw e;
      count.unsupported++;
      lines.push(`unsupported ${entry.path}: ${e.feature ?? e.code} (${e.message})`);
      continue;
    }
    let events = 0;
    let hits = 0;
    let ecsHits = 0;
    const dir = join(info, '..');
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      for await (const e of readWindowsEvents(join(dir, f))) {
        events++;
        if (raw.predicate(new EventView(flatEvent(e)))) hits++;
        if (ecs.predicate(new EventView(ecsEvent(windowsToEcs(e).doc as Record<string, unknown>)))) ecsHits++;
      }
    }
    assert.equal(
      ecsHits,
      hits,
      `${entry.path}: the ECS documents match ${ecsHits} events, the raw events ${hits}`,
    );
    const want = spec.match_count;
    const ok = want === undefined ? hits >= 1 : hits === want;
    count[ok ? 'passed' : 'failed']++;
    lines.push(
      `${ok ? 'passed' : 'failed'} ${entry.path}: ${hits} of ${events} events match, expected ${want ?? 'at least 1'}`,
    );
  }
  const report = [
    `passed ${count.passed}, failed ${count.failed}, unsupported ${count.unsupported} of ${lines.length} rules`,
    ...lines,
  ].join('\n');
  if (process.env.UPDATE === '1') writeFileSync(REPORT, `${report}\n`);
  else assert.equal(report, readFileSync(REPORT, 'utf8').trimEnd());
});
