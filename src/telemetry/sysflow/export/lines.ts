/**
 * Line exporters: `terminal` (standard output) and `file` (a JSON-lines file, `file.path`), both with back-pressure
 * from the stream, and `null` (counts only — the benchmark's sink).
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { TelemetryError } from '../../../errors/index.ts';
import type { ExportFormat } from '../processor/config.ts';
import { isAlert, type ExportStats, type Exporter, type ProcessedEvent } from '../processor/types.ts';
import { lineEncoder } from './encode.ts';

/** Writes each event as one line to a stream; when the stream's buffer is full, `write` waits for it to drain. */
export class LineExporter implements Exporter {
  private written = 0;
  private alerts = 0;
  private failure: Error | undefined;
  private readonly encode: (p: ProcessedEvent) => string;
  private pending: string[] = [];

  constructor(
    readonly name: string,
    private readonly out: Writable,
    format: ExportFormat,
    private readonly ownsStream: boolean,
  ) {
    this.encode = lineEncoder(format);
    out.on('error', (e) => {
      this.failure ??= e;
    });
  }

  write(p: ProcessedEvent): void | Promise<void> {
    if (this.failure) throw this.wrap(this.failure);
    this.written++;
    if (isAlert(p)) this.alerts++;
    this.pending.push(this.encode(p));
    if (this.pending.length < 256) return;
    return this.flush();
  }

  private flush(): void | Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('\n') + '\n';
    this.pending = [];
    if (!this.out.write(chunk)) {
      return new Promise<void>((resolve) => {
        const done = (): void => {
          this.out.off('drain', done);
          this.out.off('error', done);
          this.out.off('close', done);
          resolve();
        };
        this.out.on('drain', done);
        this.out.on('error', done);
        this.out.on('close', done);
      });
    }
  }

  private wrap(e: Error): TelemetryError {
    return new TelemetryError('E_EXPORT_WRITE', `${this.name} exporter: ${e.message}`, { cause: e });
  }

  async close(): Promise<ExportStats> {
    await this.flush();
    if (this.ownsStream) {
      await new Promise<void>((resolve) => this.out.end(resolve));
    }
    if (this.failure && (this.failure as NodeJS.ErrnoException).code !== 'EPIPE')
      throw this.wrap(this.failure);
    return { exporter: this.name, written: this.written, alerts: this.alerts };
  }
}

export function terminalExporter(format: ExportFormat, out: Writable = process.stdout): Exporter {
  return new LineExporter('terminal', out, format, false);
}

export async function fileExporter(format: ExportFormat, path: string): Promise<Exporter> {
  const out = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', (e) =>
      reject(
        new TelemetryError(
          'E_EXPORT_OPEN',
          `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? e.message}`,
          { cause: e },
        ),
      ),
    );
  });
  return new LineExporter(`file ${path}`, out, format, true);
}

/** Discards events, counting them. */
export function nullExporter(): Exporter {
  let written = 0;
  let alerts = 0;
  return {
    name: 'null',
    write(p) {
      written++;
      if (p.matches.length > 0) alerts++;
    },
    async close() {
      return { exporter: 'null', written, alerts };
    },
  };
}
