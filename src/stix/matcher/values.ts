/**
 * Value tests of the matcher: one literal + operator compiled once into a predicate over a JSON value. Semantics
 * follow the OASIS reference matcher:
 *
 * - values of different kinds are unequal (`pid = '4'` is false, `pid != '4'` true); ordering operators, LIKE,
 *   MATCHES, ISSUBSET and ISSUPERSET on a value of the wrong kind are false (the comparison layer applies NOT to
 *   the whole comparison, so `negated` here is for callers that want per-value negation);
 * - int and float compare numerically; strings by code unit; timestamps as instants (microseconds);
 * - `h''`/`b''` compare as bytes with strings whose code points are < 256, and with properties named `*_hex`
 *   (hex text) or `*_bin` (base64 text);
 * - a list value (no `[*]` in the path) is never equal to a scalar: `=` on a list is false, not an error.
 */
import type { ComparisonOp, Literal } from '../ast.ts';
import { cidrContains, parseCidr } from '../../common/index.ts';
import { SemanticError, spanAt } from '../../errors/index.ts';
import { timestampMicros } from '../timestamp.ts';
import { compileRegex, likeToRegex } from './regex.ts';

/** Tests one JSON value; `key` is the last property name on the path (for the `_hex`/`_bin` suffixes). */
export type ValueTest = (value: unknown, key: string) => boolean;

export interface CompileContext {
  readonly source: string;
  readonly text: string;
}

type Scalar =
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'number'; readonly v: number }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'time'; readonly v: number }
  | { readonly t: 'bytes'; readonly v: string };

function literalScalar(lit: Literal): Scalar {
  switch (lit.kind) {
    case 'String':
      return { t: 'string', v: lit.value };
    case 'Int':
    case 'Float':
      return { t: 'number', v: lit.value };
    case 'Bool':
      return { t: 'bool', v: lit.value };
    case 'Timestamp':
      return { t: 'time', v: timestampMicros(lit.value) };
    case 'Hex':
      return { t: 'bytes', v: lit.value.toLowerCase() };
    case 'Binary':
      return { t: 'bytes', v: Buffer.from(lit.value, 'base64').toString('hex') };
    default:
      throw new Error(`not a scalar literal: ${lit.kind}`);
  }
}

/** Hex of the bytes a JSON value stands for, or undefined when it stands for none. */
function valueBytes(value: unknown, key: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (key.endsWith('_hex')) return /^([0-9a-fA-F]{2})*$/.test(value) ? value.toLowerCase() : undefined;
  if (key.endsWith('_bin')) return Buffer.from(value, 'base64').toString('hex');
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 255) return undefined;
    out += (c < 16 ? '0' : '') + c.toString(16);
  }
  return out;
}

/** -1/0/1, or null when the two are not comparable. */
function compare(lit: Scalar, value: unknown, key: string): number | null {
  switch (lit.t) {
    case 'string':
      if (typeof value !== 'string') return null;
      return value < lit.v ? -1 : value > lit.v ? 1 : 0;
    case 'number':
      if (typeof value !== 'number') return null;
      return value < lit.v ? -1 : value > lit.v ? 1 : 0;
    case 'bool':
      if (typeof value !== 'boolean') return null;
      return value === lit.v ? 0 : value ? 1 : -1;
    case 'time': {
      if (typeof value !== 'string') return null;
      const us = timestampMicros(value);
      if (Number.isNaN(us)) return null;
      return us < lit.v ? -1 : us > lit.v ? 1 : 0;
    }
    case 'bytes': {
      const b = valueBytes(value, key);
      if (b === undefined) return null;
      return b < lit.v ? -1 : b > lit.v ? 1 : 0;
    }
  }
}

function equalsTest(lit: Scalar): ValueTest {
  // Fast paths for the common kinds.
  if (lit.t === 'string' || lit.t === 'number' || lit.t === 'bool') {
    const v = lit.v;
    return (value) => value === v;
  }
  return (value, key) => compare(lit, value, key) === 0;
}

/** Compiles `op` with `lit` (and NOT) into a {@link ValueTest}. */
export function compileValueTest(
  op: ComparisonOp,
  negated: boolean,
  lit: Literal | undefined,
  ctx: CompileContext,
): ValueTest {
  const bad = (message: string, hint?: string): SemanticError =>
    new SemanticError('E_BAD_LITERAL', message, {
      span: lit ? spanAt(ctx.source, ctx.text, lit.span.start, lit.span.end - lit.span.start) : undefined,
      hint,
    });
  if (op === 'EXISTS') return () => true;
  if (!lit) throw bad(`${op} needs a value`);
  if (lit.kind === 'VarRef') {
    throw bad(
      `${lit.variable}.${lit.attribute} must be resolved to values before matching`,
      'the hunt runtime replaces variable references with the referenced values (substituteVarRefs)',
    );
  }
  const flip = (t: ValueTest): ValueTest => (negated ? (v, k) => !t(v, k) : t);
  switch (op) {
    case '=':
      return flip(equalsTest(literalScalar(listGuard(lit, op, bad))));
    case '!=': {
      const eq = equalsTest(literalScalar(listGuard(lit, op, bad)));
      return negated ? eq : (v, k) => !eq(v, k);
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const s = literalScalar(listGuard(lit, op, bad));
      if (s.t === 'bool') throw bad(`${op} cannot order booleans`);
      const accept =
        op === '<'
          ? (c: number) => c < 0
          : op === '<='
            ? (c: number) => c <= 0
            : op === '>'
              ? (c: number) => c > 0
              : (c: number) => c >= 0;
      return (v, k) => {
        const c = compare(s, v, k);
        if (c === null) return false;
        return negated ? !accept(c) : accept(c);
      };
    }
    case 'IN': {
      if (lit.kind !== 'List') throw bad('IN needs a list of values', "write IN ('a', 'b')");
      const scalars = lit.values.map((x) => literalScalar(x));
      const simple = scalars.every((s) => s.t === 'string' || s.t === 'number' || s.t === 'bool');
      let test: ValueTest;
      if (simple) {
        const set = new Set<unknown>(scalars.map((s) => s.v));
        test = (v) => set.has(v);
      } else {
        const eqs = scalars.map(equalsTest);
        test = (v, k) => eqs.some((e) => e(v, k));
      }
      return flip(test);
    }
    case 'LIKE': {
      if (lit.kind !== 'String') throw bad('LIKE needs a string');
      const re = likeToRegex(lit.value);
      return (v) => (typeof v === 'string' ? re.test(v) !== negated : false);
    }
    case 'MATCHES': {
      if (lit.kind !== 'String') throw bad('MATCHES needs a string');
      const re = compileRegex(lit.value, {
        span: spanAt(ctx.source, ctx.text, lit.span.start, lit.span.end - lit.span.start),
      });
      return (v) => (typeof v === 'string' ? re.test(v) !== negated : false);
    }
    case 'ISSUBSET':
    case 'ISSUPERSET': {
      if (lit.kind !== 'String') throw bad(`${op} needs a string`);
      const net = parseCidr(lit.value);
      if (!net)
        throw bad(
          `'${lit.value}' is not an IP address or CIDR block`,
          "write e.g. '10.0.0.0/8' or '2001:db8::/32'",
        );
      return (v) => {
        if (typeof v !== 'string') return false;
        const other = parseCidr(v);
        if (!other) return false;
        const r = op === 'ISSUBSET' ? cidrContains(net, other) : cidrContains(other, net);
        return r !== negated;
      };
    }
  }
}

function listGuard(lit: Literal, op: ComparisonOp, bad: (m: string, h?: string) => SemanticError): Literal {
  if (lit.kind === 'List')
    throw bad(`${op} cannot compare with a list`, 'use IN (…) to test membership in a list');
  return lit;
}
