/**
 * Policy language conformance: parsing (AST s-expressions and positioned errors), every operator evaluated against
 * the events of `events.ts`, lint findings, loading of every shipped sf-processor policy and Falco rule file, and
 * the (rule, technique) alerts ttps.yaml raises on the real traces.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCases } from '../../../support/fixtures.ts';
import { isPeregrineError } from '../../../../src/errors/index.ts';
import type { Atom, Cond } from '../../../../src/telemetry/sysflow/policy/ast.ts';
import { parseCondition } from '../../../../src/telemetry/sysflow/policy/condition.ts';
import { PolicyLines } from '../../../../src/telemetry/sysflow/policy/span.ts';
import { compilePolicies, lintPolicies, formatFinding, loadPolicySources, readPolicyFile } from '../../../../src/telemetry/sysflow/policy/index.ts';
import { EVENTS } from './events.ts';
import { EntityTables, readSysFlowFile, resolveEvents } from '../../../../src/telemetry/sysflow/format/index.ts';
import { opFlagNames, SF_TYPE, type ResolvedEvent } from '../../../../src/telemetry/sysflow/records/index.ts';

const CASES = join(import.meta.dirname, 'cases');

function sexp(c: Cond): string {
  const a = (x: Atom): string => (x.quoted ? JSON.stringify(x.text) : x.text);
  switch (c.kind) {
    case 'and':
    case 'or':
      return `(${c.kind} ${c.args.map(sexp).join(' ')})`;
    case 'not':
      return `(not ${sexp(c.arg)})`;
    case 'compare':
      return `(${c.op} ${a(c.left)} ${a(c.right)})`;
    case 'inlist':
      return `(${c.op} ${a(c.left)} [${c.items.map(a).join(' ')}])`;
    case 'exists':
      return `(exists ${a(c.operand)})`;
    case 'ref':
      return c.name;
  }
}

/** Lists and macros every eval case may use. */
const PRELUDE = `- list: shells
  items: [bash, sh, zsh]
- list: more_shells
  items: [shells, 'dash', "ksh"]
- list: secrets
  items: [/etc/passwd, /etc/shadow]
- macro: is_shell
  condition: sf.proc.name in (more_shells)
- macro: in_container
  condition: sf.container.type != host
`;

function evalCase(input: string): string {
  const cond = input.split('\n').join('\n    ');
  const text = `${PRELUDE}- rule: case\n  desc: case\n  condition: ${cond}\n  priority: low\n`;
  const engine = compilePolicies([{ path: 'case.yaml', text }]);
  const out: string[] = [];
  for (const p of engine.problems) out.push(`problem ${p.span.line}:${p.span.col} ${p.message}`);
  for (const n of engine.notes) out.push(`${n.severity} ${n.span.line}:${n.span.col} ${n.message}`);
  for (const u of engine.unmappable) out.push(`not loaded: needs ${u.fields.join(', ')}`);
  if (engine.rules.length === 1) {
    const hits = Object.entries(EVENTS)
      .filter(([, ev]) => engine.evaluate(ev).matches.length > 0)
      .map(([name]) => name);
    out.push(hits.length ? hits.join(' ') : 'none');
  }
  return out.join('\n');
}

runCases(CASES, async (input, _c, file) => {
  switch (file) {
    case 'parse.txt': {
      try {
        return sexp(parseCondition(input, 0, new PolicyLines(input), 'case'));
      } catch (err) {
        if (!isPeregrineError(err) || !err.span) throw err;
        return `error ${err.span.line}:${err.span.col} ${err.message}${err.hint ? ` (${err.hint})` : ''}`;
      }
    }
    case 'eval.txt':
      return evalCase(input);
    case 'lint.txt': {
      const path = input.startsWith('file: ') ? input.slice(6).trim() : undefined;
      const files = path ? (await loadPolicySources([path])).map((s) => readPolicyFile(s.path, s.text)) : [readPolicyFile('case.yaml', input + '\n')];
      const findings = lintPolicies(files);
      return findings.length ? findings.map(formatFinding).join('\n') : 'clean';
    }
    case 'load.txt':
      return loadCase(input);
    case 'traces.txt':
      return traceCase(input);
    default:
      throw new Error(`no runner for ${file}`);
  }
});

/** Input: policy files/dirs loaded together, one per line (`;` lines are comments). */
async function loadCase(input: string): Promise<string> {
  const paths = input.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';'));
  const engine = compilePolicies(await loadPolicySources(paths));
  const c = engine.counts;
  const out = [
    `files=${c.files} rules=${c.rules} macros=${c.macros} lists=${c.lists} filters=${c.filters} active=${c.active} disabled=${c.disabled} unmappable=${c.unmappable}`,
    `problems=${engine.problems.length} notes=${engine.notes.length}`,
  ];
  for (const u of engine.unmappable) out.push(`unmappable ${u.source.replace(/.*\//, '')}:${u.span.line} ${u.rule}: ${u.fields.join(', ')}`);
  return out.join('\n');
}

test('AST is plain data: JSON round trip of every condition in ttps.yaml', () => {
  const text = readFileSync('data/policies/ttps.yaml', 'utf8');
  const pf = readPolicyFile('ttps.yaml', text);
  assert.ok(pf.decls.length > 190);
  for (const d of pf.decls) {
    assert.ok(Object.isFrozen(d));
    assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  }
});

test('every ttps.yaml technique tag names an ATT&CK v18 technique', () => {
  const engine = compilePolicies([{ path: 'ttps.yaml', text: readFileSync('data/policies/ttps.yaml', 'utf8') }]);
  assert.equal(engine.rules.length, 52);
  const missing = engine.rules.flatMap((r) => r.techniques.filter((t) => t.name === undefined).map((t) => `${r.name}: ${t.id}`));
  assert.deepEqual(missing, []);
  const ids = new Set(engine.rules.flatMap((r) => r.techniques.map((t) => t.id)));
  assert.ok(ids.has('T1059.004') && ids.has('T1068'));
  assert.equal(engine.rules.find((r) => r.name === 'Interactive shell')?.techniques[0]?.name, 'Command and Scripting Interpreter');
});

test('drop filters drop before rules; enrich mode emits every kept record, alert mode only matches', () => {
  const text = `- filter: no_k8s\n  condition: sf.type = KE\n- rule: shell\n  desc: d\n  condition: sf.proc.name = bash\n  priority: WARNING\n  tags: [mitre:T1059, x]\n`;
  for (const mode of ['alert', 'enrich'] as const) {
    const e = compilePolicies([{ path: 'p.yaml', text }], { mode });
    const k8s = e.evaluate(EVENTS['k8s-pod']);
    assert.equal(k8s.drop, true);
    assert.equal(k8s.droppedBy, 'no_k8s');
    assert.equal(e.emits(k8s), false);
    const bash = e.process(EVENTS['cgi-bash']);
    assert.deepEqual(bash.matches.map((m) => [m.name, m.priority, m.severity, m.techniques.map((t) => t.id).join()]), [['shell', 'warning', 'medium', 'T1059']]);
    assert.equal(e.emits(bash), true);
    assert.equal(e.emits(e.evaluate(EVENTS['cat-read'])), mode === 'enrich');
  }
});

const TTPS = compilePolicies([{ path: 'data/policies/ttps.yaml', text: readFileSync('data/policies/ttps.yaml', 'utf8') }]);

function summary(ev: ResolvedEvent): string {
  const r = ev.record as { opFlags?: number };
  const p = ev.process;
  const cut = (s: string): string => (s.length > 60 ? s.slice(0, 57) + '...' : s);
  const parts = [`${SF_TYPE[ev.record.kind]} ${opFlagNames(r.opFlags ?? 0).join('|')}`, p ? cut(`${p.exe} ${p.exeArgs}`.trim()) : '-'];
  if (ev.parent) parts.push(`parent ${ev.parent.exe}`);
  if (ev.file) parts.push(`file ${ev.file.path}`);
  return parts.join(', ');
}

/** Input: trace files read in order as one stream (`;` lines are comments). Output: ttps.yaml alerts per rule. */
async function traceCase(input: string): Promise<string> {
  const paths = input.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';'));
  const tables = new EntityTables();
  const hits = new Map<string, { n: number; first: string; techniques: string }>();
  let events = 0;
  for (const path of paths) {
    for await (const ev of resolveEvents(readSysFlowFile(path), path, tables)) {
      events++;
      for (const m of TTPS.process(ev).matches) {
        const h = hits.get(m.name);
        if (h) h.n++;
        else hits.set(m.name, { n: 1, first: summary(ev), techniques: m.techniques.map((t) => t.id).join(' ') });
      }
    }
  }
  const out = [`events=${events} alerts=${[...hits.values()].reduce((n, h) => n + h.n, 0)}`];
  for (const [name, h] of [...hits].sort((a, b) => a[0].localeCompare(b[0]))) out.push(`${h.n} ${name} [${h.techniques}]\n    first: ${h.first}`);
  return out.join('\n');
}

test('SIGMA rules: case-insensitive modifiers, |all, lists of maps, 1 of / all of, not, logsource prefilter', () => {
  const text = `title: Shell reading passwd
description: test
tags:
    - attack.execution
    - attack.t1059.004
logsource:
    category: process_creation
    product: linux
detection:
    selection_img:
        Image|endswith: '/BASH'
    selection_cli:
        CommandLine|contains|all:
            - '-c'
            - 'PASSWD'
    filter:
        - ParentImage|endswith: '/sshd'
        - User: nobody
    condition: all of selection_* and not filter
level: critical
`;
  const engine = compilePolicies([{ path: 'sigma.yml', text }]);
  assert.deepEqual(engine.problems, []);
  assert.deepEqual(engine.notes, []);
  const [rule] = engine.rules;
  assert.deepEqual([rule.name, rule.severity, rule.prefilter, rule.techniques.map((t) => t.id)], ['Shell reading passwd', 'high', ['PE'], ['T1059.004']]);
  const hits = Object.entries(EVENTS).filter(([, ev]) => engine.evaluate(ev).matches.length > 0).map(([n]) => n);
  assert.deepEqual(hits, ['cgi-bash']);
  const bad = compilePolicies([{ path: 'bad.yml', text: text.replace('all of selection_*', '1 of nothing*') }]);
  assert.equal(bad.rules.length, 0);
  assert.match(bad.problems[0].message, /no selection matches 'nothing\*'/);
});
