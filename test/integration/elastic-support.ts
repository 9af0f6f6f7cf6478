/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers of the test server */
/**
 * Shared by the elastic integration tests: the test OpenSearch's URL, ECS index templates, bulk loading, a
 * deterministic document generator, and a fault-injecting HTTP proxy in front of the real OpenSearch (house rule 7:
 * never a mock — the proxy forwards to the real server and breaks or alters what passes through).
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const OS_URL = process.env.PEREGRINE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200';

export async function os(method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(`${OS_URL}${path}`, {
    method,
    headers: { 'content-type': typeof body === 'string' ? 'application/x-ndjson' : 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return text ? JSON.parse(text) : {};
}

/** An ECS index template: strings are keywords (as in the ECS templates), addresses `ip`, times `date_nanos`. */
export async function ensureEcsTemplate(pattern: string): Promise<void> {
  const ip = { type: 'ip', ignore_malformed: true };
  await os('PUT', `/_index_template/peregrine-${pattern.replace(/\W/g, '')}`, {
    index_patterns: [pattern],
    template: {
      settings: { number_of_shards: 2, number_of_replicas: 0, 'index.max_result_window': 500 },
      mappings: {
        dynamic_templates: [{ strings: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }],
        properties: {
          '@timestamp': { type: 'date_nanos' },
          source: { properties: { ip, port: { type: 'long' } } },
          destination: { properties: { ip, port: { type: 'long' } } },
          host: { properties: { ip } },
          client: { properties: { ip } },
          server: { properties: { ip } },
          dns: { properties: { resolved_ip: ip } },
          process: {
            properties: {
              pid: { type: 'long' },
              start: { type: 'date_nanos' },
              parent: { properties: { pid: { type: 'long' }, start: { type: 'date_nanos' } } },
            },
          },
          event: {
            properties: {
              start: { type: 'date_nanos' },
              end: { type: 'date_nanos' },
              created: { type: 'date' },
            },
          },
        },
      },
    },
  });
}

export async function bulkLoad(index: string, docs: Array<{ id: string; doc: unknown }>): Promise<void> {
  await os('DELETE', `/${index}`);
  const lines: string[] = [];
  for (const d of docs)
    lines.push(JSON.stringify({ index: { _index: index, _id: d.id } }), JSON.stringify(d.doc));
  for (let i = 0; i < lines.length; i += 2000) {
    const r = await os('POST', '/_bulk?refresh=false', lines.slice(i, i + 2000).join('\n') + '\n');
    if (r.errors)
      throw new Error(
        `bulk load into ${index} failed: ${JSON.stringify(r.items.find((x: any) => x.index?.error))}`,
      );
  }
  await os('POST', `/${index}/_refresh`);
}

const NAMES = ['bash', 'curl', 'python3', 'nginx', 'sshd'];

/**
 * `n` SysFlow-shaped ECS documents, one per second from 2020-06-30T00:00:00Z: process events, every 3rd with network
 * traffic, every 7th with a file, every 10th tagged with a MITRE technique.
 */
export function generateDocs(n: number): Array<{ id: string; doc: Record<string, unknown> }> {
  const out: Array<{ id: string; doc: Record<string, unknown> }> = [];
  const t0 = Date.parse('2020-06-30T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const name = NAMES[i % NAMES.length];
    const doc: Record<string, unknown> = {
      '@timestamp': new Date(t0 + i * 1000).toISOString(),
      event: {
        kind: 'event',
        category: i % 3 === 0 ? 'network' : 'process',
        action: i % 3 === 0 ? 'network-connection' : 'process-start',
      },
      host: { id: `host-${i % 2}`, ip: i % 2 ? '10.0.0.2' : '10.0.0.1' },
      process: {
        pid: 1000 + i,
        name,
        executable: `/usr/bin/${name}`,
        command_line: `/usr/bin/${name} --run ${i}`,
        parent: { pid: 500 + (i % 50), name: 'bash', executable: '/bin/bash' },
      },
      user: { id: i % 4, name: i % 4 === 0 ? 'root' : `user${i % 4}` },
    };
    if (i % 3 === 0) {
      doc.source = { ip: `192.168.1.${i % 250}`, port: 40000 + (i % 1000) };
      doc.destination = { ip: i % 2 ? '93.184.216.34' : '10.0.0.53', port: [443, 80, 53, 8080][i % 4] };
      doc.network = { transport: i % 4 === 2 ? 'udp' : 'tcp' };
    }
    if (i % 7 === 0) doc.file = { path: `/tmp/f${i}.sh`, name: `f${i}.sh`, directory: '/tmp' };
    if (i % 10 === 0) doc.tags = ['mitre:T1059', `mitre:T10${i % 9}`];
    out.push({ id: `g${i}`, doc });
  }
  return out;
}

/** What the proxy does to the traffic; tests change it between requests. */
export interface FaultPlan {
  /** Require this HTTP basic auth (401 otherwise), as a secured cluster does. */
  auth?: { username: string; password: string };
  /** Answer the next N matching requests with this status. */
  fail?: { status: number; count: number; match?: RegExp };
  /** Let this many search/scroll requests through, then drop the connection of every later one. */
  dieAfterSearches?: number;
  /** Answer searches with a body that is not JSON. */
  malformed?: boolean;
  /** Delay every answer by this many ms. */
  delayMs?: number;
  /** Report a failed shard in every search answer. */
  shardFailure?: boolean;
  /** Rewrite the answers of the next `count` bulk items to this status (the server did write them). */
  bulkItems?: { status: number; count: number };
}

export interface FaultProxy {
  readonly port: number;
  plan: FaultPlan;
  searches: number;
  close(): Promise<void>;
}

const isSearch = (url: string): boolean => /_search(\/scroll)?(\?|$)/.test(url) && !/point_in_time/.test(url);

export async function startFaultProxy(): Promise<FaultProxy> {
  const target = new URL(OS_URL);
  const state: FaultProxy = { port: 0, plan: {}, searches: 0, close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const p = state.plan;
      const url = req.url ?? '/';
      const send = (status: number, body: string): void => {
        const go = (): void => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(body);
        };
        if (p.delayMs) setTimeout(go, p.delayMs);
        else go();
      };
      if (p.auth) {
        const want = `Basic ${Buffer.from(`${p.auth.username}:${p.auth.password}`).toString('base64')}`;
        if (req.headers.authorization !== want) {
          send(
            401,
            JSON.stringify({
              error: { type: 'security_exception', reason: 'unable to authenticate user' },
              status: 401,
            }),
          );
          return;
        }
      }
      if (p.fail && p.fail.count > 0 && (!p.fail.match || p.fail.match.test(url))) {
        p.fail.count--;
        send(
          p.fail.status,
          JSON.stringify({
            error: { type: 'injected', reason: `injected ${p.fail.status}` },
            status: p.fail.status,
          }),
        );
        return;
      }
      if (isSearch(url)) {
        state.searches++;
        if (p.dieAfterSearches !== undefined && state.searches > p.dieAfterSearches) {
          req.socket.destroy();
          return;
        }
        if (p.malformed) {
          send(200, '<html>this is not an OpenSearch answer</html>');
          return;
        }
      }
      const fwd = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: url,
          headers: { ...req.headers, host: target.host },
        },
        (up) => {
          const out: Buffer[] = [];
          up.on('data', (c: Buffer) => out.push(c));
          up.on('end', () => {
            let body = Buffer.concat(out).toString('utf8');
            if (p.shardFailure && isSearch(url) && up.statusCode === 200) {
              const j = JSON.parse(body);
              j._shards = {
                ...j._shards,
                failed: 1,
                failures: [{ shard: 1, reason: { type: 'injected', reason: 'shard lost' } }],
              };
              body = JSON.stringify(j);
            }
            if (p.bulkItems && /^\/_bulk(\?|$)/.test(url) && up.statusCode === 200) {
              const j = JSON.parse(body);
              for (const item of j.items) {
                if (p.bulkItems.count <= 0) break;
                p.bulkItems.count--;
                const answer = Object.values(item)[0] as Record<string, unknown>;
                answer.status = p.bulkItems.status;
                answer.error = { type: 'injected', reason: `injected ${p.bulkItems.status}` };
              }
              j.errors = true;
              body = JSON.stringify(j);
            }
            send(up.statusCode ?? 502, body);
          });
        },
      );
      fwd.on('error', () => req.socket.destroy());
      fwd.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (state as { port: number }).port = (server.address() as AddressInfo).port;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
