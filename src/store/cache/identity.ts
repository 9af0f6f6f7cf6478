/**
 * Entity identity: which records of the hunt cache are the same entity. The rules follow Kestrel 1.x and firepit
 * (facts from `kestrel/codegen/relations.py` `stix_2_0_identical_mapping` and `firepit/stix21.py` `ID_PROPS`):
 *
 * - addresses, domain names, URLs, e-mail addresses: `value`;
 * - user-account: `user_id` (else firepit's `account_type`/`account_login` id properties);
 * - process: `x_unique_id`, else a unique id from an extension (`process_uid`, `process_guid`, …), else — when the
 *   observation names its host (`x-oca-asset` `host_id`/`hostname`) — pid, host and the observation's
 *   `last_observed` (firepit's rule); else every record is its own entity, as firepit's random ids make it (so
 *   Kestrel's process counts are record counts). Re-fetching the same observation gives the same key;
 * - file: the first hash by preference MD5, SHA-1, SHA-256, SHA-512 (else the first hash by name), else `name` with
 *   the parent directory's `path`;
 * - network-traffic: its endpoints (the values `src_ref`/`dst_ref` point to), ports, protocols and start/end;
 * - other types: firepit's ID-contributing properties, else the whole object without references.
 *
 * The key is a string `type|…`; two records with equal keys are one entity.
 */
import type { Observation, StixObject } from '../../stix/observation.ts';

const VALUE_TYPES = new Set(['ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name', 'url', 'email-addr']);
const HASH_PREFERENCE = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512'];
const PROCESS_UNIQUE_ID_PROPS = ['process_id', 'process_uid', 'process_unique_id', 'process_guid'];

/** firepit's ID-contributing properties for the remaining types. */
const ID_PROPS: Record<string, readonly string[]> = {
  artifact: ['hashes', 'payload_bin'],
  'autonomous-system': ['number'],
  directory: ['path'],
  'email-message': ['from_ref', 'subject', 'body'],
  mutex: ['name'],
  software: ['name', 'cpe', 'swid', 'vendor', 'version'],
  'windows-registry-key': ['key'],
  'x509-certificate': ['hashes', 'serial_number'],
  'x-oca-asset': ['device_id', 'host_id', 'hostname', 'name'],
};

/** The attribute Kestrel uses to search for the same entity elsewhere (prefetch); undefined = none usable. */
export const IDENTITY_ATTRIBUTE: Readonly<Record<string, string>> = {
  directory: 'path',
  'domain-name': 'value',
  'email-addr': 'value',
  file: 'name',
  'ipv4-addr': 'value',
  'ipv6-addr': 'value',
  'mac-addr': 'value',
  mutex: 'name',
  software: 'name',
  url: 'value',
  'user-account': 'user_id',
  'windows-registry-key': 'key',
  'x-oca-asset': 'device_id',
};

/**
 * Canonical JSON of `v` (object keys sorted; `undefined` as `null`). Written with plain loops: this runs for every
 * network-traffic record, and under tsx (esbuild `keepNames`) every closure created in a hot path costs a
 * `defineProperty` call.
 */
function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  let out: string;
  if (Array.isArray(v)) {
    out = '[';
    for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + stable(v[i]);
    return out + ']';
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  out = '{';
  for (let i = 0; i < keys.length; i++)
    out += (i ? ',' : '') + JSON.stringify(keys[i]) + ':' + stable(o[keys[i]!]);
  return out + '}';
}

/** The `value` of the object a network-traffic endpoint reference names, else null. */
function endpoint(ref: unknown, objects: Record<string, StixObject>): unknown {
  return typeof ref === 'string' ? (objects[ref]?.value ?? null) : null;
}

function firstHash(hashes: unknown): string | undefined {
  if (!hashes || typeof hashes !== 'object') return undefined;
  const h = hashes as Record<string, unknown>;
  const norm = new Map<string, string>();
  for (const [k, v] of Object.entries(h))
    if (typeof v === 'string' && v) norm.set(k.replace(/'/g, '').toUpperCase(), v);
  for (const name of HASH_PREFERENCE) {
    const v = norm.get(name);
    if (v) return `${name}:${v.toLowerCase()}`;
  }
  const first = [...norm.keys()].sort()[0];
  return first ? `${first}:${norm.get(first)!.toLowerCase()}` : undefined;
}

/** Identity key of `obj`, the object under `key` of observation `ob`'s `objects`. */
export function entityKey(
  obj: StixObject,
  key: string,
  objects: Record<string, StixObject>,
  ob: Pick<Observation, 'id' | 'first_observed' | 'last_observed'>,
): string {
  const t = obj.type;
  if (VALUE_TYPES.has(t) && obj.value !== undefined) return `${t}|${String(obj.value)}`;
  switch (t) {
    case 'user-account':
      if (obj.user_id !== undefined) return `${t}|${String(obj.user_id)}`;
      return `${t}|${stable([obj.account_type, obj.account_login])}`;
    case 'process': {
      if (obj.x_unique_id !== undefined) return `${t}|u|${String(obj.x_unique_id)}`;
      const exts = obj.extensions;
      if (exts && typeof exts === 'object') {
        for (const ext of Object.values(exts as Record<string, Record<string, unknown>>)) {
          for (const p of PROCESS_UNIQUE_ID_PROPS) if (ext?.[p]) return `${t}|u|${String(ext[p])}`;
        }
      }
      if (obj.pid !== undefined) {
        for (const o of Object.values(objects)) {
          const host = o?.type === 'x-oca-asset' ? (o.host_id ?? o.hostname) : undefined;
          if (host !== undefined)
            return `${t}|a|${String(obj.pid)}|${String(host)}|${ob.last_observed ?? ob.first_observed}`;
        }
      }
      // firepit gives such a process a random id: every record is its own entity (stable across re-fetches).
      return `${t}|r|${ob.id}|${key}`;
    }
    case 'file': {
      const h = firstHash(obj.hashes);
      if (h) return `${t}|h|${h}`;
      if (obj.name !== undefined) {
        const dir =
          typeof obj.parent_directory_ref === 'string' ? objects[obj.parent_directory_ref]?.path : undefined;
        return `${t}|n|${String(obj.name)}|${dir === undefined ? '' : String(dir)}`;
      }
      break;
    }
    case 'network-traffic': {
      const src = endpoint(obj.src_ref, objects);
      const dst = endpoint(obj.dst_ref, objects);
      return `${t}|${stable([src, dst, obj.src_port, obj.dst_port, obj.protocols, obj.start, obj.end])}`;
    }
    default: {
      const props = ID_PROPS[t];
      if (props) {
        const contrib: Record<string, unknown> = {};
        for (const p of props) {
          if (obj[p] === undefined) continue;
          if (p === 'hashes') contrib[p] = firstHash(obj[p]);
          else if (p.endsWith('_ref') && typeof obj[p] === 'string')
            contrib[p] = objects[obj[p] as string]?.value ?? null;
          else contrib[p] = obj[p];
        }
        if (Object.keys(contrib).length > 0) return `${t}|${stable(contrib)}`;
      }
    }
  }
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!k.endsWith('_ref') && !k.endsWith('_refs')) rest[k] = v;
  return `${t}|${stable(rest)}`;
}
