/**
 * The comparison operators over plain values that both readings of the policy language share: the string operators
 * (SFPL's and the case-insensitive ones Sigma rules compile to), the orderings, and Falco's glob patterns.
 */
import { compileRegex, type Regex } from '../../../common/regex.ts';
import type { Compare } from './ast.ts';

/** A string operator: left value, right value. */
export type StrOp = (l: string, r: string) => boolean;

/** The string operators by name; the `i` forms compare lower-cased text. */
export const STR_OPS: Partial<Record<Compare['op'], StrOp>> = {
  '=': (l, r) => l === r,
  contains: (l, r) => l.includes(r),
  icontains: (l, r) => l.toLowerCase().includes(r.toLowerCase()),
  startswith: (l, r) => l.startsWith(r),
  endswith: (l, r) => l.endsWith(r),
  iequals: (l, r) => l.toLowerCase() === r.toLowerCase(),
  istartswith: (l, r) => l.toLowerCase().startsWith(r.toLowerCase()),
  iendswith: (l, r) => l.toLowerCase().endsWith(r.toLowerCase()),
};
/** The ordering operators, which compare numbers. */
export const ORDER_OPS = new Set(['<', '<=', '>', '>=']);

/** `l op r` for an ordering operator. */
export function order(op: string, l: number | bigint, r: number | bigint): boolean {
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    default:
      return l >= r;
  }
}

/** Falco's glob (`*`, `?`, `[set]`, `[!set]`) as an anchored linear-time pattern (RE2, as sf-processor and Falco).
 * @throws ParseError `E_REGEX` for a set RE2 rejects (`[z-a]`). */
export function globToRegExp(glob: string, flags: string): Regex {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re +=
          '[' +
          glob
            .slice(i + 1, close)
            .replace(/^!/, '^')
            .replace(/\\/g, '\\\\') +
          ']';
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return compileRegex(`^${re}$`, { ignoreCase: flags.includes('i') }, { what: `the glob '${glob}'` });
}

/** Policy `regex` patterns, compiled once per distinct text (RE2: linear time whatever the pattern). */
const patterns = new Map<string, Regex | null>();

/**
 * A policy `regex` operand as a linear-time pattern, searched anywhere in a value; `null` when RE2 cannot compile
 * it (a pattern that comes from event data on the right of `regex`: the comparison is then false).
 */
export function policyRegex(pattern: string): Regex | null {
  let rx = patterns.get(pattern);
  if (rx === undefined) {
    try {
      rx = compileRegex(pattern, {}, { what: 'the regex pattern' });
    } catch {
      rx = null;
    }
    if (patterns.size > 4096) patterns.clear();
    patterns.set(pattern, rx);
  }
  return rx;
}
