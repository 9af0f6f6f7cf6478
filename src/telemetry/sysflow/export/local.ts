/**
 * Embedded-store exporter (`export: local`): ECS documents into the DuckDB store of `src/store/ecs/`, alerts to
 * `<prefix>-alerts` and events to `<prefix>-events`, with the same idempotent ids as the Elastic exporter (a re-run
 * replaces rather than duplicates). Options: `local.path` (store file; default PEREGRINE_STORE or the user data
 * dir), `local.index` (prefix, default `sysflow`).
 */
import {
  openStore,
  resolveStorePath,
  type AppendResult,
  type StoreRecord,
} from '../../../store/ecs/index.ts';
import { documentId } from '../ecs/id.ts';
import { toEcs } from '../ecs/document.ts';
import { isAlert, type ExportStats, type Exporter, type ProcessedEvent } from '../processor/types.ts';
import { AsyncQueue } from './queue.ts';

export interface LocalExporterOptions {
  readonly path?: string;
  readonly prefix: string;
  /** Documents per store merge batch. */
  readonly batchSize?: number;
}

export async function localExporter(opts: LocalExporterOptions): Promise<Exporter> {
  const path = resolveStorePath(opts.path);
  const store = await openStore(path, { mode: 'write' });
  const alertsIndex = `${opts.prefix}-alerts`;
  const eventsIndex = `${opts.prefix}-events`;
  const queue = new AsyncQueue<StoreRecord>(4096);
  let written = 0;
  let alerts = 0;
  const done: Promise<AppendResult> = store
    .appendRecords(queue, { index: eventsIndex, batchSize: opts.batchSize ?? 50_000 })
    .catch((e: unknown) => {
      queue.fail(e);
      throw e;
    });
  done.catch(() => undefined);
  return {
    name: `local ${path} ${opts.prefix}-*`,
    write(p: ProcessedEvent) {
      written++;
      const alert = isAlert(p);
      if (alert) alerts++;
      return queue.push({
        source: JSON.stringify(toEcs(p)),
        id: documentId(p.event),
        index: alert ? alertsIndex : eventsIndex,
      });
    },
    async close(): Promise<ExportStats> {
      queue.end();
      try {
        const r = await done;
        return {
          exporter: `local ${opts.prefix}-*`,
          written,
          alerts,
          detail: { store: path, created: r.created, updated: r.updated, rejected: r.rejected },
        };
      } finally {
        await store.close();
      }
    },
  };
}
