/**
 * Idempotent document ids: a hash of a record's identity — the node that produced it and every field of the
 * record — so exporting the same trace twice (or resending after a failure) overwrites nothing and adds nothing:
 * the bulk `create` of an existing id is a no-op conflict.
 */
import { createHash } from 'node:crypto';
import type { ResolvedEvent } from '../records/index.ts';

function feed(parts: string[], v: unknown): void {
  if (v === null || v === undefined) parts.push('');
  else if (typeof v === 'object') {
    if (Array.isArray(v)) {
      parts.push(`[${v.length}`);
      for (const x of v) feed(parts, x);
    } else for (const k of Object.keys(v)) feed(parts, (v as Record<string, unknown>)[k]);
  } else parts.push(String(v));
}

/** 27-character base64url SHA-1 of (node id, record). */
export function documentId(ev: ResolvedEvent): string {
  const parts: string[] = [ev.header?.exporter ?? ''];
  feed(parts, ev.record);
  return createHash('sha1').update(parts.join('\u0001')).digest('base64url');
}
