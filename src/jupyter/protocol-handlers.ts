/**
 * Handlers for the requests that need no huntflow runtime: kernel_info, comm and history queries, connect, and the
 * fallback for message types the kernel does not know. Per the messaging spec an unknown `*_request` still gets a
 * `*_reply` (status `error`) so a client never waits forever; anything else is logged and dropped.
 */
import type { ConnectionInfo } from './connection.ts';
import { kernelInfoContent } from './language.ts';
import type { Handler } from './server.ts';

export function protocolHandlers(info: ConnectionInfo, log: (line: string) => void): Record<string, Handler> {
  return {
    kernel_info_request: (ctx) => ctx.reply('kernel_info_reply', kernelInfoContent()),
    comm_info_request: (ctx) => ctx.reply('comm_info_reply', { status: 'ok', comms: {} }),
    history_request: (ctx) => ctx.reply('history_reply', { status: 'ok', history: [] }),
    connect_request: (ctx) =>
      ctx.reply('connect_reply', {
        status: 'ok',
        shell_port: info.shell_port,
        iopub_port: info.iopub_port,
        stdin_port: info.stdin_port,
        hb_port: info.hb_port,
        control_port: info.control_port,
      }),
    // No comm targets exist: the spec asks to close an unknown comm at once so both sides agree it is gone.
    comm_open: async (ctx) => {
      const commId = ctx.message.content.comm_id;
      log(`comm_open for unknown target ${String(ctx.message.content.target_name)}: closing it`);
      await ctx.publish('comm_close', { comm_id: commId, data: {} });
    },
    comm_msg: async (ctx) => log(`comm_msg for unknown comm ${String(ctx.message.content.comm_id)} ignored`),
    comm_close: async () => {},
  };
}

/** Answers an unknown request with an error reply, or logs a non-request message. */
export function unknownHandler(log: (line: string) => void): Handler {
  return async (ctx) => {
    const type = ctx.message.header.msg_type;
    log(`unknown message type ${JSON.stringify(type)} on ${ctx.channel}`);
    if (type.endsWith('_request')) {
      await ctx.reply(type.replace(/_request$/, '_reply'), {
        status: 'error',
        ename: 'UnknownMessageType',
        evalue: `the Peregrine kernel does not handle ${type}`,
        traceback: [],
      });
    }
  };
}
