/**
 * Index names and index patterns, with Elasticsearch's rules: names are lower case, without `\ / * ? " < > | , #`
 * or spaces, not starting with `-`, `_` or `+`; a pattern is a comma list of names and `*` wildcards, where a part
 * starting with `-` removes what it matches (`logs-*,-logs-old`).
 */
import { StoreError } from '../../errors/index.ts';

const FORBIDDEN = /[\\/*?"<>|,# A-Z]/;

/** Why `name` is not a valid index name, or undefined when it is. */
export function indexNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (Buffer.byteLength(name) > 255) return 'it is longer than 255 bytes';
  if (name === '.' || name === '..') return `"${name}" is reserved`;
  if (/^[-_+]/.test(name)) return 'it starts with "-", "_" or "+"';
  const bad = FORBIDDEN.exec(name);
  if (bad) return bad[0] >= 'A' && bad[0] <= 'Z' ? 'it has upper-case letters' : `it contains "${bad[0]}"`;
  return undefined;
}

export function assertIndexName(name: string): void {
  const problem = indexNameProblem(name);
  if (problem) {
    throw new StoreError('E_STORE_INDEX_NAME', `invalid index name "${name}": ${problem}`, {
      hint: 'index names are lower case, like container1-sysflow-events',
    });
  }
}

function wildcardRegExp(part: string): RegExp {
  return new RegExp(
    '^' +
      part
        .split('*')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
}

/**
 * The indices of `existing` that `pattern` names, sorted. Throws a StoreError naming the existing indices when a
 * name without wildcard does not exist, or when the whole pattern matches nothing.
 */
export function resolveIndexPattern(pattern: string, existing: readonly string[]): string[] {
  const parts = pattern
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const fail = (what: string): never => {
    throw new StoreError('E_STORE_NO_INDEX', what, {
      hint: existing.length
        ? `indices in the store: ${[...existing].sort().join(', ')}`
        : 'the store has no indices yet; add some with `peregrine ingest FILE --index NAME`',
    });
  };
  if (parts.length === 0) fail('empty index pattern');
  const chosen = new Set<string>();
  for (const part of parts) {
    const exclude = part.startsWith('-');
    const body = exclude ? part.slice(1) : part;
    if (part === '_all') {
      for (const e of existing) chosen.add(e);
      continue;
    }
    if (!body.includes('*')) {
      if (!existing.includes(body)) {
        if (exclude) continue;
        fail(`no index "${body}" in the store`);
      }
      if (exclude) chosen.delete(body);
      else chosen.add(body);
      continue;
    }
    const re = wildcardRegExp(body);
    for (const e of existing) {
      if (!re.test(e)) continue;
      if (exclude) chosen.delete(e);
      else chosen.add(e);
    }
  }
  if (chosen.size === 0) fail(`index pattern "${pattern}" matches no index in the store`);
  return [...chosen].sort();
}
