/**
 * Canonical text of a STIX AST: `parsePattern(printPattern(p))` equals `p` modulo spans (tested). Operators are
 * upper-case, `==` prints as `=`, `<>` as `!=`, parentheses appear only where precedence needs them, keys that are
 * not plain identifiers are quoted, floats always carry a decimal point or exponent.
 */
import type {
  ComparisonExpr,
  Literal,
  ObjectPath,
  ObservationExpr,
  Pattern,
  Qualifier,
  StixNode,
} from './ast.ts';
import {
  dispatch,
  visit,
  type ComparisonVisitor,
  type LiteralVisitor,
  type ObservationVisitor,
  type QualifierVisitor,
} from './visitor.ts';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes a string literal: `'` and `\` are escaped with a backslash. */
export function quoteString(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

function printFloat(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

const literalPrinter: LiteralVisitor<string> = {
  String: (n) => quoteString(n.value),
  Int: (n) => String(n.value),
  Float: (n) => printFloat(n.value),
  Bool: (n) => (n.value ? 'true' : 'false'),
  Timestamp: (n) => `t'${n.value}'`,
  Hex: (n) => `h'${n.value}'`,
  Binary: (n) => `b'${n.value}'`,
  List: (n) => `(${n.values.map(printLiteral).join(', ')})`,
  VarRef: (n) => `${n.variable}.${n.attribute}`,
};

export function printLiteral(lit: Literal): string {
  return dispatch(literalPrinter, lit);
}

export function printPath(p: ObjectPath): string {
  let out = `${p.objectType}:`;
  p.steps.forEach((s, i) => {
    if (s.kind === 'Index') out += `[${s.index}]`;
    else out += `${i === 0 ? '' : '.'}${PLAIN_KEY.test(s.name) ? s.name : quoteString(s.name)}`;
  });
  return out;
}

const cmpPrec = (e: ComparisonExpr): number => (e.kind === 'Comparison' ? 3 : e.op === 'AND' ? 2 : 1);

const comparisonPrinter: ComparisonVisitor<string> = {
  Comparison: (c) => {
    if (c.op === 'EXISTS') return `${c.negated ? 'NOT ' : ''}EXISTS ${printPath(c.path)}`;
    return `${printPath(c.path)} ${c.negated ? 'NOT ' : ''}${c.op} ${c.value ? printLiteral(c.value) : ''}`;
  },
  ComparisonBinary: (b) => {
    const p = cmpPrec(b);
    const l = printComparison(b.left);
    const r = printComparison(b.right);
    return `${cmpPrec(b.left) < p ? `(${l})` : l} ${b.op} ${cmpPrec(b.right) <= p ? `(${r})` : r}`;
  },
};

export function printComparison(e: ComparisonExpr): string {
  return dispatch(comparisonPrinter, e);
}

const qualifierPrinter: QualifierVisitor<string> = {
  StartStop: (q) => `START t'${q.start}' STOP t'${q.stop}'`,
  Within: (q) => `WITHIN ${q.seconds} SECONDS`,
  Repeats: (q) => `REPEATS ${q.times} TIMES`,
};

export function printQualifier(q: Qualifier): string {
  return dispatch(qualifierPrinter, q);
}

const OBS_PREC = { FOLLOWEDBY: 1, OR: 2, AND: 3 } as const;
const obsPrec = (e: ObservationExpr): number =>
  e.kind === 'ObservationBinary' ? OBS_PREC[e.op] : e.kind === 'Qualified' ? 4 : 5;

const observationPrinter: ObservationVisitor<string> = {
  Observation: (o) => `[${printComparison(o.expr)}]`,
  ObservationBinary: (b) => {
    const p = obsPrec(b);
    const l = printObservation(b.left);
    const r = printObservation(b.right);
    return `${obsPrec(b.left) < p ? `(${l})` : l} ${b.op} ${obsPrec(b.right) <= p ? `(${r})` : r}`;
  },
  Qualified: (q) => {
    const inner = printObservation(q.expr);
    return `${obsPrec(q.expr) < 4 ? `(${inner})` : inner} ${printQualifier(q.qualifier)}`;
  },
};

export function printObservation(e: ObservationExpr): string {
  return dispatch(observationPrinter, e);
}

/** Canonical text of any STIX node. */
export function printPattern(node: StixNode): string {
  return visit(node, {
    Pattern: (p: Pattern) => printObservation(p.expr),
    Observation: printObservation,
    ObservationBinary: printObservation,
    Qualified: printObservation,
    Comparison: printComparison,
    ComparisonBinary: printComparison,
    ObjectPath: printPath,
    String: printLiteral,
    Int: printLiteral,
    Float: printLiteral,
    Bool: printLiteral,
    Timestamp: printLiteral,
    Hex: printLiteral,
    Binary: printLiteral,
    List: printLiteral,
    VarRef: printLiteral,
  });
}
