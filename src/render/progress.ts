/**
 * Progress of long queries, for the Jupyter kernel's stderr stream and the REPL: quiet for the first second (a quick GET
 * shows nothing), then the latest progress at most once per interval while the statement still runs.
 */
import type { Progress } from '../hunt/session/index.ts';
import { escapeControls } from '../common/index.ts';

/** One progress line for the stderr stream: `file:///x.json: 12,000 observations (of 50,000) in 1.2 s`. */
export function progressLine(p: Progress): string {
  const total = p.total !== undefined ? ` of ${p.total.toLocaleString('en-US')}` : '';
  return `${escapeControls(p.source)}: ${p.hits.toLocaleString('en-US')}${total} observations in ${(p.elapsedMs / 1000).toFixed(1)} s`;
}

export interface ProgressOptions {
  /** Nothing is shown before this many milliseconds. */
  readonly delayMs?: number;
  /** At most one line per this many milliseconds after that. */
  readonly intervalMs?: number;
}

export class ProgressReporter {
  #latest: Progress | undefined;
  #shown: Progress | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #emit: (line: string) => void;

  constructor(emit: (line: string) => void, options: ProgressOptions = {}) {
    this.#emit = emit;
    const interval = options.intervalMs ?? 500;
    this.#timer = setTimeout(() => {
      this.#tick();
      this.#timer = setInterval(() => this.#tick(), interval);
      this.#timer.unref();
    }, options.delayMs ?? 1000);
    this.#timer.unref();
  }

  /** Records the latest progress (the connectors' callback). */
  readonly update = (p: Progress): void => {
    this.#latest = p;
  };

  /** Stops reporting; nothing more is emitted. */
  stop(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    if (this.#latest && this.#latest !== this.#shown) {
      this.#shown = this.#latest;
      this.#emit(progressLine(this.#latest));
    }
  }
}
