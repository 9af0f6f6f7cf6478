/** `peregrine demo` (`npm run demo`): runs `demo/hello.hf` over the small bundle shipped in `data/demo/`. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'run the demo huntflow (demo/hello.hf) over the bundle shipped in data/demo/ and print its tables',
    )
    .option('--format <format>', 'table | json | jsonl | csv', 'table')
    .action(async (flags: { format?: string }) => {
      const { runDemo } = await import('../run/demo.ts');
      await runDemo(flags);
    });
}
