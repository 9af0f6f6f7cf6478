/**
 * `peregrine sysflow …` — the SysFlow command group. Each subcommand is a registrar `(group: Command) => void`
 * listed in {@link sysflowSubcommands}; to add one (e.g. `lint` from the policy engine), export a registrar from
 * your own file and add it to the list below with one import. Implementations are imported inside the actions.
 */
import type { Command } from 'commander';
import { lint } from './sysflow-lint.ts';

export type SysflowSubcommand = (group: Command) => void;

function parseCount(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${v}`);
  return n;
}

const read: SysflowSubcommand = (group) => {
  group
    .command('read')
    .description('print the records of .sf files (or directories of them, or - for stdin), events with their resolved process, file and container')
    .argument('<input...>', '.sf files, directories, or -')
    .option('-f, --format <format>', 'table or jsonl', 'table')
    .option('-n, --limit <n>', 'stop after n records', parseCount)
    .action(async (inputs: string[], opts: { format: string; limit?: number }) => {
      const { runRead } = await import('../../telemetry/sysflow/format/read-command.ts');
      await runRead(inputs, opts);
    });
};

export const sysflowSubcommands: SysflowSubcommand[] = [read, lint];

export function register(program: Command): void {
  const group = program.command('sysflow').description('SysFlow telemetry: read .sf traces, run the policy pipeline, export to ECS');
  for (const sub of sysflowSubcommands) sub(group);
}
