/**
 * STIX 2.0 observed-data → one ECS document: the `objects` section of the field map read backwards (written by H7 for
 * `peregrine ingest` of STIX bundles; additive, not part of the mapping's public face yet).
 *
 * Each STIX object is given the object spec it plays: objects no other object references take the primary spec of
 * their type (`process` → `proc`, `ipv4-addr` → `src_ip`, …); referenced objects take the spec the referencing spec's
 * ref names (`proc.parent_ref` → `parent`, `nt.dst_ref` → `dst_ip`). Then every property the spec maps from a single
 * ECS field (no lossy transform) is written back to that field. Objects for which no spec is free (a second unrelated
 * process in one observation) are reported as `dropped`, never silently lost.
 */
import type { Observation, StixObject } from '../stix/observation.ts';
import type { FieldMapData, ObjectSpec, PropSpec, RefSpec } from './schema.ts';

const PRIMARY: Record<string, string> = {
  process: 'proc',
  file: 'file',
  directory: 'file_dir',
  'network-traffic': 'nt',
  'ipv4-addr': 'src_ip',
  'ipv6-addr': 'src_ip',
  'mac-addr': 'src_mac',
  'user-account': 'user',
  'domain-name': 'dns_q',
  url: 'url',
  'x-oca-event': 'event',
  'x-oca-asset': 'asset',
  software: 'os',
  'windows-registry-key': 'registry',
  'email-message': 'email',
  'email-addr': 'email_from',
  artifact: 'artifact',
};

/** Transforms whose inverse is the identity on the values they produce. */
const INVERTIBLE = new Set(['string', 'int', 'lowercase', 'ip', 'nonempty']);

export interface StixToEcsResult {
  readonly doc: Record<string, unknown>;
  /** Objects that found no spec to play (`type` and key). */
  readonly dropped: readonly string[];
}

function specType(spec: ObjectSpec): string[] {
  return spec.type === '@ip' ? ['ipv4-addr', 'ipv6-addr'] : [spec.type];
}

function refTargets(r: RefSpec): string[] {
  if (typeof r === 'string') return [r];
  if (Array.isArray(r)) return r;
  return typeof r.to === 'string' ? [r.to] : r.to;
}

function getPath(o: unknown, path: readonly string[]): unknown {
  let cur = o;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function setField(doc: Record<string, unknown>, field: string, value: unknown): void {
  const parts = field.split('.');
  let o = doc;
  for (const p of parts.slice(0, -1)) {
    const next = o[p];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  const leaf = parts[parts.length - 1];
  if (o[leaf] === undefined) o[leaf] = value;
}

function sourceField(spec: PropSpec): string | undefined {
  if (typeof spec === 'string') return spec.startsWith('$') ? undefined : spec;
  if ('const' in spec) return undefined;
  if (spec.transform && !INVERTIBLE.has(spec.transform)) return undefined;
  const from = Array.isArray(spec.from) ? spec.from[0] : spec.from;
  return from.startsWith('$') ? undefined : from;
}

/** A converter for one field map; call it per observation. */
export function compileStixToEcs(map: FieldMapData): (obs: Observation) => StixToEcsResult {
  const specs = new Map(map.objects.filter((s) => !s.each).map((s) => [s.id, s]));
  return (obs) => {
    const doc: Record<string, unknown> = {};
    if (obs.first_observed) doc[map.timestamp] = obs.first_observed;
    const objects = obs.objects ?? {};
    const referenced = new Set<string>();
    for (const o of Object.values(objects)) {
      for (const [k, v] of Object.entries(o)) {
        if (k.endsWith('_ref') && typeof v === 'string') referenced.add(v);
        if (k.endsWith('_refs') && Array.isArray(v)) for (const x of v) referenced.add(String(x));
      }
    }
    const role = new Map<string, ObjectSpec>();
    const used = new Set<string>();
    const assign = (key: string, spec: ObjectSpec | undefined) => {
      const o = objects[key] as StixObject | undefined;
      if (!o || !spec || role.has(key) || used.has(spec.id) || !specType(spec).includes(o.type)) return;
      role.set(key, spec);
      used.add(spec.id);
      for (const [refName, r] of Object.entries(spec.refs ?? {})) {
        const targets = refTargets(r);
        const v = getPath(o, refName.split('.'));
        const keys = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
        keys.forEach((k, i) => assign(k, specs.get(targets[Math.min(i, targets.length - 1)])));
      }
    };
    const roots = Object.keys(objects).filter((k) => !referenced.has(k));
    // events first: their refs decide the roles of the objects they point at
    roots.sort(
      (a, b) => Number(objects[b]?.type === 'x-oca-event') - Number(objects[a]?.type === 'x-oca-event'),
    );
    for (const key of roots) assign(key, specs.get(PRIMARY[objects[key]?.type ?? ''] ?? ''));
    for (const key of Object.keys(objects)) {
      if (role.has(key)) continue;
      const type = objects[key]?.type;
      assign(
        key,
        specs.get(PRIMARY[type ?? ''] ?? '') ??
          [...specs.values()].find((s) => !used.has(s.id) && specType(s).includes(type ?? '')),
      );
    }
    const dropped: string[] = [];
    for (const [key, o] of Object.entries(objects)) {
      const spec = role.get(key);
      if (!spec) {
        dropped.push(`${o.type} ${key}`);
        continue;
      }
      for (const [attr, p] of Object.entries(spec.props)) {
        const field = sourceField(p);
        if (!field) continue;
        const v = getPath(o, attr.split('.'));
        if (v !== undefined && v !== null) setField(doc, field, v);
      }
    }
    return { doc, dropped };
  };
}
