/**
 * Batch mode: rule files and folders read and compiled with every error collected instead of stopping — what
 * `peregrine sigma check|list`, the scorer and the bench start from. A path is a rule file (`.yml`, `.yaml`, or
 * either gzipped), or a folder searched recursively for them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors/index.ts';
import type { CorrelationRule, Level, Rule } from './ast.ts';
import { SigmaError, type RuleSource } from './errors.ts';
import { readRules } from './reader.ts';
import { compileRule, type CompiledRule, type CompileRuleOptions } from './rule.ts';
import { atLeast, levelOf } from './score.ts';

export interface LoadedRules {
  readonly files: number;
  readonly rules: readonly { readonly rule: Rule; readonly source: RuleSource }[];
  readonly correlations: readonly { readonly rule: CorrelationRule; readonly source: RuleSource }[];
  readonly errors: readonly SigmaError[];
}

const RULE_FILE = /\.ya?ml(\.gz)?$/i;

function ruleFiles(path: string, out: string[]): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputError('E_SIGMA_PATH', `no such rule file or folder: ${path}`, {
      hint: 'give Sigma rule files (.yml) or folders of them',
    });
  }
  if (!st.isDirectory()) {
    out.push(path);
    return;
  }
  for (const name of readdirSync(path).sort()) {
    const p = join(path, name);
    if (statSync(p).isDirectory()) ruleFiles(p, out);
    else if (RULE_FILE.test(name)) out.push(p);
  }
}

/** The text of a rule file (gunzipped when it ends in `.gz`). */
export function readRuleFile(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Reads every rule file under `paths`; a file's broken documents become errors, the rest is kept. */
export function loadRuleFiles(paths: readonly string[]): LoadedRules {
  const files: string[] = [];
  for (const p of paths) ruleFiles(p, files);
  const rules: { rule: Rule; source: RuleSource }[] = [];
  const correlations: { rule: CorrelationRule; source: RuleSource }[] = [];
  const errors: SigmaError[] = [];
  for (const f of files) {
    const r = readRules(readRuleFile(f), f);
    errors.push(...r.errors);
    for (const d of r.documents) {
      if (d.kind === 'rule') rules.push({ rule: d, source: r.source });
      else correlations.push({ rule: d, source: r.source });
    }
  }
  return { files: files.length, rules, correlations, errors };
}

/** Compiles every loaded rule; a rule whose detection cannot be compiled becomes an error. */
export function compileAll(
  loaded: Pick<LoadedRules, 'rules'>,
  options: CompileRuleOptions = {},
): { readonly rules: readonly CompiledRule[]; readonly errors: readonly SigmaError[] } {
  const rules: CompiledRule[] = [];
  const errors: SigmaError[] = [];
  for (const { rule, source } of loaded.rules) {
    try {
      rules.push(compileRule(rule, options, source));
    } catch (e) {
      if (!(e instanceof SigmaError)) throw e;
      errors.push(e);
    }
  }
  return { rules, errors };
}

export interface RuleSelection {
  /** Only rules whose logsource describes this STIX entity type (`process`). */
  readonly entity?: string;
  /** Only rules of at least this level. */
  readonly minLevel?: Level;
  /** Only these rules, each named by id, title (case-insensitive) or the end of its file path. */
  readonly names?: readonly string[];
}

/** The rules a selection keeps, in their order. */
export function selectRules(rules: readonly CompiledRule[], sel: RuleSelection): CompiledRule[] {
  const names = sel.names?.map((n) => n.toLowerCase());
  return rules.filter((r) => {
    if (sel.entity !== undefined && r.logsource.entity !== sel.entity) return false;
    if (sel.minLevel !== undefined && !atLeast(levelOf(r), sel.minLevel)) return false;
    if (names) {
      const file = r.source?.name.toLowerCase() ?? '';
      const id = r.rule.id?.toLowerCase();
      const title = r.rule.title.toLowerCase();
      if (!names.some((n) => n === id || n === title || (file !== '' && file.endsWith(n)))) return false;
    }
    return true;
  });
}
