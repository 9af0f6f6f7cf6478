/**
 * The one regular-expression module of Peregrine: every user-written pattern (Sigma `|re`, STIX MATCHES, SysFlow
 * `regex`) is compiled here, by RE2 (the `re2js` port) — linear-time matching, so no pattern an attacker or a rule
 * author writes can make a match run for ever, and the same dialect DuckDB's `regexp_matches` speaks, so a pattern
 * evaluated locally and one pushed into the store agree.
 *
 * What RE2 cannot express (lookaround, backreferences, atomic groups, possessive quantifiers, `\Z`, `\u` escapes,
 * repeat counts over 1000) is a {@link ParseError} `E_REGEX` naming the construct, with a hint how to rewrite it.
 */
import { RE2JS } from 're2js';
import { ParseError, type SourceSpan } from '../errors/index.ts';

/** Flags of a pattern, as Sigma's `|re|i|m|s` and PCRE's `(?ims)` name them. */
export interface RegexFlags {
  /** `i`: letters match either case. */
  readonly ignoreCase?: boolean;
  /** `m`: `^`/`$` match at line starts/ends, not only at the ends of the value. */
  readonly multiline?: boolean;
  /** `s`: `.` matches a newline too. */
  readonly dotAll?: boolean;
}

/** A compiled pattern. Matching never takes more than linear time in the length of the input. */
export interface Regex {
  readonly source: string;
  readonly flags: RegexFlags;
  /** True when the pattern matches anywhere in `s` (unanchored search). */
  test(s: string): boolean;
  /** True when the pattern matches the whole of `s`. */
  testWhole(s: string): boolean;
}

/** Where a pattern came from, for the error: the span of the pattern text and what it is (`Sigma |re value`). */
export interface RegexOrigin {
  readonly span?: SourceSpan;
  readonly what?: string;
}

/** Constructs RE2 refuses, with how to say them instead (checked in order; the first that is present is named). */
const UNSUPPORTED: readonly { readonly re: RegExp; readonly name: string; readonly hint: string }[] = [
  {
    re: /\(\?<?[=!]/,
    name: 'lookaround assertions',
    hint: 'match the context as part of the pattern, or split it into two conditions (one negated)',
  },
  {
    re: /\\[1-9]|\\k[<{']|\\g[{<\d]/,
    name: 'backreferences',
    hint: 'list the alternatives explicitly; RE2 matches in linear time and cannot refer back to a group',
  },
  { re: /\(\?>/, name: 'atomic groups', hint: 'use a plain group (?:…); RE2 never backtracks' },
  {
    re: /(^|[^\\])(\\\\)*[*+?}]\+/,
    name: 'possessive quantifiers',
    hint: 'drop the extra + (a*+ → a*); RE2 never backtracks',
  },
  { re: /\\Z/, name: '\\Z', hint: 'use \\z or $ for the end of the value' },
  { re: /\\u[0-9a-fA-F]{4}/, name: '\\uXXXX escapes', hint: 'write \\x{XXXX} instead' },
];

/** The construct RE2 cannot express that `pattern` uses, if any (for hints; RE2's own verdict is authoritative). */
export function unsupportedConstruct(pattern: string): { name: string; hint: string } | undefined {
  const hit = UNSUPPORTED.find((u) => u.re.test(pattern));
  return hit ? { name: hit.name, hint: hit.hint } : undefined;
}

function flagBits(f: RegexFlags): number {
  return (
    (f.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) |
    (f.multiline ? RE2JS.MULTILINE : 0) |
    (f.dotAll ? RE2JS.DOTALL : 0)
  );
}

/**
 * Compiles `pattern` with `flags` (a leading `(?i)` in the pattern works too).
 * @throws ParseError `E_REGEX` when the pattern is malformed or uses something RE2 cannot run.
 */
export function compileRegex(pattern: string, flags: RegexFlags = {}, origin: RegexOrigin = {}): Regex {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, flagBits(flags));
  } catch (e) {
    const what = origin.what ?? 'regular expression';
    const construct = unsupportedConstruct(pattern);
    const reason = e instanceof Error ? e.message.replace(/^error parsing regexp: /, '') : String(e);
    throw new ParseError(
      'E_REGEX',
      construct
        ? `${what} uses ${construct.name}, which the linear-time regex engine (RE2) cannot run`
        : `${what} is not a valid RE2 regular expression: ${reason}`,
      {
        ...(origin.span ? { span: origin.span } : {}),
        hint: construct?.hint ?? 'patterns use RE2 syntax (as DuckDB does): no lookaround or backreferences',
        cause: e,
      },
    );
  }
  return {
    source: pattern,
    flags,
    test: (s) => re.test(s),
    testWhole: (s) => re.testExact(s),
  };
}

/** `pattern` is a valid RE2 expression. */
export function isValidRegex(pattern: string, flags: RegexFlags = {}): boolean {
  try {
    RE2JS.compile(pattern, flagBits(flags));
    return true;
  } catch {
    return false;
  }
}

/** `s` as an RE2 pattern matching exactly that text. */
export function escapeRegex(s: string): string {
  return s.replace(/[.?+*|{}[\]()^$\\]/g, (c) => `\\${c}`);
}

/** The inline-flag prefix (`(?is)`) that gives a pattern `flags` where flags cannot be passed separately. */
export function inlineFlags(flags: RegexFlags): string {
  const f = `${flags.ignoreCase ? 'i' : ''}${flags.multiline ? 'm' : ''}${flags.dotAll ? 's' : ''}`;
  return f ? `(?${f})` : '';
}
