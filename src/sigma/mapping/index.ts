/** Sigma field mappings as data: per product, Sigma taxonomy ↔ ECS ↔ STIX ↔ SysFlow (see schema.ts). */
export type { FieldTarget, LogsourceSpec, EventCondition, SigmaMappingData } from './schema.ts';
export { SigmaMappingSchema } from './schema.ts';
export { BUILTIN_MAPPINGS, builtinMapping, parseSigmaMapping } from './load.ts';
export {
  resolveLogsource,
  fieldTarget,
  ecsFields,
  toEcs,
  toRaw,
  logsourceCondition,
  type ResolvedLogsource,
} from './resolve.ts';
