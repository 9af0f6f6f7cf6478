/**
 * `sigma`: ranks entities by the Sigma rules their records match (issue 14 item 3). Each entity of a variable is
 * read as its entity table row (the first value of each attribute, and those of the objects it references: a
 * process's parent, binary, user), written as the ECS document the STIX ↔ ECS field map gives, and scored by the
 * one Sigma engine (`src/sigma`: `Scorer` — rules indexed by field and literal, only the rules of the entity's
 * logsource and product). It sets
 * - `x_sigma_score`: Σ over the distinct matched rules of the rule level's weight (`LEVEL_WEIGHT`); 0 when none;
 * - `x_sigma_rules`: the matched rules' titles, highest level first; `x_sigma_rule_ids`: their ids;
 * - `x_sigma_level`: the highest level matched; `x_attack_techniques`: ATT&CK ids from the rules' tags.
 * `SORT procs BY x_sigma_score DESC` is the ranking; a Markdown display lists the top entities and why they scored.
 *
 * Rules: `WITH rules=PATH` (files or folders, `.yml`/`.yaml`, gzipped too), else the 1,311 SigmaHQ process_creation
 * rules shipped in `data/sigma/` (DRL 1.1); `level=` keeps rules of at least that level; `top=` sizes the display.
 */
import { fileURLToPath } from 'node:url';
import { escapeMarkup } from '../../../common/index.ts';
import { AnalyticsError } from '../../../errors/index.ts';
import { stixEcsMap } from '../../../mapping/index.ts';
import { compileStixToEcs } from '../../../mapping/stix-to-ecs.ts';
import {
  compileAll,
  LEVELS,
  loadRuleFiles,
  Scorer,
  selectRules,
  type CompiledRule,
  type EntityScore,
  type Level,
} from '../../../sigma/index.ts';
import type { Observation, StixObject } from '../../../stix/observation.ts';
import { entityRows, REFERENCE_COLUMNS } from '../../../store/cache/index.ts';
import type { Analytic, AnalyticContext, AnalyticDisplay, ArgSpec, AttributeUpdate } from '../../contract.ts';
import { argChoice, argNumber, argPaths, checkArgNames } from '../args.ts';

/** The rules shipped with Peregrine (SigmaHQ process_creation, DRL 1.1; data/sigma/README.md). */
export const DEFAULT_RULES = fileURLToPath(new URL('../../../../data/sigma', import.meta.url));

const ARGS: readonly ArgSpec[] = [
  {
    name: 'rules',
    type: 'list',
    description: 'Sigma rule files or folders (.yml, .yaml, gzipped too)',
    default: 'the SigmaHQ process_creation rules in data/sigma (DRL 1.1)',
  },
  {
    name: 'level',
    type: 'string',
    description: 'only rules of at least this level',
    choices: LEVELS,
    default: 'informational',
  },
  { name: 'top', type: 'number', description: 'entities listed in the summary', default: 10 },
];

const COLUMNS = [
  'x_sigma_score',
  'x_sigma_level',
  'x_sigma_rules',
  'x_sigma_rule_ids',
  'x_attack_techniques',
];

/** References read beside an entity's own attributes, and the STIX type of the object each names. */
const REF_TYPES: Readonly<Record<string, string>> = {
  parent_ref: 'process',
  binary_ref: 'file',
  image_ref: 'file',
  parent_directory_ref: 'directory',
  creator_user_ref: 'user-account',
  process_ref: 'process',
  src_ref: 'ipv4-addr',
  dst_ref: 'ipv4-addr',
};
const EXTRA_REFS: Readonly<Record<string, readonly string[]>> = {
  process: [
    'parent_ref.command_line',
    'parent_ref.binary_ref.name',
    'parent_ref.binary_ref.parent_directory_ref.path',
    'binary_ref.parent_directory_ref.path',
    'binary_ref.hashes',
    'creator_user_ref.account_login',
  ],
};

/** One STIX observation from an entity row: dotted reference paths become referenced objects. */
export function observationOf(
  type: string,
  columns: readonly string[],
  row: readonly unknown[],
): Observation {
  const objects: Record<string, StixObject> = { '0': { type } };
  const byPath = new Map<string, string>([['', '0']]);
  columns.forEach((c, i) => {
    const v = row[i];
    if (v === null || v === undefined || c === 'id' || c === 'type') return;
    if (c === 'first_observed' || c === 'last_observed') return;
    const parts = c.split('.');
    let key = '0';
    let path = '';
    for (const p of parts.slice(0, -1)) {
      const next = `${path}.${p}`;
      let k = byPath.get(next);
      if (k === undefined) {
        if (!p.endsWith('_ref')) return;
        k = String(byPath.size);
        byPath.set(next, k);
        objects[k] = { type: REF_TYPES[p] ?? 'x-unknown' };
        (objects[key] as Record<string, unknown>)[p] = k;
      }
      key = k;
      path = next;
    }
    const last = parts[parts.length - 1]!;
    const o = objects[key] as Record<string, unknown>;
    if (
      (last === 'value' || path !== '') &&
      typeof v === 'string' &&
      o.type === 'ipv4-addr' &&
      v.includes(':')
    )
      o.type = 'ipv6-addr';
    o[last] = v;
  });
  const first = row[columns.indexOf('first_observed')];
  return {
    id: 'observed-data--entity',
    ...(typeof first === 'string' ? { first_observed: first } : {}),
    objects,
  } as Observation;
}

/** `dir` and `name` joined in the style of the directory's path (`C:\\x` → `\\`, `/x` → `/`). */
function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') || /^[A-Za-z]:/.test(dir) ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/**
 * The executable paths of the process and its parent (`process.executable`, `process.parent.executable`, what most
 * process_creation rules test as `Image`/`ParentImage`) from their binaries' directory and name: the field map
 * does not write them back from STIX, the path being split over two objects.
 */
export function addExecutables(obs: Observation, doc: Record<string, unknown>): void {
  const objects = obs.objects ?? {};
  const exe = (procKey: string | undefined): string | undefined => {
    const p = procKey === undefined ? undefined : objects[procKey];
    const bin = typeof p?.binary_ref === 'string' ? objects[p.binary_ref] : undefined;
    const dir = typeof bin?.parent_directory_ref === 'string' ? objects[bin.parent_directory_ref] : undefined;
    return typeof bin?.name === 'string' && typeof dir?.path === 'string'
      ? joinPath(dir.path, bin.name)
      : undefined;
  };
  const root = objects['0'];
  if (root?.type !== 'process') return;
  const proc = (doc.process ??= {}) as Record<string, unknown>;
  const own = exe('0');
  if (own !== undefined && proc.executable === undefined) proc.executable = own;
  const parent = exe(typeof root.parent_ref === 'string' ? root.parent_ref : undefined);
  if (parent !== undefined) {
    const pp = (proc.parent ??= {}) as Record<string, unknown>;
    if (pp.executable === undefined) pp.executable = parent;
  }
}

interface Loaded {
  readonly scorer: Scorer;
  readonly rules: number;
  readonly errors: number;
}
const loadedRules = new Map<string, Loaded>();

function rulesOf(ctx: AnalyticContext): Loaded {
  const paths = argPaths(ctx, 'sigma', 'rules') ?? [DEFAULT_RULES];
  const level = argChoice(ctx, 'sigma', 'level', LEVELS) as Level | undefined;
  const key = `${paths.join('\0')}\0${level ?? ''}`;
  let l = loadedRules.get(key);
  if (!l) {
    const files = loadRuleFiles(paths);
    const compiled = compileAll(files, { target: 'ecs' });
    const rules: CompiledRule[] = selectRules(compiled.rules, level ? { minLevel: level } : {});
    if (files.files === 0 || (rules.length === 0 && compiled.rules.length === 0))
      throw new AnalyticsError(
        'E_ANALYTICS_ARG',
        `sigma: no Sigma rule could be read from ${paths.join(', ')}`,
        {
          hint:
            files.errors.length > 0
              ? `first problem: ${files.errors[0]!.message}; \`peregrine sigma check PATH\` lists them all`
              : 'WITH rules=PATH names Sigma rule files (.yml) or folders of them',
        },
      );
    l = {
      scorer: new Scorer(rules),
      rules: rules.length,
      errors: files.errors.length + compiled.errors.length,
    };
    loadedRules.set(key, l);
  }
  return l;
}

function markdownText(s: string): string {
  return escapeMarkup(s).replace(/([\\`*_[\]|#])/g, '\\$1');
}

export const sigma: Analytic = {
  name: 'sigma',
  description:
    'ranks entities by the Sigma rules they match: x_sigma_score (Σ rule level weights), x_sigma_level, x_sigma_rules, x_sigma_rule_ids, x_attack_techniques; SORT BY x_sigma_score DESC ranks',
  args: ARGS,
  async run(ctx) {
    checkArgNames(ctx, 'sigma', ARGS);
    const top = argNumber(ctx, 'sigma', 'top', { min: 0 }) ?? 10;
    const { scorer, rules, errors } = rulesOf(ctx);
    const toEcs = compileStixToEcs(stixEcsMap());
    const updates: AttributeUpdate[] = [];
    // Entities alike in what they show and why they scored (a process and the copies of it that its children's
    // records reference) are one line of the summary, with their count.
    const ranked = new Map<string, { label: string; s: EntityScore; n: number }>();
    let scored = 0;
    for (const v of ctx.inputs) {
      const attributes = [
        ...ctx.cache.attributes(v.type),
        ...(REFERENCE_COLUMNS[v.type] ?? []),
        ...(EXTRA_REFS[v.type] ?? []),
      ].filter((a) => !a.startsWith('x_sigma_') && a !== 'x_attack_techniques');
      const t = await entityRows(ctx.cache, { vid: v.vid, type: v.type, attributes }, ctx.signal);
      const rows: unknown[][] = [];
      const nameAt = ['command_line', 'name', 'value', 'path']
        .map((c) => t.columns.indexOf(c))
        .find((i) => i >= 0);
      for (const r of t.rows) {
        const obs = observationOf(v.type, t.columns, r);
        const doc = toEcs(obs).doc;
        addExecutables(obs, doc);
        const s = scorer.score(v.type, [doc]);
        scored++;
        const level = s.rules[0]?.level ?? null;
        rows.push([
          r[0],
          s.score,
          level,
          s.rules.length ? s.rules.map((h) => h.title) : null,
          s.rules.length ? s.rules.map((h) => h.id ?? '') : null,
          s.techniques.length ? [...s.techniques] : null,
        ]);
        if (s.score > 0) {
          const label = nameAt === undefined ? String(r[0]) : String(r[nameAt] ?? r[0]);
          const k = `${v.type}\0${label}\0${s.score}\0${s.rules.map((h) => h.id ?? h.title).join('\0')}`;
          const seen = ranked.get(k);
          if (seen) seen.n++;
          else ranked.set(k, { label, s, n: 1 });
        }
      }
      updates.push({ type: v.type, columns: COLUMNS, rows });
    }
    const sorted = [...ranked.values()].sort(
      (a, b) => b.s.score - a.s.score || a.label.localeCompare(b.label),
    );
    const shown = sorted.slice(0, top);
    const matched = sorted.reduce((n, e) => n + e.n, 0);
    const head = `${matched} of ${scored} entities matched ${rules} Sigma rules${errors ? ` (${errors} rules could not be read or compiled)` : ''}`;
    const lines = [`### Sigma ranking`, '', head, ''];
    if (shown.length) {
      lines.push('| # | entity | score | level | rules matched | ATT&CK |', '|---:|---|---:|---|---|---|');
      shown.forEach((e, i) => {
        const rulesText = e.s.rules.map((h) => `${h.title} (${h.level})`);
        const label = markdownText(e.label.length > 120 ? `${e.label.slice(0, 117)}…` : e.label);
        lines.push(
          `| ${i + 1} | ${label}${e.n > 1 ? ` (${e.n} entities)` : ''} | ${e.s.score} | ${e.s.rules[0]!.level} | ${rulesText.map(markdownText).join('<br>')} | ${e.s.techniques.join(', ')} |`,
        );
      });
    }
    const displays: AnalyticDisplay[] = [
      { kind: 'markdown', title: 'sigma ranking', markdown: lines.join('\n') + '\n' },
    ];
    return { updates, displays };
  },
};
