/**
 * Executing cells: the kernel's one hunt session (created on first use, so kernel_info answers before DuckDB loads),
 * the execution counter, the cell's AbortController, and the translation of a session's results into Jupyter
 * messages — `display_data` (HTML + the same text `peregrine run` prints), a progress line for long queries (one display
 * updated in place and cleared at the end), the execution summary, and `error` with the rendered, cell-relative error
 * as traceback.
 */
import { randomUUID } from 'node:crypto';
import { CancelledError, isPeregrineError } from '../errors/index.ts';
import type { Display, ExecuteResult, HuntSession, VariableSummary } from '../hunt/session/index.ts';
import { warningText } from '../render/error.ts';
import { ProgressReporter } from '../render/index.ts';
import { displayBundle, errorTraceback, summaryBundle } from './outputs.ts';
import type { RequestContext } from './server.ts';

export class CellRunner {
  #session: Promise<HuntSession> | undefined;
  #count = 0;
  #abort: AbortController | undefined;
  #inflight: Promise<ExecuteResult> | undefined;
  readonly #log: (line: string) => void;

  readonly #debug: boolean;

  /** `debug` adds stack traces to error tracebacks (`peregrine --debug kernel start`). */
  constructor(log: (line: string) => void, options: { debug?: boolean } = {}) {
    this.#log = log;
    this.#debug = options.debug ?? false;
  }

  /** The kernel's hunt session, created on first call. */
  session(): Promise<HuntSession> {
    this.#session ??= import('../hunt/session/index.ts').then((m) => m.HuntSession.create());
    return this.#session;
  }

  /** The session's variables, or none before the first cell ran. */
  async variables(): Promise<VariableSummary[]> {
    return this.#session ? (await this.#session).variables() : [];
  }

  /** Attribute names present in the hunt cache for an entity type (none before the first cell ran). */
  async attributesOf(type: string): Promise<string[]> {
    return this.#session ? (await this.#session).attributes(type) : [];
  }

  /** Aborts the cell in flight, if any. The session stays usable. */
  interrupt(): void {
    this.#abort?.abort(
      new CancelledError('interrupted', {
        hint: 'the cell was interrupted; the variables it had not yet assigned keep their old values',
      }),
    );
  }

  /** Cancels the cell in flight, waits for it to settle, then closes the session (never under a running query). */
  async close(): Promise<void> {
    this.interrupt();
    await this.#inflight?.catch(() => {});
    if (this.#session) await (await this.#session.catch(() => undefined))?.close();
  }

  async execute(ctx: RequestContext): Promise<void> {
    const content = ctx.message.content;
    const code = typeof content.code === 'string' ? content.code : '';
    const silent = content.silent === true;
    if (!silent && content.store_history !== false) this.#count++;
    const count = this.#count;
    if (!silent) await ctx.publish('execute_input', { code, execution_count: count });
    const publish = silent ? async () => {} : ctx.publish;
    const replyOk = () =>
      ctx.reply('execute_reply', { status: 'ok', execution_count: count, user_expressions: {}, payload: [] });

    if (code.trim() === '') {
      await replyOk();
      return;
    }

    const abort = new AbortController();
    this.#abort = abort;
    const shown = new Set<Display>();
    const pending: Promise<void>[] = [];
    const show = (d: Display): void => {
      if (shown.has(d)) return;
      shown.add(d);
      pending.push(publish('display_data', displayBundle(d)));
    };
    // Progress is one line updated in place (a display with a transient id), cleared when the cell ends; on stderr
    // it would pile up as red lines under the cell.
    const progressId = `peregrine-progress-${randomUUID()}`;
    let progressShown = false;
    const progressLine = (text: string) => ({
      data: { 'text/plain': text },
      metadata: {},
      transient: { display_id: progressId },
    });
    const progress = new ProgressReporter((line) => {
      pending.push(publish(progressShown ? 'update_display_data' : 'display_data', progressLine(line)));
      progressShown = true;
    });

    let result: ExecuteResult | undefined;
    let failure: unknown;
    try {
      const session = await this.session();
      this.#inflight = session.execute(code, {
        sourceName: `cell ${count}`,
        signal: abort.signal,
        onProgress: progress.update,
        onDisplay: show,
      });
      result = await this.#inflight;
    } catch (e) {
      failure = abort.signal.aborted && !isPeregrineError(e) ? abort.signal.reason : e;
    } finally {
      progress.stop();
      if (progressShown) pending.push(publish('update_display_data', progressLine('')));
      if (this.#abort === abort) this.#abort = undefined;
      this.#inflight = undefined;
    }
    await Promise.all(pending);

    if (result) {
      for (const d of result.displays) show(d);
      await Promise.all(pending);
      if (result.warnings.length > 0) {
        await publish('stream', {
          name: 'stderr',
          text: result.warnings.map(warningText).join('\n') + '\n',
        });
      }
      if (result.summary.length > 0) await publish('display_data', summaryBundle(result.summary));
      await replyOk();
      return;
    }

    if (!isPeregrineError(failure))
      this.#log(`internal error in cell ${count}: ${(failure as Error)?.stack ?? String(failure)}`);
    const error = {
      ename: isPeregrineError(failure) ? failure.name : 'InternalError',
      evalue: failure instanceof Error ? failure.message : String(failure),
      traceback: errorTraceback(failure, this.#debug),
    };
    if (content.stop_on_error !== false) ctx.abortQueuedExecutions();
    await publish('error', error);
    await ctx.reply('execute_reply', { status: 'error', execution_count: count, ...error });
  }
}
