/**
 * The mapping `peregrine ingest --to PROFILE` gives an index it creates: ECS-like field types so that the Elastic
 * backend's structured queries (term, range, CIDR) mean on the cluster what they mean in the embedded store —
 * strings are `keyword`, the store's timestamp columns are `date_nanos`, every field the field map searches for IP
 * addresses is `ip`, the store's numeric columns are `long`. Derived from the store's typed columns and the field
 * map, not written by hand. `ignore_malformed` on the typed (non-keyword) fields: a value that does not fit its type (SysFlow writes
 * `"host.ip": ""`) leaves the field unindexed but keeps the document — as the embedded store does.
 */
import { stixEcsMap } from '../mapping/index.ts';
import { TYPED_COLUMNS } from '../store/ecs/index.ts';

export function ecsIndexMapping(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const put = (field: string, type: string) => {
    const parts = field.split('.');
    let o = properties;
    for (const p of parts.slice(0, -1)) {
      const next = (o[p] ??= { properties: {} }) as { properties?: Record<string, unknown> };
      next.properties ??= {};
      o = next.properties;
    }
    o[parts[parts.length - 1]] = type === 'keyword' ? { type } : { type, ignore_malformed: true };
  };
  for (const c of TYPED_COLUMNS) {
    if (c.kind === 'timestamp') put(c.field, 'date_nanos');
    else if (c.kind === 'long') put(c.field, 'long');
    else if (c.kind === 'ip' || c.kind === 'ip[]') put(c.field, 'ip');
    else put(c.field, 'keyword');
  }
  const map = stixEcsMap();
  for (const key of ['ipv4-addr:value', 'ipv6-addr:value']) {
    for (const f of map.query[key] ?? []) put(typeof f === 'string' ? f : f.field, 'ip');
  }
  return {
    mappings: {
      dynamic_templates: [
        { strings_as_keyword: { match_mapping_type: 'string', mapping: { type: 'keyword' } } },
      ],
      properties,
    },
  };
}
