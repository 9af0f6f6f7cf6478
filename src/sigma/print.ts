/**
 * Readable forms of the IR for tests, EXPLAIN and `peregrine sigma check --explain`: an s-expression per test,
 * `(contains CommandLine '-enc')`, with `/cased` on case-sensitive string tests.
 */
import { printGlob } from './glob.ts';
import { visit, type Expr, type Match } from './ir.ts';

const q = (s: string): string =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\0/g, '\\0')}'`;

/** One match on a field (or `*` for a keyword) as an s-expression. */
export function printMatch(field: string, m: Match): string {
  switch (m.kind) {
    case 'str':
      return `(${m.op}${m.cased ? '/cased' : ''} ${field} ${q(m.value)})`;
    case 'glob':
      return `(glob${m.cased ? '/cased' : ''} ${field} ${q(printGlob(m.tokens))})`;
    case 're': {
      const f = `${m.flags.ignoreCase ? 'i' : ''}${m.flags.multiline ? 'm' : ''}${m.flags.dotAll ? 's' : ''}`;
      return `(re${f ? `/${f}` : ''} ${field} ${q(m.pattern)})`;
    }
    case 'cidr':
      return `(cidr ${field} ${m.network})`;
    case 'num':
      return `(${m.op} ${field} ${m.text})`;
    case 'bool':
      return `(eq ${field} ${m.value})`;
    case 'null':
      return `(null ${field})`;
    case 'exists':
      return `(exists ${field} ${m.value})`;
    case 'fieldref':
      return `(${m.op}${m.cased ? '/cased' : ''} ${field} @${m.other})`;
  }
}

/** The expression as an s-expression on one line. */
export function printExpr(e: Expr): string {
  return visit<string>(
    {
      and: (x) => `(and ${x.args.map(printExpr).join(' ')})`,
      or: (x) => `(or ${x.args.map(printExpr).join(' ')})`,
      not: (x) => `(not ${printExpr(x.arg)})`,
      const: (x) => String(x.value),
      test: (x) => printMatch(x.field, x.match),
      keyword: (x) => printMatch('*', x.match),
    },
    e,
  );
}
