/** `peregrine run FILE.hf` and `peregrine explain FILE.hf`: run a huntflow, print its displays and summary. */
import type { Command } from 'commander';

export interface RunFlags {
  format?: string;
  json?: boolean;
  cache?: string;
  timeWindow?: string;
  outputDir?: string;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a huntflow file: print each DISP and the execution summary')
    .argument('<file>', 'huntflow file (.hf)')
    .option('--format <format>', 'table | json | jsonl | csv', 'table')
    .option('--json', 'same as --format json: one JSON document {"variables":[…],"displays":[…]}')
    .option('--cache <path>', 'DuckDB file for the hunt cache (default: in memory)')
    .option('--time-window <minutes>', 'time window inferred around referenced variables (default 5)')
    .option(
      '--output-dir <dir>',
      "where APPLY's displays (SVG, PNG, HTML, Vega-Lite, Markdown) are written (default: NAME-displays/ beside the huntflow)",
    )
    .action(async (file: string, flags: RunFlags) => {
      const { runFile } = await import('../run/run-file.ts');
      await runFile(file, flags, 'run');
    });
  program
    .command('explain')
    .description('run a huntflow file and print how each variable was computed (pushed queries, cache steps)')
    .argument('<file>', 'huntflow file (.hf)')
    .option('--cache <path>', 'DuckDB file for the hunt cache (default: in memory)')
    .action(async (file: string, flags: RunFlags) => {
      const { runFile } = await import('../run/run-file.ts');
      await runFile(file, flags, 'explain');
    });
}
