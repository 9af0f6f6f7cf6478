/**
 * APPLY's analytics: the contract (`contract.ts`), the registry of built-ins and interfaces (`registry.ts`), the
 * runner that merges attribute updates into the hunt cache (`run.ts`), and the displays analytics return
 * (`display.ts`). Interfaces: `python/` (Kestrel's python://), `folder/` (docker:// and exec://), `module.ts`
 * (file:// TypeScript/JavaScript); built-ins in `builtins/`.
 */
export type {
  Analytic,
  AnalyticContext,
  AnalyticDisplay,
  AnalyticResult,
  AnalyticVariable,
  ArgSpec,
  AttributeUpdate,
} from './contract.ts';
export { GRAPHIC_FILES, isGraphic, type GraphicDisplay, type GraphicKind } from './display.ts';
export { INTERFACES, listAnalytics, registerAnalytic, resolveAnalytic } from './registry.ts';
export { runAnalytic, type AppliedAnalytic } from './run.ts';
export { loadPythonProfiles } from './python/index.ts';
export type { ModuleAnalytic, ModuleInput, ModuleResult, ModuleVariable } from './module.ts';
export { MODULE_FILE } from './module.ts';
