/**
 * `peregrine kernel install [--user|--prefix P|--sys-prefix]` writes the Jupyter kernelspec;
 * `peregrine kernel start -f FILE` is what Jupyter runs (the kernelspec's argv).
 */
import { Option, type Command } from 'commander';
import type { InstallTarget } from '../../jupyter/install.ts';

export function register(program: Command): void {
  const kernel = program
    .command('kernel')
    .description('the Jupyter kernel for huntbooks (Kestrel huntflows in notebooks)');

  kernel
    .command('install')
    .description(
      'install the kernelspec "peregrine" so Jupyter lists "Peregrine (Kestrel huntflows)" (default: --user)',
    )
    .addOption(
      new Option('--user', 'into the per-user Jupyter data directory').conflicts(['prefix', 'sysPrefix']),
    )
    .addOption(
      new Option('--prefix <path>', 'into PATH/share/jupyter/kernels (e.g. a virtualenv)').conflicts([
        'sysPrefix',
      ]),
    )
    .addOption(new Option('--sys-prefix', "into the active Python environment's sys.prefix"))
    .action(async (opts: { user?: boolean; prefix?: string; sysPrefix?: boolean }) => {
      const { installKernelSpec } = await import('../../jupyter/install.ts');
      const target: InstallTarget = opts.prefix
        ? { kind: 'prefix', prefix: opts.prefix }
        : opts.sysPrefix
          ? { kind: 'sys-prefix' }
          : { kind: 'user' };
      const dirs = await installKernelSpec(target);
      process.stdout.write(
        `installed kernelspec peregrine in ${dirs.kernel}\n` +
          `installed the JupyterLab/Notebook 7 extension (huntflow highlighting) in ${dirs.labextension}\n`,
      );
    });

  kernel
    .command('start')
    .description('run the kernel (Jupyter starts it with the connection file it wrote)')
    .requiredOption('-f, --connection-file <file>', 'the connection file')
    .action(async (opts: { connectionFile: string }, cmd: Command) => {
      const { runKernel } = await import('../../jupyter/index.ts');
      await runKernel(opts.connectionFile, { debug: cmd.optsWithGlobals().debug === true });
      // zeromq's context keeps the event loop alive a moment after the sockets close; the kernel is done.
      process.exit(0);
    });
}
