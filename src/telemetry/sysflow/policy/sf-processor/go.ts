/**
 * The small string functions of Go's standard library whose exact behaviour sf-processor's evaluation inherits,
 * written from their documented semantics: base-10 integer parsing, boolean parsing, lexical path `Base`/`Dir`, and
 * sf-processor's own bounding-quote trim. Each edge case here is visible in alert counts (a `sf.proc.name` of `.`
 * for a record without a process, a uid literal `'0'` that orders as 0 because the quote makes it no number).
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * `strconv.ParseInt(s, 10, 64)`: an optional sign and ASCII digits only (no spaces, no `_`, no `0x`), within int64;
 * undefined when Go returns an error.
 */
export function parseGoInt(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

/** `strconv.ParseBool`: 1 t T TRUE true True / 0 f F FALSE false False; undefined for anything else. */
export function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
    default:
      return undefined;
  }
}

/**
 * sf-processor's `TrimBoundingQuotes`: drops one leading `"` or `'` and, independently, one trailing one — the two
 * need not match. It is applied to literals and to every text value an attribute yields.
 */
export function trimBoundingQuotes(s: string): string {
  let a = 0;
  let b = s.length;
  if (b > 0 && (s[0] === '"' || s[0] === "'")) a = 1;
  if (b > a && (s[b - 1] === '"' || s[b - 1] === "'")) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** `path/filepath.Clean` on Linux: one slash between elements, no `.` elements, `..` folded, `.` for empty. */
export function goClean(path: string): string {
  if (path === '') return '.';
  // Most paths are clean already: no empty, `.` or `..` element and no trailing slash.
  if (!path.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(path) && (path.length === 1 || !path.endsWith('/')))
    return path;
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** `path/filepath.Base`: the last element after trailing slashes are removed; `.` for "", `/` for all slashes. */
export function goBase(path: string): string {
  if (path === '') return '.';
  let end = path.length;
  while (end > 0 && path[end - 1] === '/') end--;
  if (end === 0) return '/';
  const i = path.lastIndexOf('/', end - 1);
  return path.slice(i + 1, end);
}

/** `path/filepath.Dir`: everything up to the last slash, cleaned; `.` when there is no slash. */
export function goDir(path: string): string {
  const i = path.lastIndexOf('/');
  return goClean(path.slice(0, i + 1));
}
