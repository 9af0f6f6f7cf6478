/**
 * LIKE and MATCHES as linear-time patterns (RE2, through common/regex): a pattern written by a hunter or taken from
 * data can never make the matcher run for ever (`(a+)+$` over a long name is as quick as `a+$`).
 *
 * LIKE: `%` = any run of characters, `_` = exactly one character; the whole value must match.
 *
 * MATCHES is specified as PCRE; it runs in RE2's dialect (the one DuckDB's `regexp_matches` and the hunt cache
 * speak), searched anywhere in the value (not anchored). `\Z` is read as the end of the value. What RE2 cannot
 * express (lookaround, backreferences, atomic groups, possessive quantifiers) is an `E_REGEX` error naming the
 * construct — see docs/conformance.md.
 */
import { compileRegex as compileRe2, escapeRegex, type Regex, type RegexOrigin } from '../../common/regex.ts';

/** A LIKE pattern as a whole-value regex. */
export function likeToRegex(like: string): Regex {
  let out = '';
  for (const ch of like) out += ch === '%' ? '.*' : ch === '_' ? '.' : escapeRegex(ch);
  const re = compileRe2(out, { dotAll: true });
  return { source: like, flags: re.flags, test: (s) => re.testWhole(s), testWhole: (s) => re.testWhole(s) };
}

/** A MATCHES pattern (PCRE as RE2 reads it), searched anywhere in a value. */
export function compileRegex(pcre: string, origin: RegexOrigin = {}): Regex {
  // PCRE's \Z (end, or before a final newline) has no RE2 spelling; \z is the nearest (an unescaped \Z only).
  const src = pcre.replace(/(\\\\)|\\Z/g, (m, esc: string | undefined) => esc ?? '\\z');
  return compileRe2(src, {}, { what: 'the MATCHES pattern', ...origin });
}
