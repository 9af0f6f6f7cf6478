/** `peregrine sysflow lint POLICY…`: reads the files (directories: their *.yaml), lints them together, prints. */
import { relative } from 'node:path';
import { loadPolicySources } from './engine.ts';
import { formatFinding, lintPolicies, type LintFinding } from './lint.ts';
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
  const texts = new Map<string, string>();
  const files = sources.map((s) => {
    const rel = relative(process.cwd(), s.path);
    const name = rel.startsWith('..') ? s.path : rel;
    texts.set(name, s.text);
    return readPolicyFile(name, s.text);
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
    for (const f of shown) out(withSourceLine(f, texts.get(f.source)));
    const rules = files.reduce((n, f) => n + f.decls.filter((d) => d.kind === 'rule').length, 0);
    out(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'} (${rules} rules)`);
  }
  return errors;
}

/** A finding as the error renderer shows errors: the head line, the offending line with a caret, the hint. */
function withSourceLine(f: LintFinding, text: string | undefined): string {
  const lineText = text?.split('\n')[f.span.line - 1]?.replace(/\r$/, '');
  if (lineText === undefined) return formatFinding(f);
  const [head, ...rest] = formatFinding(f).split('\n');
  const gutter = String(f.span.line);
  const width = Math.max(1, Math.min(f.span.length, lineText.length - f.span.col + 1));
  return [
    head!,
    `${' '.repeat(gutter.length)} |`,
    `${gutter} | ${lineText.replace(/\t/g, ' ')}`,
    `${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, f.span.col - 1))}${'^'.repeat(width)}`,
    ...rest.map((l) => l.trimStart()),
  ].join('\n');
}
