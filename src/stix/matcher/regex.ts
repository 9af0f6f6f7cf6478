/**
 * LIKE and MATCHES as JavaScript regular expressions.
 *
 * LIKE: `%` = any run of characters, `_` = exactly one character (code point); the whole value must match.
 *
 * MATCHES is specified as PCRE; we run it as a JS RegExp, searched anywhere in the value (not anchored), after
 * these translations: leading inline flags `(?i)`, `(?m)`, `(?s)` become RegExp flags; `\A` → `^`, `\z`/`\Z` → `$`.
 * Differences that remain: no possessive quantifiers (`a++`), atomic groups (`(?>…)`), recursion, `\Q…\E`,
 * conditionals or inline flags in the middle of a pattern — those raise an "invalid regular expression" error;
 * `$` does not match before a final newline as PCRE's does.
 */
const LIKE_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

export function likeToRegex(like: string): RegExp {
  let out = '^';
  for (const ch of like) {
    if (ch === '%') out += '[\\s\\S]*';
    else if (ch === '_') out += '[\\s\\S]';
    else out += LIKE_SPECIAL.test(ch) ? `\\${ch}` : ch;
  }
  return new RegExp(`${out}$`, 'u');
}

export function compileRegex(pcre: string): RegExp {
  let src = pcre;
  let flags = '';
  const lead = /^\(\?([ims]+)\)/.exec(src);
  if (lead) {
    flags = [...new Set(lead[1]!)].join('');
    src = src.slice(lead[0].length);
  }
  if (/\(\?>|\\Q|[*+?}]\+/.test(src))
    throw new Error('possessive quantifiers, atomic groups and \\Q…\\E are not supported');
  src = src.replace(/(\\\\)|\\A|\\[zZ]/g, (m, esc: string | undefined) =>
    esc ? esc : m === '\\A' ? '^' : '$',
  );
  return new RegExp(src, flags);
}
