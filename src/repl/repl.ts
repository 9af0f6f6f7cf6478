/**
 * `peregrine repl`: an interactive huntflow prompt over one hunt session. Lines are collected until the parser says
 * the statement is complete (`isComplete`), then executed; DISP output, the execution summary and errors use the
 * same text renderers as `peregrine run` and the kernel. Tab completes with the kernel's engine; Ctrl-C cancels the
 * running statement (or the half-typed one); Ctrl-D exits. History persists across sessions (see history.ts).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { CancelledError, isPeregrineError } from '../errors/index.ts';
import { complete } from '../hunt/complete/index.ts';
import type { HuntSession } from '../hunt/session/index.ts';
import { isComplete } from '../hunt/syntax/index.ts';
import { renderErrorText, warningText } from '../render/error.ts';
import { isGraphic } from '../analytics/index.ts';
import type { Display } from '../hunt/session/index.ts';
import { displayText, ProgressReporter, renderSummaryText, writeDisplayFiles } from '../render/index.ts';
import { historyPath, loadHistory, saveHistory, HISTORY_SIZE } from './history.ts';

const PROMPT = 'peregrine> ';
const CONTINUATION = '      ...> ';

export interface ReplOptions {
  readonly input: Readable & { isTTY?: boolean };
  readonly output: Writable & { isTTY?: boolean };
  /** Where progress and warnings go (default: `output`). */
  readonly errorOutput?: Writable;
  readonly debug?: boolean;
  /** Where APPLY's graphic displays are written (default: a `peregrine-displays-PID` folder in the temp folder). */
  readonly outputDir?: string;
}

export async function runRepl(options: ReplOptions): Promise<void> {
  const { input, output } = options;
  const errorOutput = options.errorOutput ?? output;
  const outputDir = options.outputDir ?? join(tmpdir(), `peregrine-displays-${process.pid}`);
  const interactive = Boolean(input.isTTY && output.isTTY);
  const write = (text: string): void => void output.write(text.endsWith('\n') ? text : text + '\n');
  const { HuntSession } = await import('../hunt/session/index.ts');
  const session: HuntSession = await HuntSession.create();
  const histFile = historyPath();

  let buffer: string[] = [];
  let running: AbortController | undefined;
  let entry = 0;

  const rl: Interface = createInterface({
    input,
    output,
    terminal: interactive,
    prompt: PROMPT,
    history: interactive ? loadHistory(histFile) : [],
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string, callback: (err: null | Error, result: [string[], string]) => void) => {
      const before = buffer.length > 0 ? buffer.join('\n') + '\n' : '';
      const text = before + line;
      const variables = session.variables().map((v) => ({ name: v.name, type: v.type }));
      const cachedAttributes = (name: string): string[] => {
        const type = variables.find((v) => v.name === name)?.type;
        return type ? session.attributes(type) : [];
      };
      complete(text, text.length, { variables, cachedAttributes }).then(
        (c) => callback(null, [[...c.matches], text.slice(c.start, c.end)]),
        () => callback(null, [[], line]),
      );
    },
  });
  if (interactive) rl.on('history', (h: string[]) => saveHistory(histFile, h, (m) => write(`warning: ${m}`)));

  const prompt = (): void => {
    if (!interactive) return;
    rl.setPrompt(buffer.length > 0 ? CONTINUATION : PROMPT);
    rl.prompt();
  };

  const onInterrupt = (): void => {
    if (running) {
      running.abort(
        new CancelledError('interrupted', {
          hint: 'the statement was cancelled with Ctrl-C; the session is still usable',
        }),
      );
      return;
    }
    if (!interactive) {
      // A signal with nothing running, on piped input: stop, as any filter does.
      rl.close();
      return;
    }
    if (buffer.length > 0 || rl.line.length > 0) {
      // Drop the half-typed statement, as a shell does.
      buffer = [];
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      write('^C');
    } else {
      write('\n(to exit, press Ctrl-D)');
    }
    prompt();
  };
  rl.on('SIGINT', onInterrupt);
  process.on('SIGINT', onInterrupt);

  const run = async (source: string): Promise<void> => {
    entry++;
    const abort = new AbortController();
    running = abort;
    const progress = new ProgressReporter((line) => errorOutput.write(line + '\n'), { intervalMs: 1000 });
    // Displays print as they come until a graphic one: it and those after it wait for its files to be written.
    const later: Display[] = [];
    const onDisplay = (d: Display): void => {
      if (later.length || isGraphic(d)) later.push(d);
      else write(displayText(d));
    };
    try {
      const result = await session.execute(source, {
        sourceName: `<repl ${entry}>`,
        signal: abort.signal,
        onDisplay,
        onProgress: progress.update,
      });
      if (later.length) {
        const files = await writeDisplayFiles(later, outputDir, `${entry}-`);
        for (const d of later) write(displayText(d, files.get(d)));
      }
      for (const w of result.warnings) errorOutput.write(warningText(w) + '\n');
      if (result.summary.length > 0) write(renderSummaryText(result.summary));
    } catch (e) {
      write(
        renderErrorText(abort.signal.aborted && !isPeregrineError(e) ? abort.signal.reason : e, {
          debug: options.debug,
        }),
      );
    } finally {
      progress.stop();
      running = undefined;
    }
  };

  prompt();
  try {
    for await (const line of rl) {
      buffer.push(line);
      const text = buffer.join('\n');
      if (text.trim() === '') {
        buffer = [];
      } else if (isComplete(text) !== 'incomplete') {
        buffer = [];
        await run(text);
      }
      prompt();
    }
    // End of input in the middle of a statement: run it, so the parser can say what is missing.
    if (buffer.join('\n').trim() !== '') await run(buffer.join('\n'));
    if (interactive) write('');
  } finally {
    process.off('SIGINT', onInterrupt);
    await session.close();
  }
}
