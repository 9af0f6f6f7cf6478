/** `peregrine sysflow lint POLICY…`: reads the files (directories: their *.yaml), lints them together, prints. */
import { relative } from 'node:path';
import { loadPolicySources } from './engine.ts';
import { formatFinding, lintPolicies } from './lint.ts';
import { readPolicyFile } from './reader.ts';

export interface LintOptions {
  readonly format?: 'text' | 'json';
  /** Print errors only (warnings still counted). */
  readonly errorsOnly?: boolean;
  readonly out?: (line: string) => void;
}

/** Lints and prints; returns the number of errors (the CLI exits 1 when it is not 0). */
export async function runLint(paths: readonly string[], opts: LintOptions = {}): Promise<number> {
  const out = opts.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const sources = await loadPolicySources(paths);
  const files = sources.map((s) => {
    const rel = relative(process.cwd(), s.path);
    return readPolicyFile(rel.startsWith('..') ? s.path : rel, s.text);
  });
  const findings = lintPolicies(files);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const shown = opts.errorsOnly ? findings.filter((f) => f.severity === 'error') : findings;
  if (opts.format === 'json') {
    for (const f of shown) {
      out(JSON.stringify({ file: f.source, line: f.span.line, col: f.span.col, severity: f.severity, code: f.code, message: f.message, ...(f.hint ? { hint: f.hint } : {}) }));
    }
  } else {
    for (const f of shown) out(formatFinding(f));
    const rules = files.reduce((n, f) => n + f.decls.filter((d) => d.kind === 'rule').length, 0);
    out(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'} (${rules} rules)`);
  }
  return errors;
}
