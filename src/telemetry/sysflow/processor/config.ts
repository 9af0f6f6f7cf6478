/**
 * sf-processor's pipeline configuration, read as sf-processor reads it, into a typed {@link PipelineConfig}.
 *
 * The file is `{"pipeline": [stage, …]}`; every stage is a flat map of string keys:
 * - `processor`: `sysflowreader` (alias `sfreader`) | `policyengine` | `exporter`;
 * - `in`: the channel the stage consumes, `"<id> <type>"` (e.g. `"flat flattenerchan"`), or an array of them (fan-in);
 * - `out`: the channel(s) it produces — an array tees every record into each channel (e.g. one policy engine per
 *   branch, or several exporters);
 * - the other keys configure the stage (`policies`, `mode`, `export`, `format`, `file.path`, `es.addresses`, …);
 *   a policyengine stage's `compat` (Peregrine's own key) names another engine's reading of the policies:
 *   `sf-processor` evaluates them as sf-processor 0.7.0 does (`peregrine`, the default, as Peregrine does).
 * Environment overrides follow sf-processor: `<PROCESSOR>_<KEY>` with `_` in the key read as `.`
 * (`EXPORTER_ES_ADDRESSES=…` sets `es.addresses` of every `exporter` stage; `POLICYENGINE_MODE=alert`).
 * Values are kept as text; each stage validates its own keys.
 */
import { InputError, spanAt } from '../../../errors/index.ts';
import { POLICY_COMPATS, type PolicyCompat } from '../policy/index.ts';
import type { PolicyMode } from './types.ts';

export type StageKind = 'reader' | 'policy' | 'exporter';

interface StageBase {
  readonly kind: StageKind;
  /** 0-based position in the `pipeline` array. */
  readonly index: number;
  /** Channel ids consumed (empty for the reader, which consumes the input). */
  readonly in: readonly string[];
  /** Channel ids produced. */
  readonly out: readonly string[];
  /** Every key of the stage after environment overrides (values as text). */
  readonly options: Readonly<Record<string, string>>;
}
export interface ReaderStage extends StageBase {
  readonly kind: 'reader';
}
export interface PolicyStageConfig extends StageBase {
  readonly kind: 'policy';
  /** Policy files or directories (`policies`, comma-separated). */
  readonly policies: readonly string[];
  readonly mode: PolicyMode;
  /** Another engine's reading of the policies (`compat`); absent for Peregrine's own. */
  readonly compat?: PolicyCompat;
}
export interface ExporterStage extends StageBase {
  readonly kind: 'exporter';
  /** `export`: terminal | file | es (elastic, opensearch) | local | null. */
  readonly export: ExportTarget;
  /** `format`: json (one JSON object per line) | ecs. */
  readonly format: ExportFormat;
}
export type StageConfig = ReaderStage | PolicyStageConfig | ExporterStage;

export type ExportTarget = 'terminal' | 'file' | 'elastic' | 'local' | 'null';
export type ExportFormat = 'json' | 'ecs';

export interface PipelineConfig {
  readonly stages: readonly StageConfig[];
  /** Where the configuration came from (a path, or `<flags>`). */
  readonly source: string;
}

const READERS = new Set(['sysflowreader', 'sfreader']);
const EXPORT_ALIASES: Readonly<Record<string, ExportTarget>> = {
  terminal: 'terminal',
  file: 'file',
  es: 'elastic',
  elastic: 'elastic',
  elasticsearch: 'elastic',
  opensearch: 'elastic',
  local: 'local',
  store: 'local',
  null: 'null',
};
const FORMAT_ALIASES: Readonly<Record<string, ExportFormat>> = { json: 'json', jsonl: 'json', ecs: 'ecs' };

/** The reading a `compat` value names: undefined for Peregrine's own, a {@link PolicyCompat}, or null when unknown. */
export function parseCompat(value: string | undefined): PolicyCompat | undefined | null {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'peregrine') return undefined;
  return (POLICY_COMPATS as readonly string[]).includes(v) ? (v as PolicyCompat) : null;
}

export const COMPAT_HINT = `compat is ${POLICY_COMPATS.join(' or ')} (another engine's reading of the policies), or peregrine (the default)`;

/** Channel id of `"<id> <type>"` (or a bare id). */
function channelId(spec: string): string {
  return spec.trim().split(/\s+/)[0] ?? '';
}

function asList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/** Environment overrides for a processor name, as sf-processor derives them. */
export function envOverrides(
  processor: string,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    const lower = k.toLowerCase();
    const us = lower.indexOf('_');
    if (us <= 0 || lower.slice(0, us) !== processor) continue;
    out[lower.slice(us + 1).replaceAll('_', '.')] = v;
  }
  return out;
}

/** Offset of the `n`-th `"processor"` key in the text, for error spans (0 when not found). */
function stageOffset(text: string, n: number): number {
  const re = /"processor"\s*:/g;
  let m: RegExpExecArray | null;
  let i = 0;
  while ((m = re.exec(text))) {
    if (i++ === n) return m.index;
  }
  return 0;
}

/** Parses and validates a pipeline configuration text. */
export function parsePipelineConfig(
  text: string,
  source: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): PipelineConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const m = /position (\d+)/.exec((cause as Error).message);
    throw new InputError(
      'E_PIPELINE_JSON',
      `the pipeline configuration is not valid JSON: ${(cause as Error).message}`,
      {
        span: spanAt(source, text, m ? Number(m[1]) : 0),
        cause,
      },
    );
  }
  const pipeline = (json as { pipeline?: unknown })?.pipeline;
  if (!Array.isArray(pipeline) || pipeline.length === 0) {
    throw new InputError(
      'E_PIPELINE_SHAPE',
      'the pipeline configuration needs a non-empty "pipeline" array of stages',
      {
        span: spanAt(source, text, 0),
        hint: 'e.g. {"pipeline": [{"processor": "sysflowreader", "in": "sysflow sysflowchan", "out": "flat flattenerchan"}, …]}',
      },
    );
  }
  const stages: StageConfig[] = [];
  pipeline.forEach((raw: unknown, index: number) => {
    const fail = (msg: string, hint?: string): never => {
      throw new InputError('E_PIPELINE_STAGE', `stage ${index + 1}: ${msg}`, {
        span: spanAt(source, text, stageOffset(text, index)),
        hint,
      });
    };
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail('a stage must be a JSON object');
    const obj = raw as Record<string, unknown>;
    const processor =
      typeof obj.processor === 'string' ? obj.processor.toLowerCase() : fail('missing "processor"');
    const options: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'in' || k === 'out' || k.startsWith('_')) continue;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') options[k] = String(v);
      else fail(`"${k}" must be a string`);
    }
    Object.assign(options, envOverrides(processor, env));
    const inList =
      obj.in === undefined
        ? []
        : (asList(obj.in) ?? fail('"in" must be a channel string or an array of them'));
    const outList =
      obj.out === undefined
        ? []
        : (asList(obj.out) ?? fail('"out" must be a channel string or an array of them'));
    const base = { index, in: inList.map(channelId), out: outList.map(channelId), options };
    if (READERS.has(processor)) {
      stages.push({ ...base, kind: 'reader' });
    } else if (processor === 'policyengine') {
      const mode = (options.mode ?? 'enrich').toLowerCase();
      if (mode !== 'alert' && mode !== 'enrich')
        fail(`unknown mode "${options.mode}"`, 'mode is alert or enrich');
      const policies = (options.policies ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (policies.length === 0) fail('a policyengine stage needs "policies" (a policy file or directory)');
      if (inList.length === 0) fail('a policyengine stage needs "in"');
      const compat = parseCompat(options.compat);
      if (compat === null) fail(`unknown compat "${options.compat}"`, COMPAT_HINT);
      stages.push({
        ...base,
        kind: 'policy',
        mode: mode as PolicyMode,
        policies,
        ...(compat ? { compat } : {}),
      });
    } else if (processor === 'exporter') {
      const exp = EXPORT_ALIASES[(options.export ?? 'terminal').toLowerCase()];
      if (!exp)
        fail(
          `unknown export "${options.export}"`,
          `export is one of ${Object.keys(EXPORT_ALIASES).join(', ')}`,
        );
      const fmt = FORMAT_ALIASES[(options.format ?? 'json').toLowerCase()];
      if (!fmt) fail(`unknown format "${options.format}"`, 'format is json (jsonl) or ecs');
      if (inList.length === 0) fail('an exporter stage needs "in"');
      stages.push({ ...base, kind: 'exporter', export: exp!, format: fmt! });
    } else {
      fail(
        `unknown processor "${obj.processor as string}"`,
        'processors: sysflowreader (sfreader), policyengine, exporter',
      );
    }
  });
  return validateGraph({ stages, source }, text);
}

/** Checks the channel graph: one reader first, every consumed channel produced, every produced channel consumed. */
export function validateGraph(config: PipelineConfig, text = ''): PipelineConfig {
  const at = (i: number) => (text ? spanAt(config.source, text, stageOffset(text, i)) : undefined);
  const readers = config.stages.filter((s) => s.kind === 'reader');
  if (readers.length !== 1) {
    throw new InputError(
      'E_PIPELINE_GRAPH',
      `a pipeline needs exactly one sysflowreader stage (found ${readers.length})`,
      {
        span: at(readers[1]?.index ?? 0),
      },
    );
  }
  const producers = new Map<string, number>();
  for (const s of config.stages) {
    for (const c of s.out) {
      if (producers.has(c)) {
        throw new InputError(
          'E_PIPELINE_GRAPH',
          `stage ${s.index + 1}: channel "${c}" is already produced by stage ${producers.get(c)! + 1}`,
          {
            span: at(s.index),
            hint: 'to send records to several stages, list several channels in "out" (a tee)',
          },
        );
      }
      producers.set(c, s.index);
    }
  }
  const consumed = new Set<string>();
  for (const s of config.stages) {
    if (s.kind === 'reader') continue;
    for (const c of s.in) {
      if (!producers.has(c)) {
        throw new InputError('E_PIPELINE_GRAPH', `stage ${s.index + 1}: no stage produces channel "${c}"`, {
          span: at(s.index),
        });
      }
      if (consumed.has(c)) {
        throw new InputError(
          'E_PIPELINE_GRAPH',
          `stage ${s.index + 1}: channel "${c}" already has a consumer`,
          {
            span: at(s.index),
            hint: 'a channel feeds one stage; tee with an "out" array on the producer',
          },
        );
      }
      consumed.add(c);
    }
  }
  for (const [c, i] of producers) {
    if (!consumed.has(c)) {
      throw new InputError('E_PIPELINE_GRAPH', `stage ${i + 1}: nothing consumes channel "${c}"`, {
        span: at(i),
      });
    }
  }
  if (!config.stages.some((s) => s.kind === 'exporter')) {
    throw new InputError('E_PIPELINE_GRAPH', 'the pipeline has no exporter stage', { span: at(0) });
  }
  return config;
}

/** The short flags of `sysflow process`, before they become a pipeline. */
export interface ProcessFlags {
  policy?: readonly string[];
  mode?: PolicyMode;
  /** The policy stage's `compat`. */
  compat?: PolicyCompat;
  export?: readonly string[];
  format?: string;
  /** Extra exporter options (`file.path`, `es.addresses`, `es.index`, …), applied to every exporter. */
  exporterOptions?: Readonly<Record<string, string>>;
}

/**
 * The pipeline the short flags describe: reader → (policy engine) → one exporter per `--export`, teed.
 * Environment overrides apply as for a configuration file.
 */
export function pipelineFromFlags(
  flags: ProcessFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
): PipelineConfig {
  const exports = flags.export && flags.export.length > 0 ? flags.export : ['terminal'];
  const stages: Record<string, unknown>[] = [];
  const hasPolicy = !!flags.policy && flags.policy.length > 0;
  const exportChannels = exports.map((_, i) => `evt${i} eventchan`);
  stages.push({
    processor: 'sysflowreader',
    handler: 'flattener',
    in: 'sysflow sysflowchan',
    out: hasPolicy ? 'flat flattenerchan' : exportChannels,
  });
  if (hasPolicy) {
    stages.push({
      processor: 'policyengine',
      in: 'flat flattenerchan',
      out: exportChannels,
      policies: flags.policy!.join(','),
      mode: flags.mode ?? 'enrich',
      ...(flags.compat ? { compat: flags.compat } : {}),
    });
  }
  exports.forEach((e, i) => {
    stages.push({
      processor: 'exporter',
      in: exportChannels[i],
      export: e,
      format: flags.format ?? 'json',
      ...flags.exporterOptions,
    });
  });
  const text = JSON.stringify({ pipeline: stages }, null, 1);
  return parsePipelineConfig(text, '<flags>', env);
}
