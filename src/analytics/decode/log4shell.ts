/**
 * Log4j lookups (`${…}`) as an attacker hides a JNDI lookup in them — `${jndi:ldap://…}` spelt with nested
 * `${lower:x}`, `${upper:x}`, `${::-x}` / `${env:NAME:-x}` defaults, `${base64:…}`, `$$` — evaluated innermost
 * first as Log4j would, to the JNDI URI they amount to. Lookups whose value only the victim knows (`${env:X}`,
 * `${sys:…}`, `${hostName}`) stay as written. Bounded: nesting deeper than {@link MAX_DEPTH} or text longer than
 * {@link MAX_LENGTH} is not evaluated (such strings have been used to exhaust Log4j itself).
 */
import { isBase64Text } from './base64.ts';

export const MAX_DEPTH = 32;
export const MAX_LENGTH = 1 << 20;

/** Index of the `}` closing the lookup whose content starts at `from` (after `${`), or -1. */
function closing(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x24 /* $ */ && s.charCodeAt(i + 1) === 0x7b /* { */) {
      depth++;
      i++;
    } else if (c === 0x7d /* } */ && --depth === 0) return i;
  }
  return -1;
}

function decodeBase64(s: string): string | undefined {
  return isBase64Text(s) ? Buffer.from(s, 'base64').toString('utf8') : undefined;
}

/** The value of one lookup whose (already evaluated) content is `inner`; JNDI targets are pushed on `found`. */
function lookup(inner: string, found: string[]): string {
  const colon = inner.indexOf(':');
  let prefix = colon < 0 ? inner : inner.slice(0, colon);
  while (prefix.startsWith('$')) prefix = prefix.slice(1); // `$${…}` is Log4j's escaped `${`
  const key = prefix.toLowerCase();
  const rest = colon < 0 ? '' : inner.slice(colon + 1);
  if (key === 'jndi') {
    found.push(rest);
    return '${jndi:' + rest + '}';
  }
  const dflt = inner.indexOf(':-');
  if (dflt >= 0) return inner.slice(dflt + 2);
  if (key === 'lower') return rest.toLowerCase();
  if (key === 'upper') return rest.toUpperCase();
  if (key === 'base64') return decodeBase64(rest) ?? '${' + inner + '}';
  return '${' + inner + '}';
}

function evaluate(s: string, found: string[], depth: number): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const j = s.indexOf('${', i);
    if (j < 0) return out + s.slice(i);
    out += s.slice(i, j);
    const end = closing(s, j + 2);
    if (end < 0) return out + s.slice(j);
    const raw = s.slice(j + 2, end);
    out += depth >= MAX_DEPTH ? '${' + raw + '}' : lookup(evaluate(raw, found, depth + 1), found);
    i = end + 1;
  }
  return out;
}

/** Scheme and authority in lower case (host names are case-insensitive); the path and query as written. */
function normaliseUri(uri: string): string {
  const sep = uri.indexOf('://');
  if (sep < 0) return uri;
  let end = uri.length;
  for (const c of ['/', '?', '#']) {
    const k = uri.indexOf(c, sep + 3);
    if (k >= 0 && k < end) end = k;
  }
  return uri.slice(0, end).toLowerCase() + uri.slice(end);
}

/** Percent-decoding up to three times (as attack strings are often URL-encoded in logs), where it is valid. */
function unquote(s: string): string {
  let t = s;
  for (let n = 0; n < 3 && t.includes('%'); n++) {
    try {
      const next = decodeURIComponent(t);
      if (next === t) break;
      t = next;
    } catch {
      break;
    }
  }
  return t;
}

const JNDI_ERROR = 'Error looking up JNDI resource [';

/** The JNDI URI the Log4j lookups of `text` amount to, or undefined when there is none. */
export function log4shellTarget(text: string): string | undefined {
  if (text.length > MAX_LENGTH) return undefined;
  const e = text.indexOf(JNDI_ERROR);
  if (e >= 0) {
    const end = text.indexOf(']', e + JNDI_ERROR.length);
    if (end > 0) return normaliseUri(text.slice(e + JNDI_ERROR.length, end));
  }
  const s = unquote(text);
  if (!s.includes('${')) return undefined;
  const found: string[] = [];
  evaluate(s, found, 0);
  return found.length ? normaliseUri(found[0]!) : undefined;
}

/** Host and port of a JNDI URI (`ldap://host:port/…`), where it names them. */
export function uriHost(uri: string): { host?: string; port?: number } {
  const sep = uri.indexOf('://');
  if (sep < 0) return {};
  let end = uri.length;
  for (const c of ['/', '?', '#']) {
    const k = uri.indexOf(c, sep + 3);
    if (k >= 0 && k < end) end = k;
  }
  const authority = uri.slice(sep + 3, end);
  const at = authority.lastIndexOf('@');
  const hp = authority.slice(at + 1);
  const bracket = hp.startsWith('[') ? hp.indexOf(']') : -1;
  const colon = hp.lastIndexOf(':');
  if (colon > bracket && colon >= 0) {
    const port = Number(hp.slice(colon + 1));
    return { host: hp.slice(0, colon) || undefined, ...(Number.isInteger(port) && port > 0 ? { port } : {}) };
  }
  return hp ? { host: hp } : {};
}
