/** `peregrine repl`: an interactive huntflow prompt with history, multi-line input and tab completion. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('repl')
    .description(
      'interactive huntflow prompt (history, multi-line statements, Tab completion, Ctrl-C cancels, Ctrl-D exits)',
    )
    .option('--output-dir <dir>', "where APPLY's displays are written (default: a folder in the temp folder)")
    .action(async (opts: { outputDir?: string }, cmd: Command) => {
      const { runRepl } = await import('../../repl/index.ts');
      await runRepl({
        ...(opts.outputDir ? { outputDir: opts.outputDir } : {}),
        input: process.stdin,
        output: process.stdout,
        errorOutput: process.stderr,
        debug: cmd.optsWithGlobals().debug === true,
      });
      process.exit(0);
    });
}
