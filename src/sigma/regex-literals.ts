/**
 * Literal text a regular expression cannot match without: for each top-level alternative, the longest run of
 * plain characters outside groups, classes and optional repetitions (`\$PSHome\[\s*` needs `$pshome[`). Used by the
 * rule index to reach regex rules through the literal automaton instead of evaluating them on every event.
 *
 * Conservative by construction: anything not understood ends the run or gives up (undefined: no literal). Under
 * case-insensitive matching only ASCII letters other than `s` are kept, because RE2's case folding equates a few
 * characters that lower-casing does not (`ſ` with `s`, `ς` with `σ`); the rule index lower-cases the values it scans.
 */

/** The lower-cased literal each alternative needs (the longest run of each), or undefined when one has none. */
export function regexLiterals(pattern: string, ignoreCase: boolean): string[] | undefined {
  const folding = ignoreCase || /\(\?[a-zA-Z]*i/.test(pattern);
  const branches = splitTopLevel(pattern);
  if (branches === undefined) return undefined;
  const out: string[] = [];
  for (const b of branches) {
    const lit = longestRun(b, folding);
    if (!lit) return undefined;
    out.push(lit.toLowerCase());
  }
  return out;
}

/** Index just past the group starting at `i` (`pattern[i] === '('`), or -1. */
function skipGroup(p: string, i: number): number {
  let depth = 0;
  for (let j = i; j < p.length; j++) {
    const c = p[j];
    if (c === '\\') j++;
    else if (c === '[') {
      j = skipClass(p, j) - 1;
      if (j < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return -1;
}

/** Index just past the class starting at `i` (`pattern[i] === '['`), or -1. */
function skipClass(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '^') j++;
  if (p[j] === ']') j++;
  for (; j < p.length; j++) {
    const c = p[j];
    if (c === '\\') j++;
    else if (c === '[' && p[j + 1] === ':') {
      const end = p.indexOf(':]', j + 2);
      if (end < 0) return -1;
      j = end + 1;
    } else if (c === ']') return j + 1;
  }
  return -1;
}

/** The alternatives of the top level, or undefined when the pattern cannot be walked. */
function splitTopLevel(p: string): string[] | undefined {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '(') {
      const e = skipGroup(p, i);
      if (e < 0) return undefined;
      i = e - 1;
    } else if (c === '[') {
      const e = skipClass(p, i);
      if (e < 0) return undefined;
      i = e - 1;
    } else if (c === '|') {
      out.push(p.slice(start, i));
      start = i + 1;
    }
  }
  out.push(p.slice(start));
  return out;
}

const PUNCTUATION_ESCAPE = /[^0-9A-Za-z]/;

/** The longest run of plain characters of one alternative. */
function longestRun(p: string, folding: boolean): string {
  let best = '';
  let run = '';
  const end = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  const keep = (c: string): boolean => !folding || (/^[\x20-\x7e]$/.test(c) && c !== 's' && c !== 'S');
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    let lit: string | undefined;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) return '';
      if (n === 'Q') return best.length > run.length ? best : run; // \Q…\E: stop here
      i++;
      if (PUNCTUATION_ESCAPE.test(n)) lit = n;
      else {
        if ((n === 'x' || n === 'p' || n === 'P') && p[i + 1] === '{') {
          const close = p.indexOf('}', i);
          if (close < 0) return '';
          i = close;
        } else if (n === 'p' || n === 'P') i++;
        end();
        continue;
      }
    } else if (c === '(') {
      const e = skipGroup(p, i);
      if (e < 0) return '';
      i = e - 1;
      end();
      i = skipQuantifier(p, i + 1) - 1;
      continue;
    } else if (c === '[') {
      const e = skipClass(p, i);
      if (e < 0) return '';
      i = e - 1;
      end();
      i = skipQuantifier(p, i + 1) - 1;
      continue;
    } else if ('.^$'.includes(c)) {
      end();
      i = skipQuantifier(p, i + 1) - 1;
      continue;
    } else if ('*+?{'.includes(c)) {
      // a quantifier with nothing quantifiable before it: leave it to RE2
      end();
      continue;
    } else lit = c;
    // a quantifier after a literal character: optional (`?`, `*`, `{0,…}`) drops it, any repetition ends the run
    const q = p[i + 1];
    if (q === '?' || q === '*' || (q === '{' && /^\{0[,}]/.test(p.slice(i + 1)))) {
      end();
      i = skipQuantifier(p, i + 1) - 1;
      continue;
    }
    if (!keep(lit)) {
      end();
      continue;
    }
    run += lit;
    if (q === '+' || q === '{') {
      end();
      i = skipQuantifier(p, i + 1) - 1;
    }
  }
  end();
  return best;
}

/** Index past a quantifier (and its lazy `?`) at `i`, or `i` when there is none. */
function skipQuantifier(p: string, i: number): number {
  let j = i;
  if (p[j] === '*' || p[j] === '+' || p[j] === '?') j++;
  else if (p[j] === '{') {
    const m = /^\{\d*(,\d*)?\}/.exec(p.slice(j));
    if (!m) return i;
    j += m[0].length;
  } else return i;
  if (p[j] === '?') j++;
  return j;
}
