/**
 * `peregrine sysflow lint POLICY…` — static checks of SysFlow/Falco policy files (unknown attributes with
 * suggestions, lists compared with `=`, undefined macros and lists, conditions that can never be true), printed as
 * `file:line:col: severity[CODE]: message`. Exits 1 when there are errors. Registered in `sysflow.ts`'s group.
 */
import type { Command } from 'commander';
import type { SysflowSubcommand } from './sysflow.ts';

export const lint: SysflowSubcommand = (group: Command) => {
  group
    .command('lint')
    .description(
      'check SysFlow/Falco policy files: unknown attributes, lists compared with =, undefined macros, never-true conditions',
    )
    .argument(
      '<policy...>',
      'policy files or directories of *.yaml (linted together: lists and macros are shared)',
    )
    .option('-f, --format <format>', 'text or json (one finding per line)', 'text')
    .option('-e, --errors-only', 'print errors only')
    .action(async (paths: string[], opts: { format: string; errorsOnly?: boolean }) => {
      const { runLint } = await import('../../telemetry/sysflow/policy/lint-command.ts');
      const format = opts.format === 'json' ? 'json' : 'text';
      const errors = await runLint(paths, { format, errorsOnly: opts.errorsOnly });
      if (errors > 0) process.exitCode = 1;
    });
};
