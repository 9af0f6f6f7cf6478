/**
 * A `stixshifter://NAME` profile read as Elasticsearch/OpenSearch connection settings. Accepts STIX-shifter's and
 * Kestrel's keys: `host`, `port`, `indices` (comma string or list, wildcards allowed), `selfSignedCert` (CA PEM, or
 * false), `options` (`result_limit`, `time_range` minutes, `timeout` s, `retrieval_batch_size`, `single_batch_timeout`,
 * `verify_cert`, `page_size`); config `auth`: `id`+`api_key`, `username`+`password` or `access_token`.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import type { SourceProfile } from '../types.ts';
import { profileError } from '../profiles/index.ts';

export type ElasticAuth =
  | { readonly kind: 'api_key'; readonly id: string; readonly apiKey: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'none' };

export interface ElasticSettings {
  readonly profile: string;
  /** `https://host:port` — no credentials in it. */
  readonly node: string;
  /** `host:port` for messages. */
  readonly hostLabel: string;
  readonly indices: readonly string[];
  readonly auth: ElasticAuth;
  readonly ca?: string;
  readonly verifyCert: boolean;
  readonly pageSize: number;
  readonly resultLimit?: number;
  readonly timeoutMs: number;
  readonly defaultWindowMinutes: number;
  /** Retries of a request that failed for a while (and of bulk items the cluster answered 429 or 5xx). */
  readonly retries: number;
  /** First wait before a retry in ms (default 250); it doubles per retry up to `maxBackoffMs` (default 8000). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Every node when the cluster is given by several URLs (`node` is the first); the client spreads requests. */
  readonly nodes?: readonly string[];
  /** How errors name the cluster; default `data source "PROFILE" (host:port)`. */
  readonly subject?: string;
  /** Parallel slices of a pull (options.slices, default 1). */
  readonly slices: number;
}

const num = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]);

const ConnectionSchema = z
  .object({
    host: z.string().min(1, 'must not be empty'),
    port: num.pipe(z.number().int().min(1).max(65535)).optional(),
    indices: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    index: z.string().min(1).optional(),
    scheme: z.enum(['http', 'https']).optional(),
    selfSignedCert: z.union([z.string(), z.boolean()]).optional(),
    ca: z.string().optional(),
    options: z
      .object({
        result_limit: num.pipe(z.number().int().positive()).optional(),
        time_range: num.pipe(z.number().min(0)).optional(),
        timeout: num.pipe(z.number().positive()).optional(),
        single_batch_timeout: num.pipe(z.number().positive()).optional(),
        retrieval_batch_size: num.pipe(z.number().int().positive()).optional(),
        page_size: num.pipe(z.number().int().positive().max(10000)).optional(),
        verify_cert: bool.optional(),
        retries: num.pipe(z.number().int().min(0).max(10)).optional(),
        slices: num.pipe(z.number().int().min(1).max(64)).optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

const AuthSchema = z.union([
  z.object({ id: z.string().min(1), api_key: z.string().min(1) }).strict(),
  z.object({ username: z.string().min(1), password: z.string() }).strict(),
  z.object({ access_token: z.string().min(1) }).strict(),
]);

const ConfigSchema = z.object({ auth: z.unknown().optional() }).passthrough();

function zodFail(
  profile: SourceProfile,
  section: 'connection' | 'config',
  e: z.ZodError,
  prefix: (string | number)[] = [],
): never {
  const issue = e.issues[0];
  const path = [...prefix, ...issue.path];
  throw profileError(
    profile,
    section,
    path,
    issue.message,
    section === 'config'
      ? 'auth takes {"id","api_key"}, {"username","password"} or {"access_token"}'
      : undefined,
  );
}

/** Reads and validates the settings of an elastic_ecs profile; errors name the variable and JSON position. */
export function elasticSettings(profile: SourceProfile): ElasticSettings {
  const c = ConnectionSchema.safeParse(profile.connection);
  if (!c.success) zodFail(profile, 'connection', c.error);
  const conf = ConfigSchema.safeParse(profile.config);
  if (!conf.success) zodFail(profile, 'config', conf.error);
  let auth: ElasticAuth = { kind: 'none' };
  if (conf.data.auth !== undefined) {
    const a = AuthSchema.safeParse(conf.data.auth);
    if (!a.success) {
      // never echo the values: report only which keys are wrong
      const keys =
        conf.data.auth && typeof conf.data.auth === 'object'
          ? Object.keys(conf.data.auth).join(', ')
          : typeof conf.data.auth;
      throw profileError(
        profile,
        'config',
        ['auth'],
        `unsupported auth (keys: ${keys || 'none'})`,
        'auth takes {"id","api_key"}, {"username","password"} or {"access_token"}',
      );
    }
    const v = a.data;
    auth =
      'api_key' in v
        ? { kind: 'api_key', id: v.id, apiKey: v.api_key }
        : 'username' in v
          ? { kind: 'basic', username: v.username, password: v.password }
          : { kind: 'bearer', token: v.access_token };
  }
  const d = c.data;
  let host = d.host.trim();
  let scheme = d.scheme;
  const m = /^(https?):\/\/(.*)$/.exec(host);
  if (m) {
    scheme = m[1] as 'http' | 'https';
    host = m[2];
  }
  host = host.replace(/\/+$/, '');
  let port = d.port;
  const hp = /^(.*):(\d+)$/.exec(host);
  if (hp && !host.includes(']') && port === undefined) {
    host = hp[1];
    port = Number(hp[2]);
  }
  if (port === undefined)
    throw profileError(
      profile,
      'connection',
      ['port'],
      'is missing',
      'add "port": 9200 (or the port of your cluster)',
    );
  const rawIndices = d.indices ?? d.index;
  if (rawIndices === undefined)
    throw profileError(
      profile,
      'connection',
      ['indices'],
      'is missing',
      'add "indices": "logs-*" (comma-separated names or patterns)',
    );
  const indices = (Array.isArray(rawIndices) ? rawIndices : rawIndices.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const o = d.options ?? {};
  const ca =
    typeof d.selfSignedCert === 'string' && d.selfSignedCert.includes('BEGIN CERTIFICATE')
      ? d.selfSignedCert
      : d.ca;
  // STIX-shifter: selfSignedCert false = do not check the certificate; a PEM = trust that CA
  const verifyCert =
    o.verify_cert ?? (d.selfSignedCert === false || d.selfSignedCert === 'false' ? false : true);
  const h = checkedHost(profile, host);
  return {
    profile: profile.name,
    node: `${scheme ?? 'https'}://${h}:${port}`,
    hostLabel: `${h}:${port}`,
    indices,
    auth,
    ca,
    verifyCert,
    pageSize: o.page_size ?? Math.min(o.retrieval_batch_size ?? 5000, 10000),
    resultLimit: o.result_limit,
    timeoutMs: 1000 * (o.single_batch_timeout ?? o.timeout ?? 60),
    defaultWindowMinutes: o.time_range ?? 5,
    retries: o.retries ?? 4,
    slices: o.slices ?? 1,
  };
}

/**
 * `host` as it goes into a URL (an IPv6 address bracketed), or a profile error at "host" when it is no host name or
 * address: checked by its form only, never by resolving it.
 */
function checkedHost(profile: SourceProfile, host: string): string {
  const fail = (why: string, hint: string): never => {
    throw profileError(profile, 'connection', ['host'], why, hint);
  };
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIPv6(bare)) return `[${bare}]`;
  if (/^[^:]*:\d+$/.test(host)) fail(`"${host}" holds a port and "port" is given too`, 'give the port once: "host": "localhost", "port": 9200');
  if (isIPv4(host)) return host;
  const label = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;
  if (host.length <= 253 && host.replace(/\.$/, '').split('.').every((l) => label.test(l))) return host;
  return fail(
    `"${host}" is not a host name or IP address`,
    'write "host": "localhost", "10.0.0.5" or "es.example.internal" (letters, digits, - and . only; "https://name:9200" also works)',
  );
}

/** Settings of a cluster given by node URLs and options (the SysFlow exporter's `es.*`) rather than by a profile. */
export function nodeSettings(o: {
  readonly nodes: readonly string[];
  /** How errors name the cluster: "bulk export to …". */
  readonly subject: string;
  readonly username?: string;
  readonly password?: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}): ElasticSettings {
  const host = (url: string): string => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  };
  return {
    profile: o.subject,
    subject: o.subject,
    node: o.nodes[0] ?? '',
    nodes: o.nodes,
    hostLabel: o.nodes.map(host).join(','),
    indices: [],
    auth: o.username ? { kind: 'basic', username: o.username, password: o.password ?? '' } : { kind: 'none' },
    verifyCert: true,
    pageSize: 5000,
    timeoutMs: o.timeoutMs,
    defaultWindowMinutes: 5,
    retries: o.retries,
    backoffMs: o.backoffMs,
    maxBackoffMs: o.maxBackoffMs,
    slices: 1,
  };
}
