/**
 * STIX 2.1 → the STIX 2.0 observation form the runtime ingests. In 2.1 the cyber-observables are top-level objects
 * with ids and `observed-data` lists them in `object_refs`; in 2.0 they sit inside `observed-data.objects` under
 * local keys. Conversion: the SCOs an observed-data references, plus everything they reference in turn (`*_ref`,
 * `*_refs`, also inside extensions), get keys "0", "1", … in reference order, and every reference to one of them is
 * rewritten to its key. References to objects that are not in the bundle are kept as they are.
 *
 * SCOs that no observed-data reaches become one observation each (with what they reference). They carry no
 * observation time, so `first_observed`/`last_observed` come from the SCO's own first time-like property
 * (`start`, `created`, `ctime`, `modified`, `mtime`, `atime`, `end`), else {@link NO_TIME} — 1970-01-01T00:00:00Z,
 * which keeps them out of every time-bounded query but in every unbounded one.
 */
import { NO_TIME } from '../../stix/observation.ts';
import type { Observation, StixObject } from '../../stix/observation.ts';
import { timestampMicros } from '../../stix/timestamp.ts';

const TIME_PROPS = ['start', 'created', 'ctime', 'modified', 'mtime', 'atime', 'end'];

/** Types that are not cyber-observables (SDOs, SROs, meta objects). */
const NOT_SCO = new Set([
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware',
  'malware-analysis',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
  'relationship',
  'sighting',
  'marking-definition',
  'language-content',
  'extension-definition',
  'bundle',
]);

export function isSco(o: StixObject): boolean {
  return typeof o.id === 'string' && !NOT_SCO.has(o.type);
}

/** Calls `fn` for every reference value (`*_ref` value, `*_refs` element) anywhere in `v`. */
export function forEachRef(v: unknown, fn: (ref: string) => void): void {
  if (Array.isArray(v)) {
    for (const e of v) if (e && typeof e === 'object') forEachRef(e, fn);
    return;
  }
  if (!v || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v)) {
    if (k.endsWith('_ref')) {
      if (typeof x === 'string') fn(x);
    } else if (k.endsWith('_refs')) {
      if (Array.isArray(x)) for (const e of x) if (typeof e === 'string') fn(e);
    } else if (x && typeof x === 'object') {
      forEachRef(x, fn);
    }
  }
}

function rewrite(v: unknown, keys: Map<string, string>): unknown {
  if (Array.isArray(v)) return v.map((e) => (e && typeof e === 'object' ? rewrite(e, keys) : e));
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.endsWith('_ref') && typeof x === 'string') out[k] = keys.get(x) ?? x;
    else if (k.endsWith('_refs') && Array.isArray(x))
      out[k] = x.map((e) => (typeof e === 'string' ? (keys.get(e) ?? e) : e));
    else if (x && typeof x === 'object') out[k] = rewrite(x, keys);
    else out[k] = x;
  }
  return out;
}

/** The objects map of the closure of `roots` over `scos`; `covered` receives every SCO id used. */
export function buildObjects(
  roots: readonly string[],
  scos: Map<string, StixObject>,
  covered?: Set<string>,
): Record<string, StixObject> {
  const keys = new Map<string, string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (keys.has(id)) continue;
    const sco = scos.get(id);
    if (!sco) continue;
    keys.set(id, String(keys.size));
    forEachRef(sco, (r) => {
      if (!keys.has(r)) queue.push(r);
    });
  }
  const objects: Record<string, StixObject> = {};
  for (const [id, key] of keys) {
    objects[key] = rewrite(scos.get(id), keys) as StixObject;
    covered?.add(id);
  }
  return objects;
}

/** Are all SCOs that `roots` reach (directly) already known? */
export function refsKnown(roots: readonly unknown[], scos: Map<string, StixObject>): boolean {
  for (const r of roots) if (typeof r !== 'string' || !scos.has(r)) return false;
  return true;
}

/** A 2.1 observed-data (with `object_refs`) as a 2.0 observation. */
export function convertObservedData(
  od: StixObject,
  scos: Map<string, StixObject>,
  covered?: Set<string>,
): Observation {
  const refs = Array.isArray(od.object_refs)
    ? (od.object_refs as unknown[]).filter((r): r is string => typeof r === 'string')
    : [];
  return normaliseObservation({ ...od, objects: buildObjects(refs, scos, covered) });
}

function firstTime(o: StixObject): string {
  for (const p of TIME_PROPS) {
    const v = o[p];
    if (typeof v === 'string' && !Number.isNaN(timestampMicros(v))) return v;
  }
  return NO_TIME;
}

/** An observation for an SCO that no observed-data references. */
export function orphanObservation(
  id: string,
  scos: Map<string, StixObject>,
  covered: Set<string>,
): Observation {
  const sco = scos.get(id)!;
  const t = firstTime(sco);
  const uuid = id.includes('--') ? id.slice(id.indexOf('--') + 2) : id;
  return {
    id: `observed-data--${uuid}`,
    first_observed: t,
    last_observed: t,
    number_observed: 1,
    objects: buildObjects([id], scos, covered),
  };
}

/** Fills in what a sloppy observed-data lacks: times (fallback chain → {@link NO_TIME}) and `number_observed`. */
export function normaliseObservation(od: StixObject): Observation {
  const o = od as unknown as Observation & Record<string, unknown>;
  if (typeof o.first_observed !== 'string') {
    o.first_observed =
      typeof o.last_observed === 'string'
        ? o.last_observed
        : typeof o.created === 'string'
          ? o.created
          : NO_TIME;
  }
  if (typeof o.last_observed !== 'string') o.last_observed = o.first_observed;
  if (typeof o.number_observed !== 'number') o.number_observed = 1;
  if (typeof o.id !== 'string') o.id = 'observed-data--unknown';
  return o;
}
