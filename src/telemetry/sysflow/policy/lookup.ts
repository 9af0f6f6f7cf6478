/**
 * Name → attribute resolution: `sf.*` attributes, Falco aliases and derivations, Falco's indexed ancestors
 * (`proc.aname[2]`) and jsonpath suffixes on JSON attributes (`sf.ke.message[items.0.namespace]`, GJSON-style dotted
 * path: keys and array indices). Also the close-match suggestions the linter prints for misspelt names.
 */
import { editDistance } from '../../../common/index.ts';
import type { ResolvedEvent } from '../records/index.ts';
import { SF_ATTRIBUTES, type AttrValue, type AttributeDef } from './attributes.ts';
import { FALCO_DERIVED, FALCO_FIELDS, FALCO_NAMESPACES, indexedAncestor, unmappableReason } from './falco-fields.ts';

export type AttrLookup =
  | { readonly kind: 'attr'; readonly def: AttributeDef }
  /** A Falco field SysFlow cannot supply. */
  | { readonly kind: 'unmappable'; readonly field: string; readonly reason: string }
  | { readonly kind: 'unknown'; readonly name: string };

/**
 * A getter that remembers its last event: rules evaluated one after the other on the same event read
 * `sf.proc.name`, `sf.proc.cmdline`, … once instead of once per rule (events are immutable).
 */
export function memoGetter(get: AttributeDef['get']): AttributeDef['get'] {
  let last: ResolvedEvent | undefined;
  let value: AttrValue = '';
  return (ev) => {
    if (ev !== last) {
      value = get(ev);
      last = ev;
    }
    return value;
  };
}
const memo = (d: AttributeDef): AttributeDef => ({ ...d, get: memoGetter(d.get) });

const BY_NAME = new Map<string, AttributeDef>();
for (const d of SF_ATTRIBUTES) BY_NAME.set(d.name, memo(d));
for (const d of FALCO_DERIVED) BY_NAME.set(d.name, memo(d));
for (const [falco, target] of Object.entries(FALCO_FIELDS.aliases)) {
  const def = BY_NAME.get(target);
  if (!def) throw new Error(`falco-fields.json: alias ${falco} → ${target}: no such attribute`);
  // Aliases share the target's memoised getter.
  if (!BY_NAME.has(falco)) BY_NAME.set(falco, { ...def, name: falco, falco: true, doc: `${def.doc} (Falco alias of ${target})` });
}

/** Every attribute name the language knows, `sf.*` first. */
export const ATTRIBUTE_NAMES: readonly string[] = Object.freeze([...BY_NAME.keys()]);
const SF_NAMES = SF_ATTRIBUTES.map((d) => d.name);

/** Reads a GJSON-style dotted path (`items.0.namespace`) out of JSON text; objects come back as JSON text. */
export function jsonPath(text: string, path: readonly string[]): string {
  if (text === '') return '';
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return '';
  }
  for (const key of path) {
    if (v === null || typeof v !== 'object') return '';
    v = Array.isArray(v) ? v[Number(key)] : (v as Record<string, unknown>)[key];
    if (v === undefined) return '';
  }
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

const cache = new Map<string, AttrLookup>();

export function lookupAttribute(name: string): AttrLookup {
  let hit = cache.get(name);
  if (!hit) {
    hit = resolve(name);
    cache.set(name, hit);
  }
  return hit;
}

function resolve(name: string): AttrLookup {
  const def = BY_NAME.get(name);
  if (def) return { kind: 'attr', def };
  const bracket = /^([^[\]]+)\[([^\]]*)\]$/.exec(name);
  if (bracket) {
    const [, base, inner] = bracket;
    const baseDef = BY_NAME.get(base);
    if (baseDef?.json) {
      const path = inner.split('.').filter((p) => p !== '');
      const get = baseDef.get;
      return { kind: 'attr', def: { name, type: 'str', doc: `${baseDef.doc} at [${inner}]`, get: memoGetter((ev) => jsonPath(get(ev) as string, path)) } };
    }
    if (/^\d+$/.test(inner)) {
      const indexed = indexedAncestor(base, Number(inner));
      if (indexed) return { kind: 'attr', def: memo(indexed) };
    }
  }
  const ns = name.split('.')[0];
  if (FALCO_NAMESPACES.has(ns) && name.includes('.')) {
    return { kind: 'unmappable', field: name, reason: unmappableReason(name) ?? 'no SysFlow equivalent' };
  }
  return { kind: 'unknown', name };
}

/** True when a value atom is shaped like an `sf.` attribute (`sf.proc.user`), so a miss is probably a typo. */
export function looksLikeSfAttribute(text: string): boolean {
  return /^sf\.[a-z_]+(\.[a-z_]+)*$/.test(text);
}

/** Up to three known attribute names close to `name` (edit distance, or same last segment under sf.). */
export function suggestAttributes(name: string): string[] {
  const pool = name.startsWith('sf') || !name.includes('.') ? SF_NAMES : ATTRIBUTE_NAMES;
  const scored = pool
    .map((n) => {
      let d = editDistance(name, n);
      const last = name.split('.').pop() ?? '';
      const nLast = n.split('.').pop() ?? '';
      if (last.length > 2 && (nLast.startsWith(last) || last.startsWith(nLast))) d = Math.min(d, 2 + d / 10);
      return { n, d };
    })
    .filter((x) => x.d <= Math.max(3, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  return scored.slice(0, 3).map((x) => x.n);
}
