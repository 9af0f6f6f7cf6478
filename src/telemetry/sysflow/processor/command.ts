/**
 * `peregrine sysflow process` — runs a pipeline (from `--config`, or built from the short flags) over the inputs
 * and prints a summary to standard error (the terminal exporter owns standard output).
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../../errors/index.ts';
import { expandInputs, type SysFlowInput } from '../format/inputs.ts';
import { createExporter } from '../export/registry.ts';
import {
  COMPAT_HINT,
  parseCompat,
  parsePipelineConfig,
  pipelineFromFlags,
  type PipelineConfig,
} from './config.ts';
import { Pipeline, type PipelineStats } from './pipeline.ts';
import { loadPolicyStage } from './policy-stage.ts';
import type { PolicyMode } from './types.ts';

export interface ProcessCommandOptions {
  config?: string;
  policy?: string[];
  mode?: string;
  /** Another engine's reading of the policies (`sf-processor`); applies to every policy stage. */
  compat?: string;
  export?: string[];
  format?: string;
  output?: string;
  esUrl?: string;
  index?: string;
  spool?: string;
  store?: string;
  quiet?: boolean;
  /** Where warnings about the policies go (each once); default: a line each on stderr. */
  onWarning?: (line: string) => void;
}

/** The pipeline configuration the options describe. */
export async function configFromOptions(
  opts: ProcessCommandOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PipelineConfig> {
  const compat = parseCompat(opts.compat);
  if (compat === null) {
    throw new InputError('E_INPUT_FLAG', `unknown --compat ${opts.compat}`, {
      hint: COMPAT_HINT.replace(/^compat/, '--compat'),
    });
  }
  if (opts.config) {
    if (opts.policy?.length || opts.mode || opts.export?.length || opts.format) {
      throw new InputError(
        'E_INPUT_FLAG',
        '--config cannot be combined with --policy, --mode, --export or --format',
        {
          hint: 'put those settings in the pipeline file, or override them with environment variables (EXPORTER_FORMAT=ecs, …)',
        },
      );
    }
    let text: string;
    try {
      text = await readFile(opts.config, 'utf8');
    } catch (cause) {
      throw new InputError('E_INPUT_MISSING', `cannot read pipeline configuration ${opts.config}`, { cause });
    }
    const config = parsePipelineConfig(text, opts.config, env);
    if (opts.compat === undefined) return config;
    // --compat overrides the key of every policy stage.
    return {
      ...config,
      stages: config.stages.map((s) => {
        if (s.kind !== 'policy') return s;
        const { compat: _old, ...rest } = s;
        return compat ? { ...rest, compat } : rest;
      }),
    };
  }
  if (opts.mode && opts.mode !== 'alert' && opts.mode !== 'enrich') {
    throw new InputError('E_INPUT_FLAG', `unknown --mode ${opts.mode}`, { hint: 'alert or enrich' });
  }
  const exporterOptions: Record<string, string> = {};
  if (opts.output) exporterOptions['file.path'] = opts.output;
  if (opts.esUrl) exporterOptions['es.addresses'] = opts.esUrl;
  if (opts.index) {
    exporterOptions['es.index'] = opts.index;
    exporterOptions['local.index'] = opts.index;
  }
  if (opts.spool) exporterOptions['es.spool'] = opts.spool;
  if (opts.store) exporterOptions['local.path'] = opts.store;
  return pipelineFromFlags(
    {
      policy: opts.policy,
      mode: opts.mode as PolicyMode | undefined,
      compat,
      export: opts.export,
      format: opts.format,
      exporterOptions,
    },
    env,
  );
}

/** Builds and runs the pipeline over the inputs (paths, or ready inputs such as a live record stream). */
export async function runProcess(
  inputs: readonly string[] | readonly SysFlowInput[],
  opts: ProcessCommandOptions,
): Promise<PipelineStats> {
  const config = await configFromOptions(opts);
  if (inputs.length === 0)
    throw new InputError('E_INPUT_MISSING', 'no input given', {
      hint: 'peregrine sysflow process [flags] FILE.sf|DIR|-',
    });
  const resolved =
    typeof inputs[0] === 'string' ? await expandInputs(inputs as string[]) : (inputs as SysFlowInput[]);
  // Warnings about the reading go out once each, before the first record, sanitised (rule and attribute names
  // come from the policy files).
  const warned = new Set<string>();
  const warn = (line: string): void => {
    if (warned.has(line)) return;
    warned.add(line);
    if (opts.onWarning) opts.onWarning(line);
    else process.stderr.write(line + '\n');
  };
  const pipeline = await Pipeline.build(config, {
    loadPolicy: (o) => loadPolicyStage({ ...o, warn }),
    createExporter,
  });
  try {
    await pipeline.run(resolved);
  } catch (e) {
    await pipeline.close().catch(() => undefined);
    throw e;
  }
  const stats = await pipeline.close();
  if (!opts.quiet) process.stderr.write(summary(stats) + '\n');
  for (const e of stats.exporters) {
    if (Number(e.detail?.remaining ?? 0) > 0) {
      process.stderr.write(
        `warning: ${e.exporter}: ${e.detail?.remaining} records wait in the spool ${e.detail?.spool}; the next run with the same spool sends them\n`,
      );
    }
  }
  return stats;
}

export function summary(s: PipelineStats): string {
  const lines = [
    `sysflow process: ${s.records} records, ${s.events} events read` +
      (s.dropped ? `, ${s.dropped} dropped by filters` : '') +
      (s.filtered ? `, ${s.filtered} matched no rule (alert mode)` : ''),
  ];
  const p = loadPolicyStage.last;
  if (p)
    lines.push(
      `  policies: ${p.files} files, ${p.active} of ${p.rules} rules active, ${p.unmappable} unmappable`,
    );
  for (const e of s.exporters) {
    const d = e.detail
      ? ' ' +
        Object.entries(e.detail)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')
      : '';
    lines.push(`  ${e.exporter}: ${e.written} written, ${e.alerts} alerts${d}`);
  }
  return lines.join('\n');
}
