/**
 * The comparison operators over plain values that both readings of the policy language share: the string operators
 * (SFPL's and the case-insensitive ones Sigma rules compile to), the orderings, and Falco's glob patterns.
 */
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

/** Falco's glob (`*`, `?`, `[set]`, `[!set]`) as an anchored regular expression. */
export function globToRegExp(glob: string, flags: string): RegExp {
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
  return new RegExp(`^${re}$`, flags);
}
