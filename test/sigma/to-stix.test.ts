/**
 * A rule as a search: fixture cases (`to-stix/*.txt`: the rule's detection → the STIX pattern, whether it is exact,
 * what is checked locally, and the Elastic DSL and store SQL the backends compile from it, side by side); and the
 * superset property over the regression events: whenever the rule matches an event, its pattern matches the
 * event's STIX observation.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { compileElastic } from '../../src/backends/elastic/index.ts';
import { compileSql } from '../../src/backends/sql/index.ts';
import { readWindowsEvents } from '../../src/connectors/windows/index.ts';
import { windowsToEcs } from '../../src/connectors/windows/ecs/index.ts';
import { toObservation } from '../../src/mapping/index.ts';
import {
  compileRule,
  ecsEvent,
  EventView,
  loadRuleFiles,
  parseRule,
  toStixSearch,
  type Rule,
} from '../../src/sigma/index.ts';
import { compileObservationFilter, printPattern } from '../../src/stix/index.ts';
import { runCases } from '../support/fixtures.ts';
import { SIGMA_DATA } from '../support/data.ts';

const NOW = new Date('2026-01-01T00:00:00Z');

runCases(join(import.meta.dirname, 'to-stix'), (input) => {
  const rule = parseRule(`title: case\n${input}\n`, 'case.yml');
  const s = toStixSearch(compileRule(rule, { target: 'ecs' }));
  const out = [
    `entity: ${s.entity ?? '-'}`,
    `pattern: ${s.pattern ? printPattern(s.pattern) : s.never ? '(matches nothing)' : '(none: every document of the entity)'}`,
    `exact: ${s.exact}`,
    ...s.local.map((l) => `local: ${l}`),
  ];
  if (s.pattern && s.entity) {
    const q = {
      entityType: s.entity,
      pattern: s.pattern,
      timeRange: { start: '2025-01-01T00:00:00Z', stop: '2026-01-01T00:00:00Z' },
    };
    const dsl = compileElastic(q, { now: NOW });
    out.push(`elastic: ${JSON.stringify(dsl.query)}`, `elastic local: ${dsl.local}`);
    const sql = compileSql(q, { now: NOW });
    out.push(`sql: ${sql.where}`, `sql params: ${JSON.stringify(sql.params)}`);
  }
  return out.join('\n');
});

test('the pattern of every regression rule selects every event the rule matches (a superset)', async () => {
  const byId = new Map<string, Rule>();
  const loaded = loadRuleFiles([
    join(SIGMA_DATA, 'rules'),
    join(SIGMA_DATA, 'rules-emerging-threats'),
    join(SIGMA_DATA, 'rules-threat-hunting'),
  ]);
  for (const { rule } of loaded.rules) if (rule.id) byId.set(rule.id, rule);
  let checked = 0;
  let searched = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) {
        await walk(p);
        continue;
      }
      if (n !== 'info.yml') continue;
      const id = (parse(readFileSync(p, 'utf8')) as { rule_metadata: { id: string }[] }).rule_metadata[0].id;
      const compiled = compileRule(byId.get(id)!, { target: 'ecs' });
      const search = toStixSearch(compiled);
      if (!search.pattern) continue;
      searched++;
      const filter = compileObservationFilter(search.pattern);
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')))
        for await (const e of readWindowsEvents(join(dir, f))) {
          const doc = windowsToEcs(e).doc as Record<string, unknown>;
          if (!compiled.predicate(new EventView(ecsEvent(doc)))) continue;
          checked++;
          assert.ok(
            filter(toObservation(doc, 'observed-data--1')),
            `${compiled.rule.title}: ${printPattern(search.pattern)} misses a matching event`,
          );
        }
    }
  };
  await walk(join(SIGMA_DATA, 'regression_data'));
  assert.ok(searched >= 140, `only ${searched} rules have a pattern`);
  assert.ok(checked > 150, `only ${checked} matching events checked`);
});
