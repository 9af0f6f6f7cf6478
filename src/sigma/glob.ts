/**
 * Sigma's plain-value syntax: `*` matches any run of characters, `?` exactly one, and a backslash escapes `*`, `?`
 * and itself (`\*` is a star, `\\` a backslash); a backslash before any other character is that backslash. Values
 * become {@link GlobToken} lists, which normalise into the IR's string matches.
 */
import type { GlobToken, Match, StringOp } from './ir.ts';

/** The tokens of a plain Sigma value (adjacent literal text merged). */
export function globTokens(value: string): GlobToken[] {
  const out: GlobToken[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit) out.push(lit);
    lit = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const n = value[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else lit += c;
    } else if (c === '*' || c === '?') {
      flush();
      out.push({ wild: c });
    } else lit += c;
  }
  flush();
  return out;
}

/** Literal text as Sigma writes it (wildcards and backslashes before them escaped). */
export function escapeGlobText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '*' || c === '?') out += `\\${c}`;
    // a backslash needs escaping only where it would escape what follows: before * ? \ or at the end
    else if (c === '\\') out += i + 1 === text.length || '*?\\'.includes(text[i + 1]) ? '\\\\' : '\\';
    else out += c;
  }
  return out;
}

/** Tokens back to Sigma text. */
export function printGlob(tokens: readonly GlobToken[]): string {
  return tokens.map((t) => (typeof t === 'string' ? escapeGlobText(t) : t.wild)).join('');
}

const isStar = (t: GlobToken | undefined): boolean =>
  t !== undefined && typeof t !== 'string' && t.wild === '*';

/** `**` is `*`. */
function mergeStars(tokens: readonly GlobToken[]): GlobToken[] {
  return tokens.filter((t, i) => !(isStar(t) && isStar(tokens[i - 1])));
}

/** Wraps tokens for a match method (`contains` = `*v*`, …). */
export function wrapTokens(tokens: readonly GlobToken[], op: StringOp): GlobToken[] {
  const head = op === 'contains' || op === 'endswith';
  const tail = op === 'contains' || op === 'startswith';
  return mergeStars([
    ...(head ? [{ wild: '*' as const }] : []),
    ...tokens,
    ...(tail ? [{ wild: '*' as const }] : []),
  ]);
}

/** The normal form of a glob: a plain `str` match when the only wildcards are a leading and/or trailing `*`. */
export function normaliseGlob(written: readonly GlobToken[], cased: boolean): Match {
  const tokens = mergeStars(written);
  const lead = isStar(tokens[0]);
  const trail = tokens.length > 1 && isStar(tokens[tokens.length - 1]);
  const inner = tokens.slice(lead ? 1 : 0, trail ? -1 : undefined);
  if (inner.length === 0 && !lead) return { kind: 'str', op: 'eq', value: '', cased };
  if (inner.length === 1 && typeof inner[0] === 'string') {
    const op: StringOp = lead && trail ? 'contains' : lead ? 'endswith' : trail ? 'startswith' : 'eq';
    return { kind: 'str', op, value: inner[0], cased };
  }
  return { kind: 'glob', tokens, cased };
}
