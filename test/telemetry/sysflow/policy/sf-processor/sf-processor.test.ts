/**
 * Peregrine's reading of SysFlow policies next to sf-processor's (`compat: 'sf-processor'`), case by case:
 * - readings.txt — a condition (with the lists and macros of PRELUDE), or whole policy files (`--- name.yaml`
 *   starts the next file), evaluated in both readings over the event stream of `events.ts`: the events each rule
 *   matches per reading, and the warning `sysflow process` prints for the rule;
 * - traces.txt — ttps.yaml (or the policy named by a `policy:` line) over real traces in both readings: the alert
 *   records of each, and every record that alerts under one reading only;
 * - go.txt — the Go string functions sf-processor's evaluation inherits.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCases } from '../../../../support/fixtures.ts';
import {
  compilePolicies,
  loadPolicySources,
  type PolicySource,
} from '../../../../../src/telemetry/sysflow/policy/index.ts';
import { formatReadingNote } from '../../../../../src/telemetry/sysflow/policy/sf-processor/differences.ts';
import {
  goBase,
  goClean,
  goDir,
  parseGoBool,
  parseGoInt,
  trimBoundingQuotes,
} from '../../../../../src/telemetry/sysflow/policy/sf-processor/go.ts';
import { symPath } from '../../../../../src/telemetry/sysflow/policy/sf-processor/fields.ts';
import {
  EntityTables,
  readSysFlowFile,
  resolveEvents,
} from '../../../../../src/telemetry/sysflow/format/index.ts';
import {
  opFlagNames,
  SF_TYPE,
  type ResolvedEvent,
} from '../../../../../src/telemetry/sysflow/records/index.ts';
import { SYSFLOW_DATA } from '../../../../support/data.ts';
import { STREAM } from './events.ts';

const READINGS = [undefined, 'sf-processor'] as const;

/** Lists and macros every condition case may use. */
const PRELUDE = `- list: shells
  items: [bash, sh, zsh]
- list: more_shells
  items: [shells, 'dash', "ksh"]
- list: quoted_ref
  items: ['shells']
- list: user_known
  items: []
- macro: in_container
  condition: sf.container.type != host
`;

function sources(input: string): PolicySource[] {
  if (!input.startsWith('- ')) {
    const cond = input.split('\n').join('\n    ');
    return [
      {
        path: 'case.yaml',
        text: `${PRELUDE}- rule: case\n  desc: case\n  condition: ${cond}\n  priority: low\n`,
      },
    ];
  }
  const out: PolicySource[] = [];
  let path = 'a.yaml';
  let lines: string[] = [];
  for (const line of input.split('\n')) {
    const m = /^--- (\S+)$/.exec(line);
    if (!m) {
      lines.push(line);
      continue;
    }
    out.push({ path, text: lines.join('\n') + '\n' });
    path = m[1];
    lines = [];
  }
  out.push({ path, text: lines.join('\n') + '\n' });
  return out;
}

function readingCase(input: string): string {
  const srcs = sources(input);
  const out: string[] = [];
  for (const compat of READINGS) {
    const engine = compilePolicies(srcs, { compat });
    const label = compat ?? 'peregrine';
    const hits = new Map<string, string[]>(engine.rules.map((r) => [r.name, []]));
    for (const [name, ev] of STREAM)
      for (const m of engine.evaluate(ev).matches) hits.get(m.name)!.push(name);
    for (const [rule, evs] of hits) out.push(`${label} ${rule}: ${evs.length ? evs.join(' ') : 'none'}`);
    for (const u of engine.unmappable)
      out.push(`${label} ${u.rule}: not loaded (needs ${u.fields.join(', ')})`);
    if (engine.counts.disabled) out.push(`${label}: ${engine.counts.disabled} disabled`);
    if (!compat) for (const n of engine.readingNotes) out.push(formatReadingNote(n, false));
  }
  return out.join('\n');
}

function describe(ev: ResolvedEvent): string {
  const r = ev.record as { opFlags?: number };
  const p = ev.process;
  const cmd = p ? `${p.exe} ${p.exeArgs}`.trim() : '-';
  const cut = cmd.length > 60 ? cmd.slice(0, 57) + '...' : cmd;
  return `${SF_TYPE[ev.record.kind]} ${opFlagNames(r.opFlags ?? 0).join('|')} ${cut}${p ? ` (uid ${p.uid})` : ''}`;
}

/** Input: `policy: path` (default ttps.yaml) and trace paths under the shared SysFlow data, read as one stream. */
async function traceCase(input: string): Promise<string> {
  let policy = 'data/policies/ttps.yaml';
  const traces: string[] = [];
  for (const line of input.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';'))) {
    if (line.startsWith('policy: ')) policy = line.slice(8).trim();
    else traces.push(join(SYSFLOW_DATA, line.trim()));
  }
  const text = readFileSync(policy, 'utf8');
  const engines = READINGS.map((compat) =>
    compilePolicies([{ path: policy, text }], { compat, mode: 'alert' }),
  );
  const alerts = READINGS.map(() => new Map<number, { ev: ResolvedEvent; rules: string }>());
  const matches = READINGS.map(() => 0);
  const tables = new EntityTables();
  let i = 0;
  for (const path of traces) {
    for await (const ev of resolveEvents(readSysFlowFile(path), path, tables)) {
      engines.forEach((e, k) => {
        const r = e.evaluate(ev);
        matches[k] += r.matches.length;
        if (e.emits(r)) alerts[k].set(i, { ev, rules: r.matches.map((m) => m.name).join(', ') });
      });
      i++;
    }
  }
  const out = READINGS.map(
    (c, k) => `${c ?? 'peregrine'}: ${alerts[k].size} alert records (${matches[k]} matches)`,
  );
  const [a, b] = alerts;
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  for (const id of ids) {
    const x = a.get(id)?.rules ?? '';
    const y = b.get(id)?.rules ?? '';
    if (x === y) continue;
    const ev = (a.get(id) ?? b.get(id))!.ev;
    out.push(`#${id} ${describe(ev)}: peregrine [${x}] sf-processor [${y}]`);
  }
  return out.join('\n');
}

/** Input: `Function argument` (the argument as a JSON string when it has spaces or is empty). */
function goCase(input: string): string {
  return input
    .split('\n')
    .map((line) => {
      const sp = line.indexOf(' ');
      const fn = line.slice(0, sp);
      const rawArg = line.slice(sp + 1);
      const arg = rawArg.startsWith('"') ? (JSON.parse(rawArg) as string) : rawArg;
      const show = (v: unknown): string =>
        v === undefined ? 'error' : typeof v === 'string' ? JSON.stringify(v) : String(v);
      const f: Record<string, (s: string) => unknown> = {
        ParseInt: parseGoInt,
        ParseBool: parseGoBool,
        TrimBoundingQuotes: trimBoundingQuotes,
        Base: goBase,
        Dir: goDir,
        Clean: goClean,
        SymPath: (s) => {
          const p = symPath(s);
          return `${p.path} ${p.link || '-'}`;
        },
      };
      return `${line} → ${show(f[fn](arg))}`;
    })
    .join('\n');
}

runCases(join(import.meta.dirname, 'cases'), (input, _c, file) => {
  switch (file) {
    case 'readings.txt':
      return readingCase(input);
    case 'traces.txt':
      return traceCase(input);
    case 'go.txt':
      return goCase(input);
    default:
      throw new Error(`no runner for ${file}`);
  }
});

test('a policy directory is its *.yaml files directly in it for sf-processor; Peregrine also reads *.yml and subdirectories', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-sfp-dir-'));
  try {
    mkdirSync(join(dir, 'sub'));
    for (const f of ['b.yaml', 'a.yml', 'sub/c.yaml', 'notes.txt'])
      writeFileSync(join(dir, f), '- list: l\n  items: [x]\n');
    const names = async (compat?: 'sf-processor') =>
      (await loadPolicySources([dir], { compat })).map((s) => s.path.slice(dir.length + 1));
    assert.deepEqual(await names(), ['a.yml', 'b.yaml', 'sub/c.yaml']);
    assert.deepEqual(await names('sf-processor'), ['b.yaml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("priority alert is not in sf-processor's table of Falco levels: low, where Peregrine folds it to high", () => {
  const text = '- rule: r\n  desc: d\n  condition: sf.proc.name = bash\n  priority: ALERT\n';
  const severity = (compat?: 'sf-processor') =>
    compilePolicies([{ path: 'p.yaml', text }], { compat }).rules[0].severity;
  assert.equal(severity(), 'high');
  assert.equal(severity('sf-processor'), 'low');
});
