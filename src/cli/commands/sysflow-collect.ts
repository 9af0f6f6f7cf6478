/** `peregrine sysflow collect` — live capture of a process tree (eBPF or strace) into SysFlow records. */
import type { Command } from 'commander';
import { collectList as list } from '../options.ts';

function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a whole number: ${v}`);
  return n;
}

export function collect(group: Command): void {
  group
    .command('collect')
    .description(
      'watch a process tree (--pid P, or a command after --) and lift its system calls into SysFlow records',
    )
    .argument('[command...]', 'command to launch and watch (after --)')
    .option('-d, --driver <driver>', 'ebpf | strace | auto', 'auto')
    .option(
      '--from-scap <file.scap>',
      'replay a sysdig capture (through `sysdig -r FILE -j`) instead of watching live',
    )
    .option('-o, --output <file.sf>', 'write a .sf file')
    .option('--rotate-mb <n>', 'start a new .sf file every n MiB (approximate)', int)
    .option('--format <format>', 'jsonl: print records as JSON lines on standard output')
    .option('-p, --pid <pid>', 'watch this running process and its descendants (ebpf)', int)
    .option('--container <name>', 'label the watched tree as this container')
    .option('--flow-timeout <ms>', 'write idle flows after this many ms (default 5000)', int)
    .option('--duration <s>', 'stop after s seconds', int)
    .option('--policy <path>', 'process in the same process: policy file or directory (repeatable)', list)
    .option('--mode <mode>', 'policy mode: alert or enrich')
    .option(
      '-e, --export <target>',
      'process in the same process: terminal | file | elastic | local (repeatable)',
      list,
    )
    .option('--index <prefix>', 'exporter index prefix, e.g. container1-sysflow')
    .option('--store <path>', 'local exporter: embedded store file')
    .action(async (command: string[], opts: Record<string, unknown>) => {
      const { runCollect } = await import('../../telemetry/collector/command.ts');
      await runCollect(command, opts);
    });
}
