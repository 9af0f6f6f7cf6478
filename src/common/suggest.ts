/**
 * "Did you mean" help: how far a misspelt name is from the known ones (edit distance), and which known names are
 * close enough to offer. Distances count UTF-16 code units, which is exact for the ASCII names they are used on.
 */

export interface EditDistanceOptions {
  /** Swapping two adjacent characters costs one edit (optimal string alignment) instead of two. */
  readonly transpositions?: boolean;
  /** Compare lower-cased. */
  readonly ignoreCase?: boolean;
}

/**
 * The number of single-character insertions, deletions and substitutions (and, with `transpositions`, swaps of
 * adjacent characters) that turn `a` into `b`. Two rows of memory; meant for names, not documents.
 */
export function editDistance(a: string, b: string, options: EditDistanceOptions = {}): number {
  if (options.ignoreCase) {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  const swaps = options.transpositions === true;
  const n = b.length;
  let before: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2] + 1);
      cur[j] = d;
    }
    before = prev;
    prev = cur;
  }
  return prev[n];
}

export interface NearestOptions extends EditDistanceOptions {
  /** The most edits a candidate may be away and still be offered. */
  readonly within: number;
}

/** The candidate fewest edits away from `word` (the first one on a tie), or undefined when none is `within` reach. */
export function nearest(
  word: string,
  candidates: Iterable<string>,
  options: NearestOptions,
): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c, options);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= options.within ? best : undefined;
}

/**
 * Up to `max` known names close to `word`, closest first (ties by name), ignoring case: those within a distance
 * that grows with the word's length (a third of it, at least 2), and those that start the word or that it starts
 * (from 3 characters on; ranked as one edit away at most).
 */
export function nearNames(word: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  const w = word.toLowerCase();
  const scored: [number, string][] = [];
  for (const c of new Set(candidates)) {
    const d = editDistance(word, c, { ignoreCase: true });
    const lc = c.toLowerCase();
    const prefix = lc.startsWith(w) || w.startsWith(lc);
    if (d <= limit || (prefix && word.length >= 3)) scored.push([prefix ? Math.min(d, 1) : d, c]);
  }
  scored.sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]));
  return scored.slice(0, max).map((s) => s[1]);
}

/** `did you mean "a" or "b"?` over {@link nearNames}, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const c = nearNames(word, candidates);
  if (c.length === 0) return undefined;
  return `did you mean ${c.map((x) => `"${x}"`).join(' or ')}?`;
}
