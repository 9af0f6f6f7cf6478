/**
 * The policy stage backed by the SysFlow policy engine (`../policy/`): loads policy files / directories and
 * compiles them. The engine's `process` already returns the processor's {@link PolicyResult} shape (its `RuleInfo`
 * is a {@link RuleMatch}), so the engine is the stage; the assignment below makes `tsc` check that contract.
 */
import { readFileSync } from 'node:fs';
import { escapeControls } from '../../../common/escape-controls.ts';
import { TelemetryError } from '../../../errors/index.ts';
import { compilePolicies, formatReadingNote, loadPolicySources } from '../policy/index.ts';
import type { PolicyLoader } from './pipeline.ts';
import type { PolicyStage } from './types.ts';

/** Summary of what was loaded, for the command's report. */
export interface LoadedPolicies {
  readonly files: number;
  readonly rules: number;
  readonly active: number;
  readonly unmappable: number;
  readonly notes: number;
}

/** A {@link PolicyLoader} that can also report on the reading. */
export type PolicyStageLoader = (
  opts: Parameters<PolicyLoader>[0] & { readonly warn?: (line: string) => void },
) => Promise<PolicyStage>;

/**
 * The loader. `warn` receives one line per rule or filter whose outcome depends on the reading (Peregrine's or
 * sf-processor's: an attribute only one of them knows, or an unknown one sf-processor reads as its own name).
 */
export const loadPolicyStage: PolicyStageLoader & { last?: LoadedPolicies } = async ({
  paths,
  mode,
  compat,
  warn,
}) => {
  const engine = compilePolicies(await loadPolicySources(paths, { compat }), { mode, compat });
  // A rule the engine could not load must stop the run: silently dropping it would hide alerts.
  const bad = engine.problems.find((p) => p.severity === 'error');
  if (bad) {
    let text: string | undefined;
    try {
      text = readFileSync(bad.source, 'utf8');
    } catch {
      text = undefined;
    }
    throw new TelemetryError(
      bad.code,
      `${bad.message} (${engine.problems.filter((p) => p.severity === 'error').length} error(s) in the policies)`,
      {
        span: {
          source: bad.source,
          line: bad.span.line,
          col: bad.span.col,
          offset: bad.span.offset,
          length: bad.span.length,
          ...(text !== undefined ? { text } : {}),
        },
        hint: `fix the policy, or check it with: peregrine sysflow lint ${bad.source}`,
      },
    );
  }
  if (warn) for (const n of engine.readingNotes) warn(formatReadingNote(n, compat === 'sf-processor'));
  // What `sysflow lint` calls an error but still loads (an unknown attribute, an undefined macro, a regex RE2
  // rejects: the term is false) is said once per place, so a rule that can never fire does not run unnoticed.
  if (warn)
    for (const n of engine.notes)
      if (n.severity === 'error')
        warn(
          escapeControls(
            `${n.source}:${n.span.line}:${n.span.col}: warning[${n.code}]: ${n.message}` +
              ` (sysflow lint reports this as an error)${n.hint ? `\n    hint: ${n.hint}` : ''}`,
          ),
        );
  loadPolicyStage.last = {
    files: engine.counts.files,
    rules: engine.counts.rules,
    active: engine.counts.active,
    unmappable: engine.counts.unmappable,
    notes: engine.notes.length,
  };
  const stage: PolicyStage = engine;
  return stage;
};
