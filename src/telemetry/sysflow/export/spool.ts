/**
 * A disk spool for bulk lines that could not be delivered: an append-only NDJSON file plus a sidecar holding the
 * byte offset already delivered. Appends and reads are never concurrent (the exporter owns both), a crash loses
 * nothing (undelivered lines stay on disk; delivered-but-unacknowledged lines are resent and, having the same ids,
 * are rejected by the server as duplicates).
 */
import { createReadStream, existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

export class Spool {
  private readonly offsetPath: string;

  constructor(readonly path: string) {
    this.offsetPath = `${path}.offset`;
  }

  /** True when undelivered lines are on disk (e.g. left by an earlier run). */
  async pending(): Promise<boolean> {
    if (!existsSync(this.path)) return false;
    const size = (await stat(this.path)).size;
    return size > (await this.offset());
  }

  /** Appends lines (each without its newline). */
  async append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, lines.join('\n') + '\n');
  }

  private async offset(): Promise<number> {
    try {
      return Number((await readFile(this.offsetPath, 'utf8')).trim()) || 0;
    } catch {
      return 0;
    }
  }

  /**
   * Undelivered lines in batches of `pairs` line pairs; the consumer returns true when a batch was delivered, and the
   * offset advances past it. Stops at the first batch not delivered. Returns true when everything was delivered
   * (and the spool is then removed).
   */
  async drain(pairs: number, deliver: (lines: string[]) => Promise<boolean>): Promise<boolean> {
    if (!existsSync(this.path)) return true;
    let offset = await this.offset();
    const rl = createInterface({
      input: createReadStream(this.path, { start: offset }),
      crlfDelay: Infinity,
    });
    let batch: string[] = [];
    let batchBytes = 0;
    try {
      for await (const line of rl) {
        batch.push(line);
        batchBytes += Buffer.byteLength(line) + 1;
        if (batch.length >= pairs * 2) {
          if (!(await deliver(batch))) return false;
          offset += batchBytes;
          await writeFile(this.offsetPath, String(offset));
          batch = [];
          batchBytes = 0;
        }
      }
      if (batch.length > 0) {
        if (!(await deliver(batch))) return false;
      }
    } finally {
      rl.close();
    }
    await rm(this.path, { force: true });
    await rm(this.offsetPath, { force: true });
    return true;
  }

  /** Number of undelivered lines (for reports). */
  async pendingLines(): Promise<number> {
    if (!existsSync(this.path)) return 0;
    const offset = await this.offset();
    let n = 0;
    const rl = createInterface({
      input: createReadStream(this.path, { start: offset }),
      crlfDelay: Infinity,
    });
    for await (const line of rl) if (line) n++;
    return n;
  }
}
