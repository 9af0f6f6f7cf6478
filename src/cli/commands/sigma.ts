/**
 * `peregrine sigma …` — Sigma rules: `check` (batch: every rule read and compiled, errors and unsupported features
 * reported), `list` (rules with level and logsource, and how the index reaches them), `export` (a huntflow's GET as
 * a Sigma rule and a SysFlow policy rule). Implementations in `src/cli/sigma/`, imported inside the actions.
 */
import type { Command } from 'commander';
import { collectList } from '../options.ts';
import { LEVELS, type Level } from '../../sigma/ast.ts';

function level(v: string): Level {
  const l = v.toLowerCase();
  if (!(LEVELS as readonly string[]).includes(l))
    throw new Error(`not a Sigma level: ${v} (${LEVELS.join(', ')})`);
  return l as Level;
}

export function register(program: Command): void {
  const group = program
    .command('sigma')
    .description('Sigma rules: check a rule folder, list rules, export a hunt as a rule');
  group
    .command('check')
    .description(
      'read and compile every Sigma rule under the paths; report each error and what is unsupported, by feature',
    )
    .argument('<path...>', 'rule files (.yml, .yml.gz) or folders of them')
    .option('-f, --format <format>', 'text or json (one error per line, then a summary)', 'text')
    .action(async (paths: string[], opts: { format: string }) => {
      const { runCheck } = await import('../sigma/check.ts');
      if (runCheck(paths, { format: opts.format === 'json' ? 'json' : 'text' }) > 0) process.exitCode = 1;
    });
  group
    .command('list')
    .description(
      'list the Sigma rules under the paths (id, level, logsource, title) and how the rule index reaches them',
    )
    .argument('<path...>', 'rule files (.yml, .yml.gz) or folders of them')
    .option(
      '-e, --entity <type>',
      'only rules about this STIX entity type (process, network-traffic, file, …)',
    )
    .option('-l, --level <level>', 'only rules of at least this level', level)
    .option(
      '-r, --rule <name>',
      'only these rules: id, title or end of the file path (repeatable)',
      collectList,
    )
    .option('-f, --format <format>', 'text or json', 'text')
    .action(
      async (paths: string[], opts: { entity?: string; level?: Level; rule?: string[]; format: string }) => {
        const { runList } = await import('../sigma/check.ts');
        runList(paths, {
          ...(opts.entity ? { entity: opts.entity } : {}),
          ...(opts.level ? { level: opts.level } : {}),
          ...(opts.rule ? { rules: opts.rule } : {}),
          format: opts.format === 'json' ? 'json' : 'text',
        });
      },
    );
  group
    .command('export')
    .description("turn a huntflow's GET (its STIX pattern) into a Sigma rule and a SysFlow policy rule")
    .argument('<file>', 'huntflow file (.hf)')
    .option('-v, --var <name>', 'only the GET assigned to this variable (default: every GET with a WHERE)')
    .option(
      '-p, --product <product>',
      'Sigma product of the rule: linux (SysFlow, default) or windows',
      'linux',
    )
    .option('-l, --level <level>', 'level of the rule (default medium)', level)
    .option('-a, --author <name>', 'author of the rule')
    .option('-f, --format <format>', 'sigma, sysflow or both', 'both')
    .action(
      async (
        file: string,
        opts: { var?: string; product: string; level?: Level; author?: string; format: string },
      ) => {
        const { runExport } = await import('../sigma/export.ts');
        runExport(file, {
          ...(opts.var ? { var: opts.var } : {}),
          product: opts.product,
          ...(opts.level ? { level: opts.level } : {}),
          ...(opts.author ? { author: opts.author } : {}),
          format: opts.format === 'sigma' || opts.format === 'sysflow' ? opts.format : 'both',
        });
      },
    );
}
