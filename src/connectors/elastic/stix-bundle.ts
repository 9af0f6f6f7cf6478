/**
 * Observations → STIX bundles, as `stix-shifter translate … results` and `execute` write them:
 *
 * - **2.0**: the data-source identity, then one observed-data per observation with its `objects` map.
 * - **2.1**: SCOs become top-level objects with deterministic ids (UUIDv5 in the STIX namespace over the
 *   ID-contributing properties of the spec, references resolved to ids first — so two documents with the same
 *   port pair but different addresses never share a network-traffic id); observed-data lists them in `object_refs`.
 *   Attributes renamed in 2.1 (process `binary_ref`→`image_ref`, `created`→`created_time`; file times) are renamed;
 *   names 2.1 reserves on observables (`action`, `severity`, …) become `x_action`, …; a network-traffic with neither
 *   `src_ref` nor `dst_ref` (a DNS-only event) is invalid in 2.1 and left out, with the references to it.
 */
import { createHash } from 'node:crypto';
import type { Observation, StixObject } from '../../stix/observation.ts';

/** The STIX 2.1 namespace for SCO UUIDv5 ids. */
const STIX_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

export interface Identity {
  readonly type: 'identity';
  readonly id: string;
  readonly name: string;
  readonly identity_class: string;
  readonly [k: string]: unknown;
}

export const DEFAULT_IDENTITY: Identity = {
  type: 'identity',
  id: 'identity--f431f809-377b-45e0-aa1c-6a4751cae5ff',
  name: 'elastic_ecs',
  identity_class: 'events',
};

export function uuidv5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** RFC 8785-style canonical JSON (sorted keys, no whitespace) — what the spec hashes for SCO ids. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** ID-contributing properties per SCO type (STIX 2.1 §6); custom and unlisted types hash every property. */
const ID_PROPS: Record<string, readonly string[]> = {
  artifact: ['hashes', 'payload_bin'],
  'autonomous-system': ['number'],
  directory: ['path'],
  'domain-name': ['value'],
  'email-addr': ['value'],
  'email-message': ['from_ref', 'subject', 'body'],
  file: ['hashes', 'name', 'extensions', 'parent_directory_ref'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': [
    'start',
    'end',
    'src_ref',
    'dst_ref',
    'src_port',
    'dst_port',
    'protocols',
    'extensions',
  ],
  software: ['name', 'cpe', 'swid', 'vendor', 'version'],
  url: ['value'],
  'user-account': ['account_type', 'user_id', 'account_login'],
  'windows-registry-key': ['key', 'values'],
  'x509-certificate': ['hashes', 'serial_number'],
};

const RENAME_21: Record<string, Record<string, string>> = {
  process: { binary_ref: 'image_ref', created: 'created_time' },
  file: { created: 'ctime', modified: 'mtime', accessed: 'atime' },
};

/** Property names STIX 2.1 reserves on observables (the schema rejects them): custom objects get `x_` names. */
const RESERVED_21 = new Set(['severity', 'action', 'username', 'phone_numbers']);

/** 2.1 objects that would be invalid: network-traffic needs src_ref or dst_ref (DNS-only events have neither). */
function invalid21(o: StixObject): boolean {
  return o.type === 'network-traffic' && o.src_ref === undefined && o.dst_ref === undefined;
}

const isRefKey = (k: string): boolean => k.endsWith('_ref') || k.endsWith('_refs');

/** Rewrites every `*_ref(s)` (at any depth, e.g. in extensions) through `f`. */
function mapRefs(v: unknown, key: string, f: (ref: string) => string | undefined): unknown {
  if (isRefKey(key)) {
    if (Array.isArray(v)) {
      const refs = v.map((x) => f(String(x))).filter((x) => x !== undefined);
      return refs.length ? refs : undefined;
    }
    return f(String(v));
  }
  if (Array.isArray(v)) return v.map((x) => mapRefs(x, '', f));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = mapRefs(x, k, f);
      if (y !== undefined) out[k] = y;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v;
}

/** The SCOs of one observation as STIX 2.1 objects with deterministic ids, and the key → id map. */
export function toStix21Objects(obs: Observation): {
  objects: Record<string, unknown>[];
  ids: Map<string, string>;
} {
  const ids = new Map<string, string>();
  const visiting = new Set<string>();
  const idOf = (key: string): string | undefined => {
    const known = ids.get(key);
    if (known) return known;
    const o = obs.objects[key];
    if (!o || invalid21(o)) return undefined;
    if (visiting.has(key)) return undefined; // a reference cycle contributes nothing to the id
    visiting.add(key);
    const resolved = mapRefs(o, '', idOf) as StixObject;
    visiting.delete(key);
    const props = ID_PROPS[o.type];
    const contributing: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(resolved)) {
      if (k === 'type') continue;
      if (props ? props.includes(k) : true) contributing[k] = v;
    }
    // no contributing property present: hash everything so distinct objects stay distinct
    const basis = Object.keys(contributing).length ? contributing : resolved;
    const id = `${o.type}--${uuidv5(STIX_NAMESPACE, canonicalJson(basis))}`;
    ids.set(key, id);
    return id;
  };
  for (const k of Object.keys(obs.objects)) idOf(k);
  const objects: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const [k, o] of Object.entries(obs.objects)) {
    const id = ids.get(k);
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    const resolved = mapRefs(o, '', (r) => ids.get(r)) as Record<string, unknown>;
    const rename = RENAME_21[o.type] ?? {};
    const out: Record<string, unknown> = { type: o.type, spec_version: '2.1', id };
    for (const [a, v] of Object.entries(resolved)) {
      if (a !== 'type') out[rename[a] ?? (RESERVED_21.has(a) ? `x_${a}` : a)] = v;
    }
    if (o.type === 'email-message' && out.is_multipart === undefined) out.is_multipart = false;
    objects.push(out);
  }
  return { objects, ids };
}

export interface BundleOptions {
  readonly stix21?: boolean;
  readonly identity?: Identity;
  /** created/modified of the observed-data (default: now). */
  readonly created?: string;
}

/** A whole bundle (in memory: for the CLI verbs; the hunt cache takes observations directly). */
export function toBundle(
  observations: Iterable<Observation>,
  o: BundleOptions = {},
): Record<string, unknown> {
  const identity = o.identity ?? DEFAULT_IDENTITY;
  const created = o.created ?? new Date().toISOString();
  const objects: unknown[] = [
    o.stix21 ? { ...identity, spec_version: '2.1', created, modified: created } : identity,
  ];
  const seen = new Set<string>();
  const obsIds: string[] = [];
  for (const obs of observations) {
    obsIds.push(obs.id);
    const base = {
      id: obs.id,
      type: 'observed-data',
      created_by_ref: identity.id,
      created,
      modified: created,
      first_observed: obs.first_observed,
      last_observed: obs.last_observed,
      number_observed: obs.number_observed,
    };
    if (!o.stix21) {
      objects.push({ ...base, objects: obs.objects });
      continue;
    }
    const { objects: scos } = toStix21Objects(obs);
    objects.push({ ...base, spec_version: '2.1', object_refs: scos.map((s) => s.id) });
    for (const s of scos) {
      if (seen.has(s.id as string)) continue;
      seen.add(s.id as string);
      objects.push(s);
    }
  }
  const bundleId = `bundle--${uuidv5(STIX_NAMESPACE, obsIds.join(','))}`;
  return o.stix21
    ? { type: 'bundle', id: bundleId, objects }
    : { type: 'bundle', id: bundleId, spec_version: '2.0', objects };
}
