/**
 * HTTP to one cluster through `@opensearch-project/opensearch` (speaks to Elasticsearch and OpenSearch alike):
 * retry with exponential backoff on 429/502/503/504 and dropped connections, per-request timeouts, AbortSignal
 * cancellation, and every failure turned into a ConnectorError naming the profile, the host and what to do.
 * Credentials travel only in request headers; no error or message built here contains them.
 */
import { createRequire } from 'node:module';
import type * as OpenSearch from '@opensearch-project/opensearch';
import type { Client } from '@opensearch-project/opensearch';
import { CancelledError, ConnectorError } from '../../errors/index.ts';
import type { ElasticSettings } from './settings.ts';

type OpenSearchModule = typeof OpenSearch;
let loaded: OpenSearchModule | undefined;
/**
 * The client library, loaded when the first client is made: it is a tenth of a second of CPU to load, and most
 * commands that import this module (query translation, file hunts, --help) never talk to a cluster.
 */
function openSearch(): OpenSearchModule {
  return (loaded ??= createRequire(import.meta.url)('@opensearch-project/opensearch') as OpenSearchModule);
}

export interface RequestParams {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  readonly path: string;
  readonly body?: unknown;
  readonly querystring?: Record<string, string | number | boolean>;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** HTTP statuses returned instead of thrown (e.g. 404 for "does the index exist"). */
  readonly ignore?: readonly number[];
  /** Overrides the settings' retry count (doctor probes use 0). */
  readonly retries?: number;
  /** What the request is for, in errors: "searching container1-*". */
  readonly what?: string;
  /** Overrides the settings' per-request timeout (a quick probe). */
  readonly timeoutMs?: number;
}

export interface Response {
  readonly statusCode: number;
  readonly body: unknown;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

/** How often and how patiently a request is sent again: one policy for every request of a client, bulk included. */
export interface RetryPolicy {
  /** Attempts after the first one. */
  readonly retries: number;
  /** Wait before the first retry in ms; it doubles with every retry up to `maxBackoffMs`. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/** The wait before retry `n` (0 for the first) by `p`, ±25% so that parallel writers do not retry in step. */
export function retryDelay(p: RetryPolicy, n: number): number {
  return Math.min(p.maxBackoffMs, p.backoffMs * 2 ** n) * (0.75 + Math.random() * 0.5);
}

function authHeaders(s: ElasticSettings): Record<string, string> {
  switch (s.auth.kind) {
    case 'api_key':
      return { authorization: `ApiKey ${Buffer.from(`${s.auth.id}:${s.auth.apiKey}`).toString('base64')}` };
    case 'basic':
      return {
        authorization: `Basic ${Buffer.from(`${s.auth.username}:${s.auth.password}`).toString('base64')}`,
      };
    case 'bearer':
      return { authorization: `Bearer ${s.auth.token}` };
    case 'none':
      return {};
  }
}

/** The reason of an error body (`error.root_cause[0].reason` or `error.reason`), without request details. */
export function errorReason(body: unknown): string | undefined {
  if (!body || typeof body !== 'object')
    return typeof body === 'string' && body ? body.slice(0, 300) : undefined;
  const e = (body as { error?: unknown }).error;
  if (typeof e === 'string') return e.slice(0, 300);
  if (e && typeof e === 'object') {
    const o = e as { type?: string; reason?: string; root_cause?: Array<{ type?: string; reason?: string }> };
    const rc = o.root_cause?.[0];
    const r = rc?.reason ?? o.reason;
    const t = rc?.type ?? o.type;
    return [t, r].filter(Boolean).join(': ').slice(0, 300) || undefined;
  }
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(t);
      reject(new CancelledError());
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** One cluster of one profile. */
export class ElasticClient {
  readonly settings: ElasticSettings;
  readonly retry: RetryPolicy;
  private readonly client: Client;

  constructor(settings: ElasticSettings) {
    this.settings = settings;
    this.retry = {
      retries: settings.retries,
      backoffMs: settings.backoffMs ?? 250,
      maxBackoffMs: settings.maxBackoffMs ?? 8000,
    };
    this.client = new (openSearch().Client)({
      node: settings.nodes ? [...settings.nodes] : settings.node,
      maxRetries: 0,
      requestTimeout: settings.timeoutMs,
      headers: authHeaders(settings),
      ssl: { rejectUnauthorized: settings.verifyCert, ...(settings.ca ? { ca: settings.ca } : {}) },
      compression: undefined,
    });
  }

  private fail(code: string, message: string, hint: string): ConnectorError {
    return new ConnectorError(
      code,
      `${this.settings.subject ?? `data source "${this.settings.profile}" (${this.settings.hostLabel})`}: ${message}`,
      { hint },
    );
  }

  /** Classifies a client error into a ConnectorError; returns undefined when it is worth retrying. */
  private classify(err: unknown, what: string, retryable: boolean): ConnectorError | undefined {
    const { errors } = openSearch();
    if (err instanceof errors.ResponseError) {
      const status = err.statusCode;
      const reason = errorReason(err.body) ?? `HTTP ${status}`;
      if (retryable && RETRY_STATUS.has(status)) return undefined;
      if (status === 401) {
        return this.fail(
          'E_ELASTIC_AUTH',
          `authentication failed (HTTP 401) while ${what}`,
          `check the credentials in STIXSHIFTER_${this.settings.profile.toUpperCase()}_CONFIG (auth) — wrong username/password or API key`,
        );
      }
      if (status === 403) {
        return this.fail(
          'E_ELASTIC_FORBIDDEN',
          `permission denied (HTTP 403) while ${what}: ${reason}`,
          'the user or API key needs read and view_index_metadata privileges on the indices',
        );
      }
      if (status === 404 && /index_not_found/.test(reason)) {
        return this.fail(
          'E_ELASTIC_NO_INDEX',
          `no such index while ${what}: ${reason}`,
          `check "indices" in STIXSHIFTER_${this.settings.profile.toUpperCase()}_CONNECTION (names and patterns, comma-separated)`,
        );
      }
      if (status === 429 || status >= 500) {
        return this.fail(
          'E_ELASTIC_UNAVAILABLE',
          `the cluster answered HTTP ${status} while ${what}, also after retries: ${reason}`,
          'the cluster is overloaded or failing; retry later or lower options.page_size',
        );
      }
      return this.fail(
        'E_ELASTIC_REQUEST',
        `the cluster rejected the request (HTTP ${status}) while ${what}: ${reason}`,
        'this is likely a Peregrine bug or an unsupported cluster version; run with --debug and report it',
      );
    }
    if (err instanceof errors.TimeoutError) {
      if (retryable) return undefined;
      return this.fail(
        'E_ELASTIC_TIMEOUT',
        `no answer within ${this.settings.timeoutMs / 1000}s while ${what}`,
        'raise options.timeout (seconds) in the profile connection, or narrow the query (START/STOP)',
      );
    }
    if (err instanceof errors.DeserializationError) {
      return this.fail(
        'E_ELASTIC_MALFORMED',
        `the answer to ${what} is not valid JSON`,
        'is the host/port an Elasticsearch or OpenSearch HTTP endpoint (not Kibana or a proxy page)?',
      );
    }
    if (err instanceof errors.ConnectionError) {
      const msg = err.message ?? '';
      if (/certificate|self[- ]signed|SSL|TLS|wrong version number|EPROTO|CERT_|ERR_SSL/i.test(msg)) {
        return this.fail(
          'E_ELASTIC_TLS',
          `TLS handshake failed while ${what}: ${msg.split('\n')[0]}`,
          /wrong version number|EPROTO|ERR_SSL/i.test(msg)
            ? 'the server does not speak TLS on this port: use "host": "http://…"'
            : 'give the CA in "selfSignedCert" (PEM) or set "selfSignedCert": false to skip verification',
        );
      }
      if (retryable && /ECONNRESET|socket hang up|EPIPE|ETIMEDOUT/.test(msg)) return undefined;
      if (/ECONNREFUSED/.test(msg)) {
        return this.fail(
          'E_ELASTIC_UNREACHABLE',
          `connection refused while ${what}`,
          'nothing listens there: check "host" and "port" in the profile connection, and that the cluster is up',
        );
      }
      if (/ENOTFOUND|EAI_AGAIN/.test(msg)) {
        return this.fail(
          'E_ELASTIC_UNREACHABLE',
          `host name not found while ${what}`,
          'check "host" in the profile connection',
        );
      }
      return this.fail(
        'E_ELASTIC_UNREACHABLE',
        `connection failed while ${what}: ${msg.split('\n')[0]}`,
        'check "host" and "port" in the profile connection, and that the cluster is up',
      );
    }
    if (err instanceof errors.RequestAbortedError) return undefined;
    return this.fail(
      'E_ELASTIC_CLIENT',
      `${what} failed: ${(err as Error)?.message ?? String(err)}`,
      'run with --debug for details',
    );
  }

  /** One request with retries; returns the parsed body. */
  async request(p: RequestParams, o: RequestOptions = {}): Promise<Response> {
    const what = o.what ?? `${p.method} ${p.path}`;
    const retries = o.retries ?? this.retry.retries;
    for (let attempt = 0; ; attempt++) {
      if (o.signal?.aborted) throw new CancelledError();
      const req = this.client.transport.request(
        { method: p.method, path: p.path, body: p.body as never, querystring: p.querystring },
        {
          ignore: o.ignore ? [...o.ignore] : undefined,
          ...(o.timeoutMs !== undefined ? { requestTimeout: o.timeoutMs } : {}),
        },
      );
      const onAbort = (): void => req.abort();
      o.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const r = await req;
        return { statusCode: r.statusCode ?? 200, body: r.body };
      } catch (err) {
        if (o.signal?.aborted) throw new CancelledError();
        const e = this.classify(err, what, attempt < retries);
        if (e) throw e;
        await sleep(retryDelay(this.retry, attempt), o.signal);
      } finally {
        o.signal?.removeEventListener('abort', onAbort);
      }
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
