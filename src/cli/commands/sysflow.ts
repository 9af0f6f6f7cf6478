/**
 * `peregrine sysflow …` — the SysFlow command group. Each subcommand is a registrar `(group: Command) => void`
 * listed in {@link sysflowSubcommands}; to add one (e.g. `lint` from the policy engine), export a registrar from
 * your own file and add it to the list below with one import. Implementations are imported inside the actions.
 */
import type { Command } from 'commander';
import { collectList as collect } from '../options.ts';
import { lint } from './sysflow-lint.ts';
import { collect as collectCmd } from './sysflow-collect.ts';

export type SysflowSubcommand = (group: Command) => void;

function parseCount(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${v}`);
  return n;
}

const read: SysflowSubcommand = (group) => {
  group
    .command('read')
    .description(
      'print the records of .sf files (or directories of them, or - for stdin), events with their resolved process, file and container',
    )
    .argument('<input...>', '.sf files, directories, or -')
    .option('-f, --format <format>', 'table or jsonl', 'table')
    .option('-n, --limit <n>', 'stop after n records', parseCount)
    .action(async (inputs: string[], opts: { format: string; limit?: number }) => {
      const { runRead } = await import('../../telemetry/sysflow/format/read-command.ts');
      await runRead(inputs, opts);
    });
};

const processCmd: SysflowSubcommand = (group) => {
  group
    .command('process')
    .description(
      'run the SysFlow pipeline over .sf inputs: reader → policy engine → exporters. Either an sf-processor pipeline ' +
        'file (--config; environment overrides <PROCESSOR>_<KEY>, e.g. EXPORTER_FORMAT=ecs) or the short flags.',
    )
    .argument('<input...>', '.sf files, directories, or - for stdin')
    .option('-c, --config <pipeline.json>', 'sf-processor pipeline configuration')
    .option('-p, --policy <path>', 'policy file or directory (repeatable)', collect)
    .option(
      '-m, --mode <mode>',
      'policy mode: alert (only matching records) or enrich (all records, matches tagged); default enrich',
    )
    .option(
      '--compat <engine>',
      "evaluate the policies as another engine does: sf-processor (sf-processor 0.7.0's reading — an unknown " +
        'attribute compares as its own name, text comparisons split at commas, …; see docs/conformance.md). ' +
        'Overrides the "compat" key of every policyengine stage; default peregrine',
    )
    .option(
      '-e, --export <target>',
      'terminal | file | elastic | local | null (repeatable: tees into each)',
      collect,
    )
    .option('-f, --format <format>', 'json (SysFlow view) or ecs; default json')
    .option('-o, --output <path>', 'file exporter: output path (default export.out)')
    .option(
      '--es-url <urls>',
      'elastic exporter: node URL(s), comma-separated (default $PEREGRINE_OPENSEARCH_URL or http://127.0.0.1:9200)',
    )
    .option(
      '--index <prefix>',
      'elastic/local exporter: index prefix, e.g. container1-sysflow → container1-sysflow-alerts / -events',
    )
    .option('--spool <path>', 'elastic exporter: spool file for records the server could not take yet')
    .option('--store <path>', 'local exporter: embedded store file')
    .option('-q, --quiet', 'no summary on standard error')
    .action(async (inputs: string[], opts: Record<string, unknown>) => {
      const { runProcess } = await import('../../telemetry/sysflow/processor/command.ts');
      await runProcess(inputs, opts);
    });
};

const exporters: SysflowSubcommand = (group) => {
  group
    .command('exporters')
    .description('list the exporters `sysflow process --export` and pipeline files can use')
    .action(async () => {
      const { EXPORTERS } = await import('../../telemetry/sysflow/export/registry.ts');
      for (const [name, e] of Object.entries(EXPORTERS))
        process.stdout.write(`${name.padEnd(10)} ${e.doc}\n`);
    });
};

export const sysflowSubcommands: SysflowSubcommand[] = [read, processCmd, exporters, lint, collectCmd];

export function register(program: Command): void {
  const group = program
    .command('sysflow')
    .description('SysFlow telemetry: read .sf traces, run the policy pipeline, export to ECS');
  for (const sub of sysflowSubcommands) sub(group);
}
