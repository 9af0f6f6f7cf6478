/**
 * Matching a whole string against glob tokens without regular expressions: the two-pointer wildcard algorithm
 * (remember the last `*` and retry one character further on a mismatch) — O(n·m) at worst, no backtracking
 * explosion whatever the value or the rule says.
 */
import type { GlobToken } from './ir.ts';

/** A glob flattened to code units: `-1` is `*`, `-2` is `?`, anything else a character code. */
export type CompiledGlob = Int32Array;

const STAR = -1;
const ONE = -2;

export function compileGlob(tokens: readonly GlobToken[], lower: boolean): CompiledGlob {
  const out: number[] = [];
  for (const t of tokens) {
    if (typeof t !== 'string') out.push(t.wild === '*' ? STAR : ONE);
    else {
      const s = lower ? t.toLowerCase() : t;
      for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
    }
  }
  return Int32Array.from(out);
}

/** True when `s` matches the whole glob `g`. */
export function globMatch(g: CompiledGlob, s: string): boolean {
  let gi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  const n = s.length;
  const m = g.length;
  while (si < n) {
    if (gi < m && (g[gi] === ONE || g[gi] === s.charCodeAt(si))) {
      gi++;
      si++;
    } else if (gi < m && g[gi] === STAR) {
      star = gi++;
      mark = si;
    } else if (star >= 0) {
      gi = star + 1;
      si = ++mark;
    } else return false;
  }
  while (gi < m && g[gi] === STAR) gi++;
  return gi === m;
}
