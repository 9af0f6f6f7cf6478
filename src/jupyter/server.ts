/**
 * The protocol half of the kernel: binds the five ZeroMQ sockets of a connection file, decodes and verifies every
 * incoming message, wraps each request in `status: busy` / `status: idle` on iopub (with the request as parent), and
 * dispatches it through a handler table. Knows nothing of huntflows — the handlers do (`protocol-handlers.ts`,
 * `assist-handlers.ts`, `execute.ts`).
 *
 * Shell requests are handled one at a time, in order; control requests run on their own loop so an
 * `interrupt_request` or `shutdown_request` is served while a cell is still executing.
 */
import { randomUUID } from 'node:crypto';
import * as zmq from 'zeromq';
import { endpoint, type ConnectionInfo } from './connection.ts';
import { newHeader, type JupyterMessage } from './message.ts';
import { Signer, decode, encode } from './wire.ts';

/** The channels a request can arrive on. */
export type RequestChannel = 'shell' | 'control';

/** What a handler gets: the request, and ways to answer it and to publish on iopub with it as parent. */
export interface RequestContext {
  readonly message: JupyterMessage;
  readonly channel: RequestChannel;
  /** Sends `<type>` (normally the request type with `_request` → `_reply`) on the request's channel. */
  reply(msgType: string, content: Record<string, unknown>, metadata?: Record<string, unknown>): Promise<void>;
  /** Publishes on iopub with the request as parent header. */
  publish(msgType: string, content: Record<string, unknown>): Promise<void>;
  /**
   * After a failed cell with `stop_on_error`, before its reply: execute_requests sent before now (a "Run All"
   * queued behind the failed cell; by their header date) are answered `aborted` instead of run, as ipykernel does.
   * A request the client sends after seeing the error is dated later and runs.
   */
  abortQueuedExecutions(): void;
}

export type Handler = (ctx: RequestContext) => Promise<void>;

export interface ServerOptions {
  /** Handlers by msg_type; a request with no handler is answered by `onUnknown`. */
  readonly handlers: Readonly<Record<string, Handler>>;
  /** Called for a message type no handler knows. */
  readonly onUnknown: Handler;
  /** Where protocol problems (bad signatures, malformed frames) are logged. */
  readonly log: (line: string) => void;
}

/** Serialises sends on one socket: zeromq 6 allows a single pending `send` per socket. */
class SendQueue {
  #tail: Promise<void> = Promise.resolve();
  constructor(
    private readonly socket: zmq.Socket & { send(frames: Buffer[]): Promise<void> },
    private readonly log: (line: string) => void,
  ) {}
  send(frames: Buffer[]): Promise<void> {
    const next = this.#tail.then(() => this.socket.send(frames));
    this.#tail = next.catch((e: unknown) => this.log(`send failed: ${(e as Error).message}`));
    return this.#tail;
  }
}

export class KernelServer {
  readonly session = randomUUID();
  readonly #signer: Signer;
  readonly #shell = new zmq.Router();
  readonly #control = new zmq.Router();
  readonly #stdin = new zmq.Router();
  readonly #iopub = new zmq.Publisher();
  readonly #hb = new zmq.Reply();
  readonly #queues: Record<RequestChannel | 'iopub', SendQueue>;
  readonly #options: ServerOptions;
  #closed = false;
  /** Epoch ms of the last failed cell with stop_on_error: execute_requests dated before it are aborted. */
  #abortBefore = -Infinity;
  readonly #loops: Promise<void>[] = [];

  private constructor(
    readonly info: ConnectionInfo,
    options: ServerOptions,
  ) {
    this.#signer = new Signer(info.key);
    this.#options = options;
    for (const s of [this.#shell, this.#control, this.#stdin, this.#iopub, this.#hb]) s.linger = 0;
    this.#queues = {
      shell: new SendQueue(this.#shell, options.log),
      control: new SendQueue(this.#control, options.log),
      iopub: new SendQueue(this.#iopub, options.log),
    };
  }

  /** Binds every socket and starts serving; resolves once bound. */
  static async start(info: ConnectionInfo, options: ServerOptions): Promise<KernelServer> {
    const server = new KernelServer(info, options);
    await Promise.all([
      server.#shell.bind(endpoint(info, 'shell')),
      server.#control.bind(endpoint(info, 'control')),
      server.#stdin.bind(endpoint(info, 'stdin')),
      server.#iopub.bind(endpoint(info, 'iopub')),
      server.#hb.bind(endpoint(info, 'hb')),
    ]);
    server.#loops.push(
      server.#heartbeat(),
      server.#serve(server.#shell, 'shell'),
      server.#serve(server.#control, 'control'),
    );
    server.#loops.push(server.#drainStdin());
    await server.publishStatus('starting', {});
    return server;
  }

  /** Publishes `status` with the given parent (`{}` for none). */
  publishStatus(state: 'starting' | 'busy' | 'idle', parent: JupyterMessage['parent_header']): Promise<void> {
    return this.#send('iopub', [Buffer.from('kernel.status')], 'status', parent, { execution_state: state });
  }

  /** Stops every loop and closes the sockets. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of [this.#shell, this.#control, this.#stdin, this.#iopub, this.#hb]) s.close();
    await Promise.allSettled(this.#loops);
  }

  #send(
    channel: RequestChannel | 'iopub',
    identities: readonly Buffer[],
    msgType: string,
    parent: JupyterMessage['parent_header'],
    content: Record<string, unknown>,
    metadata: Record<string, unknown> = {},
  ): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const message: JupyterMessage = {
      identities,
      header: newHeader(msgType, this.session),
      parent_header: parent,
      metadata,
      content,
      buffers: [],
    };
    return this.#queues[channel].send(encode(message, this.#signer));
  }

  async #heartbeat(): Promise<void> {
    try {
      for await (const frames of this.#hb) await this.#hb.send(frames);
    } catch (e) {
      if (!this.#closed) this.#options.log(`heartbeat stopped: ${(e as Error).message}`);
    }
  }

  /** Nothing is ever requested from stdin (huntflows take no input), but replies must not pile up. */
  async #drainStdin(): Promise<void> {
    try {
      for await (const frames of this.#stdin) {
        const r = decode(frames, this.#signer);
        this.#options.log(
          r.ok ? `ignored ${r.message.header.msg_type} on stdin` : `rejected message on stdin: ${r.reason}`,
        );
      }
    } catch (e) {
      if (!this.#closed) this.#options.log(`stdin loop stopped: ${(e as Error).message}`);
    }
  }

  async #serve(socket: zmq.Router, channel: RequestChannel): Promise<void> {
    try {
      for await (const frames of socket) {
        const r = decode(frames, this.#signer);
        if (!r.ok) {
          this.#options.log(
            `rejected message on ${channel}${r.msgType ? ` (${r.msgType})` : ''}: ${r.reason}`,
          );
          continue;
        }
        if (channel === 'shell' && this.#sentBeforeAbort(r.message)) {
          this.#options.log('aborting an execute_request queued behind a failed cell');
          await this.#dispatch(r.message, channel, (ctx) =>
            ctx.reply('execute_reply', { status: 'aborted', user_expressions: {}, payload: [] }),
          );
        } else {
          await this.#dispatch(r.message, channel);
        }
        if (this.#closed) break;
      }
    } catch (e) {
      if (!this.#closed) this.#options.log(`${channel} loop stopped: ${(e as Error).message}`);
    }
  }

  #sentBeforeAbort(message: JupyterMessage): boolean {
    if (message.header.msg_type !== 'execute_request') return false;
    const sent = Date.parse(String(message.header.date));
    return Number.isFinite(sent) && sent < this.#abortBefore;
  }

  async #dispatch(message: JupyterMessage, channel: RequestChannel, override?: Handler): Promise<void> {
    const parent = message.header;
    const ctx: RequestContext = {
      message,
      channel,
      abortQueuedExecutions: () => {
        if (channel === 'shell') this.#abortBefore = Date.now();
      },
      reply: (msgType, content, metadata) =>
        this.#send(channel, message.identities, msgType, parent, content, metadata),
      publish: (msgType, content) =>
        this.#send('iopub', [Buffer.from(`kernel.${msgType}`)], msgType, parent, content),
    };
    const handler = override ?? this.#options.handlers[message.header.msg_type] ?? this.#options.onUnknown;
    await this.publishStatus('busy', parent);
    try {
      await handler(ctx);
    } catch (e) {
      this.#options.log(`handler for ${message.header.msg_type} failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      await this.publishStatus('idle', parent);
    }
  }
}
