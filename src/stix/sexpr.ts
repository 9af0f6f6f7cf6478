/**
 * A compact s-expression of a STIX AST, for fixture files and debugging: it shows the tree shape (what binds to
 * what) that the canonical printer hides. Example: `(followedby (obs (= process:name 'a')) (obs (exists file:name)))`.
 */
import type { StixNode } from './ast.ts';
import { printLiteral, printPath } from './printer.ts';
import { visit } from './visitor.ts';

export function toSexpr(node: StixNode): string {
  const lit = (n: StixNode & { kind: 'String' }): string => printLiteral(n);
  return visit<string>(node, {
    Pattern: (p) => toSexpr(p.expr),
    Observation: (o) => `(obs ${toSexpr(o.expr)})`,
    ObservationBinary: (b) => `(${b.op.toLowerCase()} ${toSexpr(b.left)} ${toSexpr(b.right)})`,
    Qualified: (q) => {
      const ql = q.qualifier;
      const head =
        ql.kind === 'StartStop'
          ? `start t'${ql.start}' stop t'${ql.stop}'`
          : ql.kind === 'Within'
            ? `within ${ql.seconds}`
            : `repeats ${ql.times}`;
      return `(${head} ${toSexpr(q.expr)})`;
    },
    Comparison: (c) =>
      c.op === 'EXISTS'
        ? `(${c.negated ? 'not-' : ''}exists ${printPath(c.path)})`
        : `(${c.negated ? 'not-' : ''}${c.op.toLowerCase()} ${toSexpr(c.path)} ${c.value ? toSexpr(c.value) : ''})`,
    ComparisonBinary: (b) => `(${b.op.toLowerCase()} ${toSexpr(b.left)} ${toSexpr(b.right)})`,
    ObjectPath: (p) => printPath(p),
    String: lit,
    Int: (n) => `${n.value}`,
    Float: (n) => `${printLiteral(n)}f`,
    Bool: (n) => `${n.value}`,
    Timestamp: (n) => printLiteral(n),
    Hex: (n) => printLiteral(n),
    Binary: (n) => printLiteral(n),
    List: (n) => `(list ${n.values.map((v) => toSexpr(v)).join(' ')})`,
    VarRef: (n) => `(var ${n.variable} ${n.attribute})`,
  });
}
