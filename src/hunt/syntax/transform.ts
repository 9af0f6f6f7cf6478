/**
 * Transformation statements: GROUP (attributes, BIN, aggregations), JOIN and SORT.
 */
import type {
  AggregateFunction,
  Aggregation,
  Bin,
  GroupKey,
  Group,
  Join,
  Sort,
  SortKey,
  Var,
} from './ast.ts';
import { HUNT_ERROR_CODES as C, closest } from './diagnostics.ts';
import type { ParserBase } from './parser-base.ts';
import { AGGREGATE_FUNCTIONS } from './vocabulary.ts';

/** `[x =] GROUP v BY key, … [WITH agg, …]` after the GROUP keyword. */
export function parseGroup(p: ParserBase, output: Var, start: number): Group {
  const input = p.variable();
  p.expectKw('BY', 'GROUP x BY attr, … [WITH COUNT(attr) AS n, …]');
  const ctx = { variable: input.name };
  const by: GroupKey[] = [groupKey(p, ctx)];
  while (p.acceptPunct(',')) by.push(groupKey(p, ctx));
  const aggregations: Aggregation[] = [];
  if (p.accept('WITH')) {
    aggregations.push(aggregation(p, ctx));
    while (p.acceptPunct(',')) aggregations.push(aggregation(p, ctx));
  }
  return { kind: 'Group', output, input, by, aggregations, span: p.spanFrom(start) };
}

function groupKey(p: ParserBase, ctx: { variable: string }): GroupKey {
  const t = p.lex.peek();
  if (p.atEnd()) p.log.add({ kind: 'keyword', words: ['BIN'] });
  if (p.isWord(t, 'BIN') && p.lex.peekAfter(t).value === '(') {
    p.lex.next();
    p.expectPunct('(');
    const attr = p.attr(ctx);
    p.expectPunct(',', 'BIN(attr, size [unit])');
    const size = p.wholeNumber('BIN');
    const unit = p.timeUnit('BIN', false);
    p.expectPunct(')', 'BIN(attr, size [unit])');
    const alias = p.alias();
    const bin: Bin = {
      kind: 'Bin',
      attr,
      size,
      ...(unit ? { unit } : {}),
      ...(alias ? { alias } : {}),
      span: p.spanFrom(t.start),
    };
    return bin;
  }
  return p.attr(ctx);
}

function aggregation(p: ParserBase, ctx: { variable: string }): Aggregation {
  if (p.atEnd()) p.log.add({ kind: 'aggregate' });
  const t = p.lex.peek();
  const func = t.kind === 'word' ? t.value.toUpperCase() : '';
  if (!AGGREGATE_FUNCTIONS.includes(func as AggregateFunction)) {
    const guess = t.kind === 'word' ? closest(func, AGGREGATE_FUNCTIONS) : undefined;
    throw p.err(
      C.unexpected,
      t.kind === 'word'
        ? `unknown aggregate function '${t.value}'`
        : `expected an aggregate function, found ${p.describe(t)}`,
      t,
      `${guess ? `did you mean ${guess}? ` : ''}functions: ${AGGREGATE_FUNCTIONS.join(', ')}`,
    );
  }
  p.lex.next();
  p.expectPunct('(', `${func}(attr)`);
  const attr = p.attr(ctx);
  p.expectPunct(')', `${func}(attr)`);
  const alias = p.alias();
  return {
    kind: 'Aggregation',
    func: func as AggregateFunction,
    attr,
    ...(alias ? { alias } : {}),
    span: p.spanFrom(t.start),
  };
}

/** `[x =] JOIN a, b [BY attr, attr]` after the JOIN keyword. */
export function parseJoin(p: ParserBase, output: Var, start: number): Join {
  const left = p.variable();
  p.expectPunct(',', 'JOIN a, b [BY attr_of_a, attr_of_b]');
  const right = p.variable();
  if (p.accept('BY')) {
    const a = p.attr({ variable: left.name });
    p.expectPunct(',', 'JOIN a, b BY attr_of_a, attr_of_b');
    const b = p.attr({ variable: right.name });
    return { kind: 'Join', output, left, right, by: [a, b], span: p.spanFrom(start) };
  }
  return { kind: 'Join', output, left, right, span: p.spanFrom(start) };
}

/** `attr [ASC|DESC]` (default DESC), shared by SORT and the `SORT BY` clause. */
export function sortKey(p: ParserBase, ctx: { variable: string }): SortKey {
  const attr = p.attr(ctx);
  let direction: 'ASC' | 'DESC' = 'DESC';
  if (p.accept('ASC')) direction = 'ASC';
  else if (p.accept('DESC')) direction = 'DESC';
  return { kind: 'SortKey', attr, direction, span: p.spanFrom(attr.span.start) };
}

/** `[x =] SORT v BY attr [ASC|DESC]` after the SORT keyword. */
export function parseSort(p: ParserBase, output: Var, start: number): Sort {
  const input = p.variable();
  p.expectKw('BY', 'SORT x BY attr [ASC|DESC]');
  const key = sortKey(p, { variable: input.name });
  return { kind: 'Sort', output, input, key, span: p.spanFrom(start) };
}
