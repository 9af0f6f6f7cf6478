/** A copy of an AST without `span` fields (and the STIX pattern's `source` text), for comparing modulo positions. */
export function stripSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSpans);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'span') continue;
    if (k === 'source' && (node as { kind?: string }).kind === 'Pattern') continue;
    out[k] = stripSpans(v);
  }
  return out;
}
