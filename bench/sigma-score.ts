/**
 * Sigma scoring benchmark: N synthetic process entities (default 100,000; ECS documents: executable, command line,
 * parent, original file name, user) scored against every process_creation rule of the vendored SigmaHQ corpus
 * (test/data/sigma/corpus, 1,311 Windows and Linux rules), through the rule index (`RuleSet.match`: rules reached by
 * their required literals). Baseline in the same run: the same rules tried one by one (`matchEach`) on the first
 * M entities (default 5,000; it is that slow), whose answers must be identical. About 2% of the entities are real
 * attack command lines (the SigmaHQ regression events of process_creation rules, through the Windows → ECS
 * converter), the rest benign Windows and Linux command lines from a seeded generator.
 *
 * Three rounds (index, then one by one, alternating); the best round of each is reported.
 *
 *     node --import tsx bench/sigma-score.ts [N] [M] [ROUNDS]
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readWindowsEvents } from '../src/connectors/windows/index.ts';
import { windowsToEcs } from '../src/connectors/windows/ecs/index.ts';
import { SIGMA_DATA } from '../test/support/data.ts';
import { compileAll, ecsEvent, EventView, loadRuleFiles, productOfEcs, Scorer } from '../src/sigma/index.ts';

const N = Number(process.argv[2] ?? 100_000);
const M = Number(process.argv[3] ?? 5_000);
const ROUNDS = Number(process.argv[4] ?? 3);
const DATA = SIGMA_DATA;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// --- rules ---------------------------------------------------------------------------------------------------------
const c0 = cpuMs();
const loaded = loadRuleFiles([join(DATA, 'corpus', 'process_creation.yml.gz')]);
const compiled = compileAll(loaded, { target: 'ecs' });
const scorer = new Scorer(compiled.rules);
const sets = ['windows', 'linux'].map((p) => scorer.ruleSet('process', p));
const buildCpu = cpuMs() - c0;

// --- entities ------------------------------------------------------------------------------------------------------
let seed = 0x5eed;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const word = (): string =>
  pick(['report', 'data', 'backup', 'q3', 'notes', 'build', 'cache', 'setup', 'invoice', 'log']);
const hex = (n: number): string =>
  Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const users = ['alice', 'bob', 'svc_web', 'carol', 'SYSTEM', 'dave'];

const WIN: readonly [string, () => string, string][] = [
  [
    'C:\\Windows\\System32\\svchost.exe',
    () =>
      `-k ${pick(['netsvcs', 'LocalService', 'DcomLaunch'])} -p -s ${pick(['Schedule', 'BITS', 'Winmgmt'])}`,
    'svchost.exe',
  ],
  [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    () =>
      `--type=renderer --lang=en-US --renderer-client-id=${Math.floor(rand() * 99)} --field-trial-handle=${hex(8)}`,
    'chrome.exe',
  ],
  ['C:\\Windows\\System32\\conhost.exe', () => '0xffffffff -ForceV1', 'CONHOST.EXE'],
  [
    'C:\\Windows\\System32\\notepad.exe',
    () => `C:\\Users\\${pick(users)}\\Documents\\${word()}.txt`,
    'NOTEPAD.EXE',
  ],
  [
    'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    () => `-NoProfile -File C:\\scripts\\${word()}.ps1`,
    'PowerShell.EXE',
  ],
  ['C:\\Windows\\System32\\cmd.exe', () => `/c echo ${word()} > C:\\temp\\${word()}.log`, 'Cmd.Exe'],
  [
    'C:\\Windows\\System32\\msiexec.exe',
    () => `/i C:\\Users\\${pick(users)}\\Downloads\\${word()}-${hex(4)}.msi /qn`,
    'msiexec.exe',
  ],
  ['C:\\Windows\\System32\\RuntimeBroker.exe', () => '-Embedding', 'RuntimeBroker.exe'],
  [
    'C:\\Program Files\\Git\\cmd\\git.exe',
    () => `${pick(['status', 'pull --rebase', 'log -5', 'fetch origin'])}`,
    'git.exe',
  ],
  [
    'C:\\Users\\bob\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe',
    () =>
      `--type=utility --utility-sub-type=node.mojom.NodeService --lang=en-US --service-sandbox-type=none ${hex(16)}`,
    'electron.exe',
  ],
  [
    'C:\\Windows\\System32\\taskhostw.exe',
    () => `{${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}}`,
    'taskhostw.exe',
  ],
];
const WIN_PARENTS = [
  'C:\\Windows\\explorer.exe',
  'C:\\Windows\\System32\\services.exe',
  'C:\\Windows\\System32\\svchost.exe',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];
const LNX: readonly [string, () => string][] = [
  ['/usr/bin/bash', () => `-c "cd /srv/${word()} && make ${word()}"`],
  ['/usr/bin/ls', () => `-la /home/${pick(users)}/${word()}`],
  ['/usr/bin/python3', () => `/opt/app/${word()}.py --config /etc/app/${word()}.yaml`],
  ['/usr/bin/git', () => `${pick(['pull', 'status', 'log --oneline -20'])}`],
  ['/usr/bin/curl', () => `-s https://api.internal.example/${word()}/health`],
  ['/usr/bin/grep', () => `-r ${word()} /var/log/${word()}.log`],
  ['/usr/bin/tar', () => `czf /backup/${word()}-${hex(6)}.tgz /srv/${word()}`],
  ['/usr/bin/node', () => `/srv/app/server.js --port ${3000 + Math.floor(rand() * 100)}`],
  ['/usr/sbin/sshd', () => '-D -R'],
];

async function attacks(): Promise<Record<string, unknown>[]> {
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
  await walk(join(DATA, 'regression_data'));
  return out;
}

const attack = await attacks();
const entities: Record<string, unknown>[] = [];
for (let i = 0; i < N; i++) {
  const r = rand();
  if (r < 0.02) entities.push(attack[i % attack.length]);
  else if (r < 0.6) {
    const [exe, args, ofn] = pick(WIN);
    const parent = pick(WIN_PARENTS);
    entities.push({
      process: {
        executable: exe,
        name: exe.slice(exe.lastIndexOf('\\') + 1),
        command_line: `"${exe}" ${args()}`,
        pid: 1000 + i,
        pe: { original_file_name: ofn },
        parent: { executable: parent, command_line: `"${parent}"`, pid: 500 + (i % 300) },
      },
      user: { name: pick(users) },
    });
  } else {
    const [exe, args] = pick(LNX);
    entities.push({
      process: {
        executable: exe,
        name: exe.slice(exe.lastIndexOf('/') + 1),
        command_line: `${exe} ${args()}`,
        pid: 2000 + i,
        parent: { executable: '/usr/bin/bash', command_line: '-bash', pid: 1000 + (i % 50) },
        working_directory: `/home/${pick(users)}`,
      },
      user: { name: pick(users) },
    });
  }
}

// --- runs ----------------------------------------------------------------------------------------------------------
function run(
  n: number,
  score: (doc: Record<string, unknown>) => number,
): { ms: number; cpu: number; hits: number[] } {
  const hits: number[] = [];
  const c = cpuMs();
  const t = performance.now();
  for (let i = 0; i < n; i++) hits.push(score(entities[i]));
  return { ms: performance.now() - t, cpu: cpuMs() - c, hits };
}

const setOf = (doc: Record<string, unknown>) => scorer.ruleSet('process', productOfEcs(doc));
const WEIGHT = { informational: 1, low: 2, medium: 4, high: 8, critical: 16 } as const;
const byIndex = (doc: Record<string, unknown>): number => scorer.score('process', [doc]).score;
const oneByOne = (doc: Record<string, unknown>): number =>
  setOf(doc)
    .matchEach(new EventView(ecsEvent(doc)))
    .reduce((s, r) => s + WEIGHT[r.rule.level ?? 'medium'], 0);

// rounds, alternating, best of each: the machine is shared and the figures of one round wander
let indexed = run(N, byIndex);
let each = run(Math.min(M, N), oneByOne);
for (let round = 1; round < ROUNDS; round++) {
  const i = run(N, byIndex);
  if (i.cpu < indexed.cpu) indexed = i;
  const e = run(Math.min(M, N), oneByOne);
  if (e.cpu < each.cpu) each = e;
}
for (let i = 0; i < each.hits.length; i++)
  if (each.hits[i] !== indexed.hits[i])
    throw new Error(`entity ${i}: index scores ${indexed.hits[i]}, one by one ${each.hits[i]}`);

let candidates = 0;
for (let i = 0; i < Math.min(M, N); i++)
  candidates += setOf(entities[i]).candidates(new EventView(ecsEvent(entities[i]))).length;

const rate = (n: number, ms: number): number => Math.round((n / ms) * 1000);
const s = {
  rules: sets[0].stats.rules + sets[1].stats.rules,
  indexed: sets[0].stats.indexed + sets[1].stats.indexed,
  always: sets[0].stats.always + sets[1].stats.always,
  literals: sets[0].stats.literals + sets[1].stats.literals,
  fields: Math.max(sets[0].stats.fields, sets[1].stats.fields),
};
console.log(
  `sigma-score: ${N} process entities × ${s.rules} process_creation rules (${compiled.errors.length} not compiled)`,
);
console.log(
  `  index: ${s.indexed} rules by ${s.literals} literals over ${s.fields} fields, ${s.always} always evaluated; built in ${buildCpu.toFixed(0)} ms CPU (read + compile + index)`,
);
console.log(
  `  scored: ${indexed.hits.filter((h) => h > 0).length} entities with a score > 0; ${(candidates / Math.min(M, N)).toFixed(1)} rules evaluated per entity`,
);
console.log(
  `  index:       ${rate(N, indexed.cpu)} entities/s CPU, ${rate(N, indexed.ms)} wall (${indexed.cpu.toFixed(0)} ms CPU)`,
);
console.log(
  `  one by one:  ${rate(each.hits.length, each.cpu)} entities/s CPU, ${rate(each.hits.length, each.ms)} wall (first ${each.hits.length}, same scores)`,
);
console.log(`  ratio: ${(rate(N, indexed.cpu) / rate(each.hits.length, each.cpu)).toFixed(1)}x CPU`);
