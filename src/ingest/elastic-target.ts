/**
 * Ingestion into an Elasticsearch/OpenSearch profile through the `_bulk` API: `index` operations with the same ids
 * the embedded store gives (the document's `_id` when given, else the MD5 of its text), so re-ingesting replaces
 * rather than duplicates; batches of at most 5,000 documents or 5 MB; HTTP 429 (whole request or single items) is
 * retried with exponential backoff; other item errors are rejections with Elastic's reason.
 */
import { createHash } from 'node:crypto';
import { ConnectorError } from '../errors/index.ts';
import type { SourceProfile } from '../connectors/types.ts';
import type { AppendProgress, AppendResult, Rejection, StoreRecord } from '../store/ecs/index.ts';

export interface ElasticTarget {
  readonly url: string;
  readonly headers: Record<string, string>;
}

/** Base URL and auth headers of an `elastic_ecs` profile (stix-shifter's connection/config shape). */
export function elasticTarget(profile: SourceProfile): ElasticTarget {
  const c = profile.connection;
  const auth = ((profile.config.auth ?? c.auth ?? {}) as Record<string, unknown>) ?? {};
  let url: string;
  if (typeof c.url === 'string') url = c.url;
  else {
    const host = String(c.host ?? '');
    if (!host) {
      throw new ConnectorError('E_PROFILE_HOST', `profile "${profile.name}" has no connection host`, {
        hint: `set "host" (and "port") in ${profile.origin}`,
      });
    }
    if (/^https?:\/\//.test(host)) url = host;
    else {
      const scheme = typeof c.scheme === 'string' ? c.scheme : /^(localhost|127\.|\[?::1\]?$)/.test(host) ? 'http' : 'https';
      url = `${scheme}://${host}:${String(c.port ?? 9200)}`;
    }
  }
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
  if (typeof auth.api_key === 'string') {
    headers.authorization = `ApiKey ${typeof auth.id === 'string' ? Buffer.from(`${auth.id}:${auth.api_key}`).toString('base64') : auth.api_key}`;
  } else if (typeof auth.username === 'string') {
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${String(auth.password ?? '')}`).toString('base64')}`;
  }
  return { url: url.replace(/\/+$/, ''), headers };
}

/** The id a document gets when none is given — the same in the embedded store (DuckDB `md5`) and in Elastic. */
export function documentId(source: string): string {
  return createHash('md5').update(source).digest('hex');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  const started = performance.now();
  const maxRejections = options.maxRejections ?? 1000;
  const files = options.files ?? [];
  const rejections: Rejection[] = [];
  const indices = new Set<string>();
  let accepted = 0;
  let created = 0;
  let updated = 0;
  let rejected = 0;
  const reject = (rec: StoreRecord, reason: string) => {
    rejected++;
    if (rejections.length < maxRejections) {
      rejections.push({
        ...(rec.file !== undefined ? { file: files[rec.file] ?? `#${rec.file}` } : {}),
        ...(rec.line !== undefined ? { line: rec.line } : {}),
        ...(rec.id !== undefined ? { id: rec.id } : {}),
        reason,
      });
    }
  };

  const send = async (batch: Item[]): Promise<void> => {
    let todo = batch;
    for (let attempt = 0; todo.length > 0; attempt++) {
      const body = todo.map((it) => JSON.stringify({ index: { _index: it.index, _id: it.id } }) + '\n' + it.rec.source + '\n').join('');
      let res: Response;
      try {
        res = await fetch(`${target.url}/_bulk${options.refresh ? '?refresh=wait_for' : ''}`, {
          method: 'POST',
          headers: target.headers,
          body,
        });
      } catch (e) {
        throw new ConnectorError('E_ELASTIC_UNREACHABLE', `cannot reach ${target.url}: ${(e as Error).message}`, { cause: e });
      }
      if (res.status === 429 && attempt < 8) {
        await sleep(Math.min(200 * 2 ** attempt, 10_000));
        continue;
      }
      if (!res.ok) {
        const text = await res.text();
        throw new ConnectorError('E_ELASTIC_BULK', `bulk request to ${target.url} failed: HTTP ${res.status} ${text.slice(0, 300)}`, {
          hint: res.status === 401 || res.status === 403 ? 'check the profile credentials' : undefined,
        });
      }
      const out = (await res.json()) as { items: Record<string, { status: number; result?: string; error?: { type?: string; reason?: string } }>[] };
      const retry: Item[] = [];
      out.items.forEach((entry, i) => {
        const r = Object.values(entry)[0];
        const it = todo[i];
        if (r.status === 429 && attempt < 8) retry.push(it);
        else if (r.status >= 300) reject(it.rec, `${r.error?.type ?? `HTTP ${r.status}`}: ${r.error?.reason ?? ''}`.trim());
        else {
          accepted++;
          indices.add(it.index);
          if (r.result === 'created') created++;
          else updated++;
        }
      });
      todo = retry;
      if (todo.length) await sleep(Math.min(200 * 2 ** attempt, 10_000));
    }
    options.onProgress?.({ accepted, rejected, elapsedMs: performance.now() - started });
  };

  let batch: Item[] = [];
  let bytes = 0;
  for await (const rec of records) {
    const index = rec.index ?? options.index;
    if (!index) {
      reject(rec, 'no index given (use --index NAME)');
      continue;
    }
    let ok = false;
    try {
      const v = JSON.parse(rec.source) as unknown;
      ok = v !== null && typeof v === 'object' && !Array.isArray(v);
      if (!ok) reject(rec, `the document is ${Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`}, not a JSON object`);
    } catch (e) {
      reject(rec, `malformed JSON: ${(e as Error).message}`);
    }
    if (!ok) continue;
    batch.push({ rec, index, id: rec.id ?? documentId(rec.source) });
    bytes += rec.source.length;
    if (batch.length >= 5000 || bytes >= 5 << 20) {
      await send(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length) await send(batch);
  return { accepted, created, updated, rejected, rejections, elapsedMs: performance.now() - started, indices: [...indices].sort() };
}
