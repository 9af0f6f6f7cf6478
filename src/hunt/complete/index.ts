/**
 * Public face of `src/hunt/complete/`: huntflow completion for the Jupyter kernel and the REPL.
 */
export { complete, type Completion } from './engine.ts';
export {
  attributesOfType,
  defaultAnalytics,
  defaultProfiles,
  profileNamesFromEnv,
  type CompletionSources,
  type CompletionVariable,
} from './sources.ts';
export { describeWord, wordAt, COMMAND_SYNOPSIS, type VariableDetail } from './describe.ts';
