/**
 * RFC 3339 timestamps: validation with the position of the first bad part, and conversion to an instant in
 * microseconds since the epoch (exact in a double until the year 2255), so that `19:25:09.447726Z` and
 * `19:25:09.447727Z` stay distinct — `Date.parse` would cut both to milliseconds.
 */

/** Why a timestamp is invalid and at which character offset inside it. */
export interface TimestampProblem {
  readonly offset: number;
  readonly length: number;
  readonly message: string;
}

const DIGITS = /^\d+$/;

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Checks `s` against RFC 3339 `date-time`; returns the first problem or undefined. */
export function checkTimestamp(s: string): TimestampProblem | undefined {
  const field = (
    off: number,
    len: number,
    name: string,
    lo: number,
    hi: number,
  ): TimestampProblem | undefined => {
    const part = s.slice(off, off + len);
    if (part.length !== len || !DIGITS.test(part)) {
      return {
        offset: off,
        length: Math.max(1, part.length),
        message: `expected ${len} digits for the ${name}`,
      };
    }
    const v = Number(part);
    if (v < lo || v > hi)
      return { offset: off, length: len, message: `${name} ${part} is out of range ${lo}–${hi}` };
    return undefined;
  };
  const sep = (off: number, chars: string, what: string): TimestampProblem | undefined =>
    chars.includes(s[off] ?? '') ? undefined : { offset: off, length: 1, message: `expected ${what}` };
  const p =
    field(0, 4, 'year', 0, 9999) ??
    sep(4, '-', "'-' after the year") ??
    field(5, 2, 'month', 1, 12) ??
    sep(7, '-', "'-' after the month") ??
    field(8, 2, 'day', 1, 31) ??
    sep(10, 'Tt', "'T' between date and time") ??
    field(11, 2, 'hour', 0, 23) ??
    sep(13, ':', "':' after the hour") ??
    field(14, 2, 'minute', 0, 59) ??
    sep(16, ':', "':' after the minute") ??
    field(17, 2, 'second', 0, 60);
  if (p) return p;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (d > daysInMonth(y, m))
    return { offset: 8, length: 2, message: `day ${d} does not exist in ${s.slice(0, 7)}` };
  let i = 19;
  if (s[i] === '.') {
    i++;
    const fs = i;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === fs) return { offset: fs, length: 1, message: 'expected digits after the decimal point' };
  }
  if (s[i] === 'Z' || s[i] === 'z') {
    i++;
  } else if (s[i] === '+' || s[i] === '-') {
    const q =
      field(i + 1, 2, 'offset hour', 0, 23) ??
      sep(i + 3, ':', "':' in the zone offset") ??
      field(i + 4, 2, 'offset minute', 0, 59);
    if (q) return q;
    i += 6;
  } else {
    return { offset: i, length: 1, message: "expected a time zone ('Z' or ±hh:mm)" };
  }
  if (i !== s.length)
    return { offset: i, length: s.length - i, message: 'unexpected text after the timestamp' };
  return undefined;
}

/**
 * Microseconds since the epoch of an RFC 3339 timestamp, or NaN when it is not one. Lenient on purpose for data:
 * accepts a space instead of `T` and a missing zone (taken as UTC), as real bundles contain both.
 */
export function timestampMicros(s: string): number {
  if (typeof s !== 'string' || s.length < 19) return NaN;
  const c = (i: number): number => s.charCodeAt(i) - 48;
  const d2 = (i: number): number => c(i) * 10 + c(i + 1);
  const y = c(0) * 1000 + c(1) * 100 + c(2) * 10 + c(3);
  const mo = d2(5);
  const d = d2(8);
  const h = d2(11);
  const mi = d2(14);
  const se = d2(17);
  if (!(
    y >= 0 &&
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= 31 &&
    h >= 0 &&
    h <= 23 &&
    mi >= 0 &&
    mi <= 59 &&
    se >= 0 &&
    se <= 60
  )) {
    return NaN;
  }
  if (s[4] !== '-' || s[7] !== '-' || s[13] !== ':' || s[16] !== ':') return NaN;
  let i = 19;
  let micros = 0;
  if (s[i] === '.') {
    i++;
    let scale = 100000;
    while (i < s.length) {
      const k = s.charCodeAt(i);
      if (k < 48 || k > 57) break;
      micros += (k - 48) * scale;
      scale = scale / 10;
      i++;
    }
    micros = Math.floor(micros);
  }
  let offsetMin = 0;
  const z = s[i];
  if (z === 'Z' || z === 'z') {
    i++;
  } else if (z === '+' || z === '-') {
    const oh = d2(i + 1);
    const om = d2(i + 4);
    if (!(oh >= 0 && om >= 0) || s[i + 3] !== ':') return NaN;
    offsetMin = (z === '+' ? 1 : -1) * (oh * 60 + om);
    i += 6;
  }
  if (i !== s.length) return NaN;
  const ms = Date.UTC(y, mo - 1, d, h, mi, se) - offsetMin * 60000;
  return ms * 1000 + micros;
}
