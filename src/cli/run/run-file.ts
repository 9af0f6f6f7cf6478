/** Implementation of `peregrine run` / `peregrine explain` (loaded on demand). */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { escapeControls } from '../../common/index.ts';
import { InputError, type PeregrineError } from '../../errors/index.ts';
import { HuntSession, type Progress } from '../../hunt/session/index.ts';
import { renderErrorText } from '../../render/error.ts';
import { isOutputFormat, renderDisplayText, renderResult, writeDisplayFiles, type OutputFormat } from '../../render/index.ts';

export interface RunFileFlags {
  format?: string;
  json?: boolean;
  cache?: string;
  timeWindow?: string;
  outputDir?: string;
}

export function renderWarning(w: PeregrineError): string {
  return renderErrorText(w).replace(/error\[/, 'warning[');
}

/** The text of a huntflow file: UTF-8, or UTF-16 with a byte-order mark (what some Windows editors save). */
function readHuntflow(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError('E_READ_FILE', `cannot read huntflow ${file}: ${(e as Error).message}`, {
      cause: e,
      hint:
        code === 'EISDIR'
          ? 'give a huntflow file (.hf), not a directory'
          : code === 'ENOENT'
            ? `check the name; relative paths are resolved from ${process.cwd()}`
            : 'check the path and its permissions',
    });
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    // swap16 needs an even length: a stray last byte is dropped, as utf16le decoding does
    return Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)))
      .swap16()
      .toString('utf16le');
  }
  return bytes.toString('utf8');
}

/**
 * Runs `text` in a fresh session, writes the result to stdout and warnings to stderr; graphic displays go to files
 * in `flags.outputDir` (default `where.outputDir`), whose paths the result lists. APPLY's relative paths resolve from
 * `where.baseDir` (default: the working directory, as GET's `file://` paths do).
 */
export async function runHuntflow(
  text: string,
  sourceName: string,
  flags: RunFileFlags,
  mode: 'run' | 'explain',
  where: { baseDir?: string; outputDir?: string } = {},
): Promise<void> {
  const format = flags.json ? 'json' : (flags.format ?? 'table');
  if (!isOutputFormat(format)) {
    throw new InputError('E_BAD_FLAG', `unknown format "${format}"`, {
      hint: 'use --format table, json, jsonl or csv',
    });
  }
  let window: number | undefined;
  if (flags.timeWindow !== undefined) {
    window = Number(flags.timeWindow);
    if (!Number.isFinite(window) || window < 0)
      throw new InputError(
        'E_BAD_FLAG',
        `--time-window must be a number of minutes, not "${flags.timeWindow}"`,
        { hint: 'e.g. --time-window 10 (the default is 5)' },
      );
  }
  const session = await HuntSession.create({
    ...(flags.cache ? { cachePath: flags.cache } : {}),
    ...(window !== undefined ? { timeWindowMinutes: window } : {}),
  });
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    // A progress line on an interactive terminal only (never in pipes or CI logs).
    let shown = false;
    const onProgress = process.stderr.isTTY
      ? (p: Progress): void => {
          shown = true;
          const rate = p.elapsedMs > 0 ? Math.round((p.hits * 1000) / p.elapsedMs) : 0;
          const of = p.total !== undefined ? ` of ${p.total}` : '';
          process.stderr.write(
            `\r${escapeControls(p.source)}: ${p.hits}${of} observations, ${rate}/s, ${(p.elapsedMs / 1000).toFixed(1)} s\x1b[K`,
          );
        }
      : undefined;
    const result = await session
      .execute(text, {
        sourceName,
        signal: controller.signal,
        ...(onProgress ? { onProgress } : {}),
        ...(where.baseDir ? { baseDir: where.baseDir } : {}),
      })
      .finally(() => {
        if (shown) process.stderr.write('\r\x1b[K');
      });
    for (const w of result.warnings) process.stderr.write(renderWarning(w) + '\n');
    if (mode === 'explain') {
      const names = result.summary.map((v) => v.name);
      const ex = names.length
        ? await session.execute(names.map((n) => `EXPLAIN ${n}`).join('\n'), { sourceName: '<explain>' })
        : { displays: [], summary: [] };
      process.stdout.write(ex.displays.map((d) => (d.kind === 'text' ? renderDisplayText(d) : '')).join('\n\n') + '\n');
      return;
    }
    const outputDir = flags.outputDir ?? where.outputDir ?? join(process.cwd(), 'peregrine-displays');
    const files = await writeDisplayFiles(result.displays, outputDir);
    process.stdout.write(renderResult(result, format as OutputFormat, files) + '\n');
  } finally {
    process.removeListener('SIGINT', onSigint);
    await session.close();
  }
}

export async function runFile(file: string, flags: RunFileFlags, mode: 'run' | 'explain'): Promise<void> {
  const dir = dirname(resolve(file));
  const stem = basename(file, extname(file));
  await runHuntflow(readHuntflow(file), file, flags, mode, { outputDir: join(dir, `${stem}-displays`) });
}
