/**
 * The Peregrine kernel process: reads the connection file, binds the sockets, and serves until a
 * `shutdown_request` (or SIGTERM). One {@link CellRunner} — and so one hunt session — lives for the whole process,
 * so variables persist across cells; a restart is a new process, as Jupyter does it.
 */
import { readConnectionFile } from './connection.ts';
import { CellRunner } from './execute.ts';
import { inspectHandler, completeHandler, isCompleteHandler } from './assist-handlers.ts';
import { protocolHandlers, unknownHandler } from './protocol-handlers.ts';
import { KernelServer, type Handler } from './server.ts';

function log(line: string): void {
  process.stderr.write(`[peregrine-kernel] ${line}\n`);
}

/** Runs the kernel for a connection file; resolves after shutdown once every socket is closed. */
export async function runKernel(connectionFile: string, options: { debug?: boolean } = {}): Promise<void> {
  const info = await readConnectionFile(connectionFile);
  const runner = new CellRunner(log, options);
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));

  const shutdown: Handler = async (ctx) => {
    const restart = ctx.message.content.restart === true;
    const content = { status: 'ok', restart };
    await ctx.reply('shutdown_reply', content);
    await ctx.publish('shutdown_reply', content);
    runner.interrupt();
    stop();
  };

  const handlers: Record<string, Handler> = {
    ...protocolHandlers(info, log),
    execute_request: (ctx) => runner.execute(ctx),
    complete_request: completeHandler(runner),
    inspect_request: inspectHandler(runner),
    is_complete_request: isCompleteHandler(),
    interrupt_request: async (ctx) => {
      runner.interrupt();
      await ctx.reply('interrupt_reply', { status: 'ok' });
    },
    shutdown_request: shutdown,
  };
  const server = await KernelServer.start(info, { handlers, onUnknown: unknownHandler(log), log });
  // Open the hunt session while the user types the first cell; a failure surfaces in that cell.
  runner.session().catch(() => {});

  const onSigint = (): void => {
    log('SIGINT: interrupting the running cell');
    runner.interrupt();
  };
  const onSigterm = (): void => stop();
  // A stray rejection (a connector's background socket, say) must not kill the kernel and its session.
  const onRejection = (e: unknown): void => log(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('unhandledRejection', onRejection);
  try {
    await stopped;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.off('unhandledRejection', onRejection);
    await server.close();
    await runner.close();
    log('shut down');
  }
}
