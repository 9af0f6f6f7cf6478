/** `peregrine analytics`: lists the analytics APPLY can run (house rule 9: registries the CLI can list). */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('analytics')
    .description('list the analytics registered for APPLY')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const { listAnalytics } = await import('../../hunt/commands/index.ts');
      const list = listAnalytics().map((a) => ({
        name: a.name,
        uri: `analytics://${a.name}`,
        description: a.description,
      }));
      if (flags.json) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      else if (list.length === 0) process.stdout.write('no analytics are registered in this build\n');
      else for (const a of list) process.stdout.write(`${a.uri}  ${a.description}\n`);
    });
}
