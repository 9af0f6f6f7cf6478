/**
 * Sigma's value modifiers as a table (house rule 9: a registry, not string checks scattered through the code). Each
 * modifier is a *method* (how the value is compared: `contains`, `re`, `cidr`, `lt`, `exists`, `fieldref`, …), a
 * *transform* of the value before comparing (`base64`, `base64offset`, `wide`/`utf16*`, `windash`, `expand`) or a
 * *flag* (`all`, `cased`, the regex flags `i`, `m`, `s`). Transforms apply left to right as written.
 *
 * Facts taken from the Sigma specification: `base64offset` yields the three encodings of the value at byte offsets
 * 0, 1 and 2 with the characters that depend on the neighbouring bytes cut off; `windash` lets a dash or slash that
 * starts an option (`\B[-/]\b`) be any of `-`, `/`, `–`, `—`, `―`; `utf16` is UTF-16LE with a byte-order mark.
 */
import type { StringOp } from './ir.ts';

export type MethodName =
  | 'contains'
  | 'startswith'
  | 'endswith'
  | 're'
  | 'cidr'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'exists'
  | 'fieldref'
  | 'neq';
export type TransformName =
  'base64' | 'base64offset' | 'wide' | 'utf16le' | 'utf16be' | 'utf16' | 'windash' | 'expand';
export type FlagName = 'all' | 'cased' | 'i' | 'm' | 's';

export type ModifierDef =
  | { readonly kind: 'method'; readonly name: MethodName }
  | { readonly kind: 'transform'; readonly name: TransformName }
  | { readonly kind: 'flag'; readonly name: FlagName };

/** Every modifier name Peregrine accepts (aliases point at the same definition). */
export const MODIFIERS: Readonly<Record<string, ModifierDef>> = {
  contains: { kind: 'method', name: 'contains' },
  startswith: { kind: 'method', name: 'startswith' },
  endswith: { kind: 'method', name: 'endswith' },
  re: { kind: 'method', name: 're' },
  cidr: { kind: 'method', name: 'cidr' },
  lt: { kind: 'method', name: 'lt' },
  lte: { kind: 'method', name: 'lte' },
  gt: { kind: 'method', name: 'gt' },
  gte: { kind: 'method', name: 'gte' },
  exists: { kind: 'method', name: 'exists' },
  fieldref: { kind: 'method', name: 'fieldref' },
  neq: { kind: 'method', name: 'neq' },
  base64: { kind: 'transform', name: 'base64' },
  base64offset: { kind: 'transform', name: 'base64offset' },
  wide: { kind: 'transform', name: 'wide' },
  utf16le: { kind: 'transform', name: 'utf16le' },
  utf16be: { kind: 'transform', name: 'utf16be' },
  utf16: { kind: 'transform', name: 'utf16' },
  windash: { kind: 'transform', name: 'windash' },
  expand: { kind: 'transform', name: 'expand' },
  all: { kind: 'flag', name: 'all' },
  cased: { kind: 'flag', name: 'cased' },
  i: { kind: 'flag', name: 'i' },
  ignorecase: { kind: 'flag', name: 'i' },
  m: { kind: 'flag', name: 'm' },
  multiline: { kind: 'flag', name: 'm' },
  s: { kind: 'flag', name: 's' },
  dotall: { kind: 'flag', name: 's' },
};

/** Valid Sigma modifiers Peregrine does not evaluate, with why. */
export const UNSUPPORTED_MODIFIERS: Readonly<Record<string, string>> = {
  minute: 'date-part modifiers compare a part of a timestamp field',
  hour: 'date-part modifiers compare a part of a timestamp field',
  day: 'date-part modifiers compare a part of a timestamp field',
  week: 'date-part modifiers compare a part of a timestamp field',
  month: 'date-part modifiers compare a part of a timestamp field',
  year: 'date-part modifiers compare a part of a timestamp field',
};

/** The string operation of a method that is one (`contains` …), else undefined. */
export function stringOp(m: MethodName | undefined): StringOp | undefined {
  return m === 'contains' || m === 'startswith' || m === 'endswith' ? m : m === undefined ? 'eq' : undefined;
}

// --- value transforms --------------------------------------------------------------------------------------------

/** A value in the middle of the transform chain: text, or bytes once an encoding (`wide`) has been applied. */
export type Piece = string | Uint8Array;

const utf8 = new TextEncoder();

function bytesOf(p: Piece): Uint8Array {
  return typeof p === 'string' ? utf8.encode(p) : p;
}

function utf16(text: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const out = new Uint8Array(text.length * 2 + (bom ? 2 : 0));
  let o = 0;
  if (bom) {
    out[o++] = 0xff;
    out[o++] = 0xfe;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[o++] = bigEndian ? c >> 8 : c & 0xff;
    out[o++] = bigEndian ? c & 0xff : c >> 8;
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** The three offset encodings of `bytes`, each without the characters its neighbours would change. */
export function base64Offsets(bytes: Uint8Array): string[] {
  const cutStart = [0, 2, 3];
  const cutEnd = [0, 3, 2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const shifted = new Uint8Array(bytes.length + i);
    shifted.set(bytes, i);
    const enc = base64(shifted);
    const end = cutEnd[(bytes.length + i) % 3];
    out.push(enc.slice(cutStart[i], enc.length - end));
  }
  return out;
}

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const OPTION_DASH = /\B[-/]\b/g;

/** Every spelling of `text` with each option dash replaced by each dash character (product over the dashes). */
export function windashVariants(text: string): string[] {
  const at: number[] = [];
  for (const m of text.matchAll(OPTION_DASH)) at.push(m.index);
  if (at.length === 0) return [text];
  let out = [''];
  let prev = 0;
  for (const i of at) {
    const lit = text.slice(prev, i);
    out = out.flatMap((o) => DASHES.map((d) => o + lit + d));
    prev = i + 1;
  }
  return out.map((o) => o + text.slice(prev));
}

/** The transform `name` applied to one piece; several pieces when the transform yields alternatives. */
export function applyTransform(
  name: TransformName,
  p: Piece,
  placeholders?: (name: string) => readonly string[] | undefined,
): Piece[] {
  switch (name) {
    case 'wide':
    case 'utf16le':
      return [typeof p === 'string' ? utf16(p, false, false) : p];
    case 'utf16be':
      return [typeof p === 'string' ? utf16(p, true, false) : p];
    case 'utf16':
      return [typeof p === 'string' ? utf16(p, false, true) : p];
    case 'base64':
      return [base64(bytesOf(p))];
    case 'base64offset':
      return base64Offsets(bytesOf(p));
    case 'windash':
      return typeof p === 'string' ? windashVariants(p) : [p];
    case 'expand':
      return typeof p === 'string' ? expandPlaceholders(p, placeholders ?? (() => undefined)) : [p];
  }
}

/** `%name%` placeholders → every combination of their values; throws the name of the first one without values. */
export function expandPlaceholders(
  text: string,
  values: (name: string) => readonly string[] | undefined,
): string[] {
  let out = [''];
  let prev = 0;
  for (const m of text.matchAll(/%([A-Za-z0-9_.-]+)%/g)) {
    const vs = values(m[1]);
    if (vs === undefined) throw new PlaceholderMissing(m[1]);
    const lit = text.slice(prev, m.index);
    out = out.flatMap((o) => vs.map((v) => o + lit + v));
    prev = m.index + m[0].length;
  }
  return out.map((o) => o + text.slice(prev));
}

export class PlaceholderMissing extends Error {
  constructor(readonly placeholder: string) {
    super(`placeholder %${placeholder}% has no values`);
  }
}

/** A byte string as text whose UTF-16 code units are the bytes (how `wide` without `base64` compares). */
export function bytesAsText(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
