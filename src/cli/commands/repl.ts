/** `peregrine repl`: an interactive huntflow prompt with history, multi-line input and tab completion. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('repl')
    .description(
      'interactive huntflow prompt (history, multi-line statements, Tab completion, Ctrl-C cancels, Ctrl-D exits)',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const { runRepl } = await import('../../repl/index.ts');
      await runRepl({
        input: process.stdin,
        output: process.stdout,
        errorOutput: process.stderr,
        debug: cmd.optsWithGlobals().debug === true,
      });
      process.exit(0);
    });
}
