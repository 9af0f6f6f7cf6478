/**
 * Elasticsearch / OpenSearch bulk exporter (`export: es`).
 *
 * - Documents are ECS (`../ecs/`); alerts go to `<prefix>-alerts`, other events to `<prefix>-events`
 *   (`es.index` is the prefix, default `sysflow`; e.g. `container1-sysflow`).
 * - The index template for `<prefix>-*` is installed before the first document is sent.
 * - Every document has an idempotent id (a hash of the record's identity) and is sent with the bulk `create`
 *   action: resending a record the server already has yields a 409 conflict, counted as a duplicate — never a
 *   second copy.
 * - Documents go through the Elastic connector's bulk writer: 429 and 5xx answers (for the whole request or single
 *   items), lost connections and timeouts are retried with exponential backoff (`es.retries`, `es.backoff`,
 *   `es.backoff.max`); when the server stays unreachable, batches go to a disk spool (`es.spool`) instead of
 *   memory, and the exporter keeps accepting records. Before each later batch it probes the server (backing off);
 *   when it answers, the spool is sent first, in order, then normal sending resumes. `close` keeps trying to empty
 *   the spool for `es.drain.timeout` seconds (default 120); whatever is left stays on disk and is sent by the next run that uses
 *   the same spool.
 */
import { join } from 'node:path';
import {
  ElasticClient,
  nodeSettings,
  sendBulk,
  type BulkItemAnswer,
} from '../../../connectors/elastic/index.ts';
import { ConnectorError, TelemetryError } from '../../../errors/index.ts';
import { documentId } from '../ecs/id.ts';
import { toEcs } from '../ecs/document.ts';
import { indexTemplate } from '../ecs/template.ts';
import { isAlert, type ExportStats, type Exporter, type ProcessedEvent } from '../processor/types.ts';
import { Spool } from './spool.ts';

export interface ElasticExporterOptions {
  /** Node URLs (`es.addresses`, comma-separated). */
  readonly nodes: readonly string[];
  /** Index prefix (`es.index`); indices are `<prefix>-alerts` and `<prefix>-events`. */
  readonly prefix: string;
  readonly username?: string;
  readonly password?: string;
  /** Documents per bulk request (`es.bulk.size`, default 500). */
  readonly batchSize?: number;
  /** Spool file (`es.spool`, default `.peregrine/spool/<prefix>.ndjson` under the working directory). */
  readonly spoolPath?: string;
  /** Per-request timeout in ms (`es.timeout` seconds, default 10). */
  readonly requestTimeoutMs?: number;
  /** Retries of one batch before it is spooled (`es.retries`, default 3). */
  readonly retries?: number;
  /** First backoff in ms (`es.backoff` ms, default 200); doubles per attempt up to `maxBackoffMs`. */
  readonly backoffMs?: number;
  /** Longest backoff between retries and between probes of an unreachable server (`es.backoff.max` ms, default 5000). */
  readonly maxBackoffMs?: number;
  /** How long `close` keeps trying to empty the spool, ms (`es.drain.timeout` seconds, default 120). */
  readonly drainTimeoutMs?: number;
  /** Refresh the indices on close so the documents are searchable at once (`es.refresh`, default false). */
  readonly refresh?: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class ElasticExporter implements Exporter {
  readonly name: string;
  readonly alertsIndex: string;
  readonly eventsIndex: string;
  private readonly client: ElasticClient;
  private readonly spool: Spool;
  private readonly batchSize: number;
  private readonly backoff: number;
  private readonly maxBackoff: number;
  private readonly drainTimeout: number;
  /** Bulk operations waiting to be sent: the action line and the document line, `\n` between them. */
  private batch: string[] = [];
  private templateInstalled = false;
  private spooling = false;
  private nextProbe = 0;
  private probeBackoff: number;
  private stats = {
    written: 0,
    alerts: 0,
    created: 0,
    duplicates: 0,
    failed: 0,
    retries: 0,
    spooled: 0,
    spoolDrains: 0,
  };
  private firstFailure: string | undefined;

  private constructor(private readonly opts: ElasticExporterOptions) {
    this.alertsIndex = `${opts.prefix}-alerts`;
    this.eventsIndex = `${opts.prefix}-events`;
    this.name = `elastic ${opts.prefix}-*`;
    this.batchSize = opts.batchSize ?? 500;
    this.backoff = opts.backoffMs ?? 200;
    this.maxBackoff = opts.maxBackoffMs ?? 5000;
    this.probeBackoff = this.backoff;
    this.drainTimeout = opts.drainTimeoutMs ?? 120_000;
    this.spool = new Spool(
      opts.spoolPath ?? join(process.cwd(), '.peregrine', 'spool', `${opts.prefix}.ndjson`),
    );
    this.client = new ElasticClient(
      nodeSettings({
        nodes: opts.nodes,
        subject: `bulk export to ${opts.nodes.join(',')}`,
        username: opts.username,
        password: opts.password,
        timeoutMs: opts.requestTimeoutMs ?? 10_000,
        retries: opts.retries ?? 3,
        backoffMs: this.backoff,
        maxBackoffMs: this.maxBackoff,
      }),
    );
  }

  /** Opens the exporter; a spool left by an earlier run is sent before anything new. */
  static async open(opts: ElasticExporterOptions): Promise<ElasticExporter> {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(opts.prefix)) {
      throw new TelemetryError('E_EXPORT_INDEX', `invalid index prefix "${opts.prefix}"`, {
        hint: 'index names are lower case: letters, digits, ".", "_", "-"',
      });
    }
    const e = new ElasticExporter(opts);
    e.spooling = await e.spool.pending();
    return e;
  }

  get spoolPath(): string {
    return this.spool.path;
  }

  write(p: ProcessedEvent): void | Promise<void> {
    this.stats.written++;
    const alert = isAlert(p);
    if (alert) this.stats.alerts++;
    const id = documentId(p.event);
    this.batch.push(
      JSON.stringify({ create: { _index: alert ? this.alertsIndex : this.eventsIndex, _id: id } }) +
        '\n' +
        JSON.stringify(toEcs(p)),
    );
    if (this.batch.length >= this.batchSize) return this.flush();
  }

  /** Sends (or spools) the current batch. */
  async flush(): Promise<void> {
    const ops = this.batch;
    this.batch = [];
    if (this.spooling && Date.now() >= this.nextProbe) await this.tryDrain();
    if (this.spooling) {
      await this.toSpool(ops);
      return;
    }
    const rest = await this.send(ops);
    if (rest.length > 0) {
      await this.toSpool(rest);
      this.spooling = true;
      // The server may come back empty (restarted without its data): install the template again before the spool.
      this.templateInstalled = false;
      this.probeBackoff = this.backoff;
      this.nextProbe = Date.now() + this.probeBackoff;
    }
  }

  /** Spools operations (each two lines of the spool file). */
  private async toSpool(ops: readonly string[]): Promise<void> {
    if (ops.length === 0) return;
    await this.spool.append(ops);
    this.stats.spooled += ops.length;
  }

  /** Probes the server; when it answers, sends the spool. Leaves `spooling` false when the spool is empty. */
  private async tryDrain(): Promise<void> {
    let up = false;
    try {
      await this.client.request({ method: 'HEAD', path: '/' }, { retries: 0, timeoutMs: 2000 });
      up = true;
    } catch {
      up = false;
    }
    if (up) {
      const done = await this.spool.drain(this.batchSize, async (lines) => {
        const ops: string[] = [];
        for (let i = 0; i + 1 < lines.length; i += 2) ops.push(`${lines[i]}\n${lines[i + 1]}`);
        return (await this.send(ops)).length === 0;
      });
      if (done) {
        this.spooling = false;
        this.stats.spoolDrains++;
        this.probeBackoff = this.backoff;
        return;
      }
    }
    this.probeBackoff = Math.min(this.probeBackoff * 2, this.maxBackoff);
    this.nextProbe = Date.now() + this.probeBackoff;
  }

  private async installTemplate(): Promise<void> {
    if (this.templateInstalled) return;
    await this.client.request(
      {
        method: 'PUT',
        path: `/_index_template/${encodeURIComponent(`${this.opts.prefix}-peregrine-sysflow`)}`,
        body: indexTemplate(this.opts.prefix),
      },
      { retries: 0, what: `installing the index template of ${this.opts.prefix}-*` },
    );
    this.templateInstalled = true;
  }

  /**
   * Sends bulk operations through the bulk writer (the template installed first, inside its retries); returns
   * those still undelivered (empty when done). Items the server rejects for good (mapping errors) are counted as
   * failed and not retried; 409 conflicts are duplicates.
   */
  private async send(ops: readonly string[]): Promise<string[]> {
    try {
      const r = await sendBulk(this.client, ops, {
        lines: (op) => op,
        prepare: () => this.installTemplate(),
        onAnswer: (_op, answer) => this.count(answer),
        what: `writing to ${this.opts.prefix}-*`,
      });
      this.stats.retries += r.retries;
      return r.undelivered.map((u) => u.op);
    } catch (e) {
      throw new ConnectorError('E_EXPORT_ELASTIC', (e as Error).message, {
        cause: e,
        hint: 'check es.addresses, credentials and the index prefix',
      });
    }
  }

  private count(answer: BulkItemAnswer): void {
    const s = answer.status;
    if (s >= 200 && s < 300) this.stats.created++;
    else if (s === 409) this.stats.duplicates++;
    else {
      this.stats.failed++;
      this.firstFailure ??= `${s} ${answer.error?.type ?? ''}: ${answer.error?.reason ?? ''}`;
    }
  }

  async close(): Promise<ExportStats> {
    try {
      await this.flush();
      const deadline = Date.now() + this.drainTimeout;
      while (this.spooling && Date.now() < deadline) {
        await this.tryDrain();
        if (this.spooling)
          await sleep(Math.max(0, Math.min(this.nextProbe - Date.now(), deadline - Date.now())));
      }
      if (this.opts.refresh && !this.spooling) {
        await this.client.request(
          {
            method: 'POST',
            path: `/${this.alertsIndex},${this.eventsIndex}/_refresh`,
            querystring: { ignore_unavailable: true },
          },
          { retries: 0, what: `refreshing ${this.opts.prefix}-*` },
        );
      }
      const remaining = this.spooling ? (await this.spool.pendingLines()) / 2 : 0;
      return {
        exporter: this.name,
        written: this.stats.written,
        alerts: this.stats.alerts,
        detail: {
          created: this.stats.created,
          duplicates: this.stats.duplicates,
          failed: this.stats.failed,
          retries: this.stats.retries,
          spooled: this.stats.spooled,
          remaining,
          ...(remaining > 0 ? { spool: this.spool.path } : {}),
          ...(this.firstFailure ? { firstFailure: this.firstFailure } : {}),
        },
      };
    } finally {
      await this.client.close();
    }
  }
}

/** Options of an exporter stage → {@link ElasticExporterOptions}. */
export function elasticOptionsFrom(o: Readonly<Record<string, string>>): ElasticExporterOptions {
  const num = (k: string): number | undefined =>
    o[k] !== undefined && o[k] !== '' ? Number(o[k]) : undefined;
  const secs = (k: string): number | undefined => {
    const n = num(k);
    return n === undefined ? undefined : n * 1000;
  };
  return {
    nodes: (o['es.addresses'] ?? process.env.PEREGRINE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    prefix: o['es.index'] ?? 'sysflow',
    username: o['es.username'],
    password: o['es.password'],
    batchSize: num('es.bulk.size'),
    spoolPath: o['es.spool'],
    requestTimeoutMs: secs('es.timeout'),
    retries: num('es.retries'),
    backoffMs: num('es.backoff'),
    maxBackoffMs: num('es.backoff.max'),
    drainTimeoutMs: secs('es.drain.timeout'),
    refresh: o['es.refresh'] === 'true',
  };
}
