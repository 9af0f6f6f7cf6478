/**
 * A copy of a STIX AST without `span` (and without the `source` text of a Pattern), for comparing trees that came
 * from different texts — e.g. parse(print(x)) against x.
 */
export function stripSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSpans);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'span' || k === 'source') continue;
      out[k] = stripSpans(v);
    }
    return out;
  }
  return node;
}
