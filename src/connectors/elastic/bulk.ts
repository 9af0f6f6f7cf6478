/**
 * The one writer of documents to a cluster (`_bulk`), used by `peregrine ingest --to PROFILE` and the SysFlow
 * exporter. The client's retry policy ({@link ElasticClient.retry}) covers everything it sends: a request that
 * fails for a while (HTTP 429 or 5xx, a dropped or refused connection, a timeout) and single items the cluster
 * answers 429 or 5xx are sent again after the policy's backoff, up to its number of retries. What is still
 * unanswered then is handed back to the caller, who decides (ingest rejects or fails, the exporter spools to disk).
 * Any other failure (authentication, TLS, a malformed answer) is thrown at once as the client's ConnectorError.
 */
import { ConnectorError } from '../../errors/index.ts';
import { retryDelay, type ElasticClient } from './client.ts';

/** The answer of one bulk item (what stands under its action key). */
export interface BulkItemAnswer {
  readonly status: number;
  /** `created`, `updated`, … */
  readonly result?: string;
  readonly error?: { readonly type?: string; readonly reason?: string };
}

export interface BulkSendOptions<T> {
  /** The action line and the document line of one operation, with `\n` between them. */
  readonly lines: (op: T) => string;
  /** Called once for every operation the cluster settled (any answer but 429 and 5xx). */
  readonly onAnswer: (op: T, answer: BulkItemAnswer) => void;
  /**
   * Runs before every attempt, inside the retry (creating an index, installing a template); its requests should
   * not retry on their own. A transient failure there is retried like one of the bulk request.
   */
  readonly prepare?: () => Promise<void>;
  /** Ask the cluster to make the documents searchable before it answers. */
  readonly refresh?: boolean;
  /** What the requests are for, in errors: "bulk indexing into …". */
  readonly what: string;
}

export interface Undelivered<T> {
  readonly op: T;
  /** The item's last answer (429 or 5xx); absent when the whole request failed. */
  readonly answer?: BulkItemAnswer;
}

export interface BulkSendResult<T> {
  /** Operations not settled after the last retry, in the order given. */
  readonly undelivered: readonly Undelivered<T>[];
  /** Retries made (each a new request). */
  readonly retries: number;
  /** Why the last attempt failed, when it failed as a whole. */
  readonly error?: ConnectorError;
}

const TRANSIENT_CODES = new Set(['E_ELASTIC_UNAVAILABLE', 'E_ELASTIC_UNREACHABLE', 'E_ELASTIC_TIMEOUT']);

/** A failure that means "the cluster is not there or overloaded right now": worth sending again later. */
export function isTransient(e: unknown): e is ConnectorError {
  return e instanceof ConnectorError && TRANSIENT_CODES.has(e.code);
}

const retryable = (status: number): boolean => status === 429 || status >= 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `ops` through `_bulk` as one request (a caller batches), retrying by the client's policy. */
export async function sendBulk<T>(
  client: ElasticClient,
  ops: readonly T[],
  options: BulkSendOptions<T>,
): Promise<BulkSendResult<T>> {
  const policy = client.retry;
  let pending: Undelivered<T>[] = ops.map((op) => ({ op }));
  let retries = 0;
  let error: ConnectorError | undefined;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) {
      if (attempt > policy.retries) return { undelivered: pending, retries, ...(error ? { error } : {}) };
      await sleep(retryDelay(policy, retries));
      retries++;
    }
    let answers: BulkItemAnswer[];
    try {
      await options.prepare?.();
      const res = await client.request(
        {
          method: 'POST',
          path: '/_bulk',
          body: pending.map((p) => options.lines(p.op) + '\n').join(''),
          ...(options.refresh ? { querystring: { refresh: 'wait_for' } } : {}),
        },
        { retries: 0, what: options.what },
      );
      const items = (res.body as { items?: Record<string, Partial<BulkItemAnswer>>[] }).items ?? [];
      answers = items.map((i) => {
        const a = Object.values(i)[0] ?? {};
        return { ...a, status: a.status ?? 0 };
      });
    } catch (e) {
      if (!isTransient(e)) throw e;
      error = e;
      pending = pending.map((p) => ({ op: p.op }));
      continue;
    }
    error = undefined;
    // An answer that does not line up with the request: send it all again (the ids make that safe).
    if (answers.length !== pending.length) continue;
    const again: Undelivered<T>[] = [];
    answers.forEach((answer, i) => {
      const op = pending[i].op;
      if (retryable(answer.status)) again.push({ op, answer });
      else options.onAnswer(op, answer);
    });
    pending = again;
  }
  return { undelivered: [], retries };
}
