/**
 * The SysFlow processor: sf-processor pipeline configurations (reader → policy engine → exporters, `out` tees,
 * environment overrides), the push-based runner, and the contracts between stages.
 */
export * from './types.ts';
export { parsePipelineConfig, pipelineFromFlags, validateGraph, envOverrides } from './config.ts';
export type {
  PipelineConfig,
  StageConfig,
  ExporterStage,
  PolicyStageConfig,
  ReaderStage,
  ExportTarget,
  ExportFormat,
  ProcessFlags,
} from './config.ts';
export {
  Pipeline,
  type PipelineDeps,
  type PipelineStats,
  type PolicyLoader,
  type ExporterFactory,
} from './pipeline.ts';
export { loadPolicyStage } from './policy-stage.ts';
