/** Deterministic STIX identifiers: the same document always yields the same observed-data id. */
import { createHash } from 'node:crypto';

/** A UUID (version 5 layout) from the SHA-1 of `name` — stable across runs and machines. */
export function uuidFromName(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** `observed-data--…` for hit `_id` of index `_index`. */
export function observationId(index: string, id: string): string {
  return `observed-data--${uuidFromName(`${index}\u0000${id}`)}`;
}
