/**
 * Ingestion into an Elasticsearch/OpenSearch profile through the `_bulk` API: `index` operations with the same ids
 * the embedded store gives (the document's `_id` when given, else the MD5 of its text), so re-ingesting replaces
 * rather than duplicates; batches of at most 5,000 documents or 5 MB, sent by the Elastic connector's bulk writer
 * (429, 5xx and lost connections retried with the profile's retry policy: `options.retries`, default 4, from 250 ms
 * doubling up to 8 s); other item errors, and items still refused after the last retry, are rejections with
 * Elastic's reason.
 */
import { createHash } from 'node:crypto';
import {
  ElasticClient,
  elasticSettings,
  errorReason,
  sendBulk,
  type BulkItemAnswer,
} from '../connectors/elastic/index.ts';
import { ConnectorError } from '../errors/index.ts';
import { ecsIndexMapping } from '../mapping/index.ts';
import type { SourceProfile } from '../connectors/types.ts';
import { AppendTally, documentProblem } from '../store/ecs/index.ts';
import type { AppendProgress, AppendResult, StoreRecord } from '../store/ecs/index.ts';

/** The cluster of an `elastic_ecs` profile, reached through the Elastic connector's client (auth, TLS, retries). */
export interface ElasticTarget {
  readonly label: string;
  readonly client: ElasticClient;
}

export function elasticTarget(profile: SourceProfile): ElasticTarget {
  const settings = elasticSettings(profile);
  return { label: settings.node, client: new ElasticClient(settings) };
}

/** The id a document gets when none is given — the same in the embedded store (DuckDB `md5`) and in Elastic. */
export function documentId(source: string): string {
  return createHash('md5').update(source).digest('hex');
}

/** Elastic's reason for refusing one document. */
function answerReason(r: BulkItemAnswer): string {
  return `${r.error?.type ?? `HTTP ${r.status}`}: ${r.error?.reason ?? ''}`.trim();
}

interface Item {
  readonly rec: StoreRecord;
  readonly index: string;
  readonly id: string;
}

/** Sends `records` to the cluster. Mirrors `EcsStore.appendRecords`' result. */
export async function bulkToElastic(
  target: ElasticTarget,
  records: AsyncIterable<StoreRecord>,
  options: {
    readonly index?: string;
    readonly files?: readonly string[];
    readonly onProgress?: (p: AppendProgress) => void;
    readonly maxRejections?: number;
    readonly refresh?: boolean;
  },
): Promise<AppendResult> {
  const tally = new AppendTally(options.files ?? [], options.maxRejections ?? 1000);

  const ensured = new Set<string>();
  const ensureIndex = async (index: string): Promise<void> => {
    if (ensured.has(index)) return;
    const head = await target.client.request(
      { method: 'HEAD', path: `/${encodeURIComponent(index)}` },
      { ignore: [404], retries: 0 },
    );
    if (head.statusCode === 404) {
      // a new index gets ECS-like types, so term/range/CIDR queries mean what they mean in the embedded store
      const r = await target.client.request(
        { method: 'PUT', path: `/${encodeURIComponent(index)}`, body: { mappings: ecsIndexMapping() } },
        { ignore: [400], retries: 0, what: `creating index ${index}` },
      );
      // 400 is fine only when another writer created the index meanwhile
      if (r.statusCode === 400 && !JSON.stringify(r.body).includes('resource_already_exists_exception')) {
        throw new ConnectorError(
          'E_ELASTIC_CREATE_INDEX',
          `cannot create index ${index} on ${target.label}: ${errorReason(r.body) ?? 'HTTP 400'}`,
        );
      }
    }
    ensured.add(index);
  };

  const send = async (batch: Item[]): Promise<void> => {
    const { undelivered, error } = await sendBulk(target.client, batch, {
      lines: (it) => JSON.stringify({ index: { _index: it.index, _id: it.id } }) + '\n' + it.rec.source,
      prepare: async () => {
        for (const it of batch) await ensureIndex(it.index);
      },
      onAnswer: (it, r) => {
        if (r.status >= 300) tally.reject(it.rec, answerReason(r));
        else {
          tally.accepted++;
          tally.indexed(it.index);
          if (r.result === 'created') tally.created++;
          else tally.updated++;
        }
      },
      refresh: options.refresh,
      what: `bulk indexing into ${target.label}`,
    });
    // the cluster stayed unreachable or overloaded for the whole policy: the ingest stops with why
    if (error) throw error;
    for (const u of undelivered)
      tally.reject(
        u.op.rec,
        u.answer ? answerReason(u.answer) : 'the cluster gave no answer for this document',
      );
    options.onProgress?.(tally.progress());
  };

  let batch: Item[] = [];
  let bytes = 0;
  for await (const rec of records) {
    const index = rec.index ?? options.index;
    if (!index) {
      tally.reject(rec, 'no index given (use --index NAME)');
      continue;
    }
    const problem = documentProblem(rec.source);
    if (problem) {
      tally.reject(rec, problem);
      continue;
    }
    batch.push({ rec, index, id: rec.id ?? documentId(rec.source) });
    bytes += rec.source.length;
    if (batch.length >= 5000 || bytes >= 5 << 20) {
      await send(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length) await send(batch);
  return tally.result();
}
