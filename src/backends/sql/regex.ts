/** STIX string operands → RE2 regexps (DuckDB's `regexp_matches` / `regexp_full_match`). */
import { likePattern } from '../shared/index.ts';

/** Escapes every RE2 metacharacter. */
export function re2Escape(s: string): string {
  return s.replace(/[.?+*|{}[\]()^$\\]/g, (c) => `\\${c}`);
}

/** STIX LIKE (`%` any run, `_` one character) → RE2 body. */
export function likeToRe2(like: string): string {
  return likePattern(like, '.*', '.', re2Escape);
}

/** False for PCRE constructs RE2 cannot run (lookaround, backreferences, possessive/atomic groups). */
export function pcreSupported(pcre: string): boolean {
  return !/\(\?[=!<>]|\(\?<[=!]|\\[1-9]|\\[kKgG]|\(\?>|[*+?}]\+/.test(pcre);
}
