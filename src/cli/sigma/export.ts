/**
 * `peregrine sigma export FILE.hf [--var NAME]`: promotes a hunt to a detection. Each GET of the huntflow (or the
 * one assigned to NAME) with a WHERE becomes a Sigma rule — its STIX pattern through `src/sigma/from-stix.ts` — and
 * the same rule as a SysFlow policy rule (SFPL). Before printing, the rule is read back through the Sigma engine
 * and compiled, so what is printed is what Peregrine would run.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors/index.ts';
import { parseHuntflow, type Get } from '../../hunt/syntax/index.ts';
import { compileRule, parseRule, stixToSigma, type Level } from '../../sigma/index.ts';
import type { Pattern } from '../../stix/index.ts';
import { sigmaToPolicyText } from '../../telemetry/sysflow/policy/index.ts';

export interface ExportCliOptions {
  readonly var?: string;
  readonly product?: string;
  readonly level?: Level;
  readonly author?: string;
  /** `sigma`, `sysflow` or `both` (default): which rule texts to print. */
  readonly format?: 'sigma' | 'sysflow' | 'both';
  /** Fixed id and date (tests); default a random UUID and today. */
  readonly id?: string;
  readonly date?: string;
  readonly out?: (text: string) => void;
  readonly note?: (text: string) => void;
}

/** The GET's WHERE as a pattern whose spans point into the huntflow text. */
function patternOf(g: Get, text: string): Pattern | undefined {
  const w = g.where;
  if (!w) return undefined;
  if (w.kind === 'StixWhere') return w.pattern;
  const span = w.expr.span;
  return {
    kind: 'Pattern',
    expr: { kind: 'Observation', expr: w.expr, span },
    source: text.slice(span.start, span.end),
    span,
  };
}

/** Exports the GETs of a huntflow file; returns the exported rules' texts. */
export function runExport(file: string, opts: ExportCliOptions = {}): string[] {
  const out = opts.out ?? ((t: string) => process.stdout.write(t));
  const note = opts.note ?? ((t: string) => process.stderr.write(`note: ${t}\n`));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(
      'E_INPUT_READ',
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        hint: 'give a huntflow file (.hf)',
      },
    );
  }
  const flow = parseHuntflow(text, { source: file });
  const gets = flow.statements.filter(
    (s): s is Get => s.kind === 'Get' && (opts.var === undefined || s.output.name === opts.var),
  );
  if (gets.length === 0)
    throw new InputError(
      'E_SIGMA_EXPORT_NONE',
      opts.var ? `${file} has no GET assigned to ${opts.var}` : `${file} has no GET`,
      {
        hint: 'sigma export turns a GET statement with a WHERE into a rule',
      },
    );
  const texts: string[] = [];
  let docs = 0;
  for (const g of gets) {
    const pattern = patternOf(g, text);
    if (!pattern) {
      note(`${g.output.name} = GET ${g.entityType.name} has no WHERE: nothing to export`);
      continue;
    }
    const product = opts.product ?? 'linux';
    const rule = stixToSigma(pattern, g.entityType.name, {
      product,
      title: `Hunt ${g.output.name}: ${g.entityType.name} ${pattern.source}`.slice(0, 256),
      id: opts.id ?? randomUUID(),
      date: opts.date ?? new Date().toISOString().slice(0, 10),
      description: `Exported by peregrine sigma export from ${file}, GET ${g.entityType.name} assigned to ${g.output.name}: ${pattern.source}`,
      ...(opts.author ? { author: opts.author } : {}),
      level: opts.level ?? 'medium',
      origin: { source: file, text },
    });
    for (const n of rule.notes) note(`${g.output.name}: ${n}`);
    if (g.timeRange)
      note(`${g.output.name}: the GET's time range is the hunt's window, not part of the rule: left out`);
    // round trip: the printed rule must read and compile through the engine
    compileRule(parseRule(rule.text, `${file}#${g.output.name}`), { target: 'ecs' });
    const format = opts.format ?? 'both';
    // one YAML stream: documents separated by ---, each headed by a comment naming it
    const doc = (head: string, body: string): void => {
      out(`${docs++ > 0 ? '---\n' : ''}${format === 'both' ? `## ${head}\n` : ''}${body}`);
    };
    if (format !== 'sysflow') doc(`Sigma rule for ${g.output.name}`, rule.text);
    if (format !== 'sigma' && product !== 'linux')
      note(`${g.output.name}: SysFlow policy rules are for Linux telemetry: none for a ${product} rule`);
    else if (format !== 'sigma') {
      const sf = sigmaToPolicyText(`${file}#${g.output.name}`, rule.text);
      for (const p of sf.problems) note(`${g.output.name}: no SysFlow policy rule: ${p.message}`);
      if (sf.text) doc(`SysFlow policy rule for ${g.output.name}`, sf.text);
    }
    texts.push(rule.text);
  }
  return texts;
}
