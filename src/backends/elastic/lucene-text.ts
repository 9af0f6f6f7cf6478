/**
 * Turning STIX string operands into the *values* of structured wildcard / regexp queries. These are pattern values
 * (not query text): only the wildcard/regexp metacharacters of the value itself are escaped.
 */
import { likePattern } from '../shared/index.ts';

/** Escapes `*`, `?` and `\` for a `wildcard` query value. */
export function escapeWildcard(s: string): string {
  return s.replace(/[*?\\]/g, (c) => `\\${c}`);
}

/** STIX LIKE (`%` any run, `_` one character) → wildcard value. */
export function likeToWildcard(like: string): string {
  return likePattern(like, '*', '?', escapeWildcard);
}

const REGEXP_SPECIAL = /[.?+*|{}[\]()"\\#@&<>~^$]/g;

/** Escapes every Lucene regexp metacharacter (flags NONE: `#@&<>~` are literal too, escaping them is harmless). */
export function escapeRegexp(s: string): string {
  return s.replace(REGEXP_SPECIAL, (c) => `\\${c}`);
}

/** STIX LIKE → Lucene regexp body (for fields matched through a transform). */
export function likeToRegexp(like: string): string {
  return likePattern(like, '.*', '.', escapeRegexp);
}

/**
 * STIX MATCHES (PCRE, searched anywhere in the value) → Lucene regexp (always anchored to the whole value):
 * unanchored ends get `.*`; `^`/`$`, `\A`, `\z` anchors are dropped; `(?:` becomes `(`. Returns undefined for
 * constructs Lucene cannot express (lookaround, backreferences, inline flags other than a leading `(?i)`) — the
 * caller then filters locally. A leading `(?i)` becomes the query's `case_insensitive` flag.
 */
export function pcreToLucene(pcre: string): { body: string; caseInsensitive: boolean } | undefined {
  let src = pcre;
  let caseInsensitive = false;
  if (src.startsWith('(?i)')) {
    caseInsensitive = true;
    src = src.slice(4);
  }
  if (/\(\?[=!<>ims]|\\[1-9]|\\[bBpPQEkKgG]/.test(src)) return undefined;
  let head = '.*';
  let tail = '.*';
  if (src.startsWith('^') || src.startsWith('\\A')) {
    src = src.slice(src.startsWith('^') ? 1 : 2);
    head = '';
  }
  if (/(^|[^\\])(\\\\)*\$$/.test(src)) {
    src = src.slice(0, -1);
    tail = '';
  } else if (/\\[zZ]$/.test(src)) {
    src = src.slice(0, -2);
    tail = '';
  }
  src = src.replace(/\(\?:/g, '(');
  // characters that are literal in PCRE but operators in Lucene's regexp
  src = src.replace(/(\\.)|([#@&<>~"])/g, (m, esc: string | undefined) => (esc ? esc : `\\${m}`));
  return { body: head + (head || tail ? `(${src})` : src) + tail, caseInsensitive };
}
