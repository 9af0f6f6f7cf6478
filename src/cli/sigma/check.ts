/**
 * `peregrine sigma check PATH…` and `peregrine sigma list PATH…`: batch mode over rule files and folders. `check`
 * reads and compiles every rule (for raw events and for ECS documents) and reports every error, one line each, and
 * a summary of what is unsupported by feature; `list` prints the rules with their level and logsource, and how the
 * rule index reaches them.
 */
import { relative } from 'node:path';
import { escapeControls } from '../../common/index.ts';
import {
  compileAll,
  loadRuleFiles,
  RuleSet,
  selectRules,
  type Level,
  type SigmaError,
} from '../../sigma/index.ts';

export interface SigmaCliOptions {
  readonly format?: 'text' | 'json';
  readonly out?: (line: string) => void;
}

const shown = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
};

function line(e: SigmaError): string {
  const at = e.span ? `${shown(e.span.source)}:${e.span.line}:${e.span.col}` : '?';
  return escapeControls(`${at}: error[${e.code}]: ${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`);
}

/** Checks the rules under `paths`; returns the number of errors (the CLI exits 1 when it is not 0). */
export function runCheck(paths: readonly string[], opts: SigmaCliOptions = {}): number {
  const out = opts.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const loaded = loadRuleFiles(paths);
  const raw = compileAll(loaded, { target: 'raw' });
  const ecs = compileAll(loaded, { target: 'ecs' });
  // a rule that fails for one target fails for the other: report each once
  const seen = new Set(raw.errors.map((e) => `${e.span?.source}:${e.span?.offset}`));
  const errors = [
    ...loaded.errors,
    ...raw.errors,
    ...ecs.errors.filter((e) => !seen.has(`${e.span?.source}:${e.span?.offset}`)),
  ];
  const byFeature = new Map<string, number>();
  for (const e of errors) {
    const k = e.feature ? `unsupported: ${e.feature}` : e.code;
    byFeature.set(k, (byFeature.get(k) ?? 0) + 1);
  }
  const unmapped = new Map<string, number>();
  for (const r of ecs.rules)
    for (const f of r.unmapped)
      unmapped.set(`${r.logsource.key} ${f}`, (unmapped.get(`${r.logsource.key} ${f}`) ?? 0) + 1);
  if (opts.format === 'json') {
    for (const e of errors)
      out(JSON.stringify({ ...e.toJSON(), ...(e.feature ? { feature: e.feature } : {}) }));
    out(
      JSON.stringify({
        files: loaded.files,
        rules: loaded.rules.length,
        compiled: raw.rules.length,
        correlations: loaded.correlations.length,
        errors: errors.length,
      }),
    );
    return errors.length;
  }
  for (const e of errors) out(line(e));
  for (const c of loaded.correlations)
    out(
      escapeControls(
        `${shown(c.source.name)}:${c.rule.span.line}:${c.rule.span.col}: note: correlation rule '${c.rule.title}' (${c.rule.type} of ${c.rule.rules.join(', ')}) is read, not evaluated`,
      ),
    );
  out(
    `${loaded.files} files: ${loaded.rules.length} rules (${raw.rules.length} compile), ${loaded.correlations.length} correlation rules, ${errors.length} error${errors.length === 1 ? '' : 's'}`,
  );
  for (const [k, n] of [...byFeature].sort((a, b) => b[1] - a[1])) out(`  ${n} ${k}`);
  if (unmapped.size) {
    out('fields the ECS mapping does not place (tests on them read an absent field):');
    for (const [k, n] of [...unmapped].sort((a, b) => b[1] - a[1]).slice(0, 20))
      out(`  ${n} ${escapeControls(k)}`);
  }
  return errors.length;
}

export interface ListOptions extends SigmaCliOptions {
  readonly entity?: string;
  readonly level?: Level;
  readonly rules?: readonly string[];
}

/** Lists the rules under `paths` that the selection keeps. */
export function runList(paths: readonly string[], opts: ListOptions = {}): void {
  const out = opts.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const loaded = loadRuleFiles(paths);
  const compiled = compileAll(loaded, { target: 'ecs' });
  const rules = selectRules(compiled.rules, {
    ...(opts.entity ? { entity: opts.entity } : {}),
    ...(opts.level ? { minLevel: opts.level } : {}),
    ...(opts.rules?.length ? { names: opts.rules } : {}),
  });
  if (opts.format === 'json') {
    for (const r of rules)
      out(
        JSON.stringify({
          id: r.rule.id,
          title: r.rule.title,
          level: r.rule.level,
          logsource: r.logsource.key,
          entity: r.logsource.entity,
          file: r.source ? shown(r.source.name) : undefined,
        }),
      );
    return;
  }
  for (const r of rules)
    out(
      escapeControls(
        `${r.rule.id ?? '-'}  ${(r.rule.level ?? 'medium').padEnd(13)} ${r.logsource.key.padEnd(28)} ${r.rule.title}`,
      ),
    );
  const s = new RuleSet(rules).stats;
  out(
    `${rules.length} rules; index: ${s.indexed} reached through ${s.literals} literals over ${s.fields} fields, ${s.always} evaluated on every record${s.never ? `, ${s.never} can never match` : ''}`,
  );
}
