/** `peregrine stack up [--demo]` / `peregrine stack down` — the one-command mini-stack. */
import type { Command } from 'commander';

export function register(program: Command): void {
  const stack = program
    .command('stack')
    .description('the mini-stack: attack workload → eBPF capture → SysFlow → TTP policies → store → hunt');
  stack
    .command('up')
    .description(
      'start the container1 attack workload, capture and tag it, store it and run the seed huntflows',
    )
    .option('--demo', 'the demo scenario (the default and, for now, only one)')
    .option('-d, --driver <driver>', 'auto | ebpf | strace | replay (the recorded capture)', 'auto')
    .option('--store <path>', 'embedded store file (default: the stack’s own under the user data directory)')
    .option('--elastic [url]', 'store into OpenSearch/Elasticsearch instead (default http://127.0.0.1:9200)')
    .option('--save-capture <file.sf>', 'also write the capture as a .sf file')
    .option('--no-hunt', 'stop after storing')
    .option(
      '-v, --verbose',
      'name the file that keeps the capture driver’s own messages (bpftrace’s warnings)',
    )
    .action(async (flags: Record<string, unknown>) => {
      const { runStackUp } = await import('../../lab/command.ts');
      await runStackUp(flags);
    });
  stack
    .command('down')
    .description('remove what `stack up` left: its store and state')
    .action(async () => {
      const { runStackDown } = await import('../../lab/command.ts');
      runStackDown();
    });
}
