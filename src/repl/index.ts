/** Public face of `src/repl/`: the interactive huntflow prompt. */
export { runRepl, type ReplOptions } from './repl.ts';
export { historyPath } from './history.ts';
