/**
 * Opening the data sources a GET names. Bundle URIs (`file://`, `http(s)://`, bare paths) go to the registry as one
 * comma-separated list (the bundle connector reads them as one source); a list that names stixshifter profiles
 * (`FROM host1, host2` or `stixshifter://a,stixshifter://b`) is opened part by part and queried one after another,
 * as one source whose EXPLAIN lists every part's native query.
 */
import { isProfileUri, openSource, type OpenSourceOptions } from '../../connectors/registry.ts';
import type { DataSource, QueryContext } from '../../connectors/types.ts';
import type { Observation } from '../../stix/observation.ts';
import type { SourceQuery } from '../plan/index.ts';

function composite(uri: string, parts: readonly DataSource[]): DataSource {
  return {
    uri,
    connector: [...new Set(parts.map((p) => p.connector))].join('+'),
    async *query(q: SourceQuery, ctx?: QueryContext): AsyncIterable<Observation> {
      let left = q.limit;
      for (const p of parts) {
        if (left !== undefined && left <= 0) return;
        for await (const o of p.query(left === undefined ? q : { ...q, limit: left }, ctx)) {
          yield o;
          if (left !== undefined && --left <= 0) return;
        }
      }
    },
    explain(q: SourceQuery): unknown {
      return parts.map((p) => ({ source: p.uri, connector: p.connector, query: p.explain(q) }));
    },
    async close(): Promise<void> {
      for (const p of parts) await p.close?.();
    },
  };
}

/** Opens `uri` (possibly a comma-separated list) as one data source. */
export async function openSources(uri: string, options: OpenSourceOptions = {}): Promise<DataSource> {
  const parts = uri
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
  if (parts.length <= 1 || !parts.some((p) => isProfileUri(p))) return openSource(uri, options);
  const opened: DataSource[] = [];
  for (const p of parts) opened.push(await openSource(p, options));
  return composite(uri, opened);
}
