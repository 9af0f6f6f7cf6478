/**
 * The policy stage backed by the SysFlow policy engine (`../policy/`): loads policy files / directories and
 * compiles them. The engine's `process` already returns the processor's {@link PolicyResult} shape (its `RuleInfo`
 * is a {@link RuleMatch}), so the engine is the stage; the assignment below makes `tsc` check that contract.
 */
import { compilePolicies, loadPolicySources } from '../policy/index.ts';
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

export const loadPolicyStage: PolicyLoader & { last?: LoadedPolicies } = async ({ paths, mode }) => {
  const engine = compilePolicies(await loadPolicySources(paths), { mode });
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
