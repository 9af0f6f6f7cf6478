/**
 * Retrieval statements: GET (data source, WHERE, time range, LIMIT) and FIND (relation, direction).
 */
import type { Depth, Find, FindPeer, Get, RelationName, SourceRef, TimeRange, Var, Where } from './ast.ts';
import { HUNT_ERROR_CODES as C, closest } from './diagnostics.ts';
import { BARE_PATH_RE, type ParserBase } from './parser-base.ts';
import type { Token } from './lexer.ts';
import { RELATIONS } from './vocabulary.ts';
import { parseWhere, type WhereContext } from './where.ts';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `[x =] GET type [FROM …] [WHERE …] [time range] [LIMIT n]` after the GET keyword. */
export function parseGet(p: ParserBase, output: Var, start: number): Get {
  const entityType = p.entityType();
  let from: SourceRef | Var | undefined;
  if (p.accept('FROM')) from = source(p);
  const tail = retrievalTail(p, { entityType: entityType.name });
  return {
    kind: 'Get',
    output,
    entityType,
    ...(from ? { from } : {}),
    ...tail,
    span: p.spanFrom(start),
  };
}

/** `FROM` target: a variable name, or one or more URIs/paths separated by commas, quoted or bare. */
function source(p: ParserBase): SourceRef | Var {
  if (p.atEnd()) p.log.add({ kind: 'source' });
  const loose = p.peekLoose();
  const raw = p.lex.scanRaw(BARE_PATH_RE);
  const clause =
    loose?.kind === 'word' && ['WHERE', 'START', 'LAST', 'LIMIT', 'STOP'].includes(loose.value.toUpperCase());
  if (!loose || loose.kind === 'eof' || clause || (loose.kind !== 'string' && !raw)) {
    const i = p.lex.skipTrivia(p.lex.pos);
    const t = loose ?? { start: i, end: i + 1 };
    throw p.err(
      C.missingSource,
      `FROM needs a data source or a variable, found ${loose ? p.describe(loose) : `'${p.text[i]}'`}`,
      t,
      'write e.g. FROM stixshifter://host1, FROM file:///data/bundle.json or FROM procs (omit FROM to reuse the last source)',
    );
  }
  const t = loose;
  if (t.kind === 'string') {
    p.lex.next();
    return { kind: 'SourceRef', uris: splitUris(t.value), quoted: true, span: p.span(t.start, t.end) };
  }
  const first = raw!;
  let end = first.end;
  const parts = [first.text];
  for (;;) {
    const comma = p.lex.tokenAt(end);
    if (comma.kind !== 'punct' || comma.value !== ',') break;
    p.lex.advanceTo(comma.end);
    const next = p.lex.scanRaw(BARE_PATH_RE);
    if (!next)
      throw p.err(
        C.missingSource,
        'expected another data source after the comma',
        p.lex.peek(),
        'remove the trailing comma',
      );
    parts.push(next.text);
    end = next.end;
  }
  p.lex.advanceTo(end);
  const joined = parts.join(',');
  if (parts.length === 1 && VAR_NAME.test(joined))
    return { kind: 'Var', name: joined, span: p.span(first.start, end) };
  return { kind: 'SourceRef', uris: splitUris(joined), quoted: false, span: p.span(first.start, end) };
}

/**
 * The WHERE clause starting at `t`, or undefined when `t` starts none. A clause already given (`where`) is not
 * offered again (completion) but is reported if repeated.
 */
function whereClause(p: ParserBase, t: Token, where: Where | undefined, wc: WhereContext): Where | undefined {
  if (!(where ? p.isWord(t, 'WHERE') : p.atClause('WHERE'))) return undefined;
  if (where) throw p.err(C.unexpected, 'a second WHERE clause', t, 'combine the conditions with AND');
  p.lex.next();
  return parseWhere(p, wc);
}

/** The number of the LIMIT clause starting at `t`, or undefined when `t` starts none (a second one is an error). */
function limitClause(p: ParserBase, t: Token, limit: number | undefined): number | undefined {
  if (!(limit !== undefined ? p.isWord(t, 'LIMIT') : p.atClause('LIMIT'))) return undefined;
  if (limit !== undefined) throw p.err(C.unexpected, 'a second LIMIT clause', t);
  p.lex.next();
  return p.wholeNumber('LIMIT');
}

/** WHERE, time range and LIMIT of GET/FIND (and FIND's DEPTH when `withDepth`), in any order, each at most once. */
function retrievalTail(
  p: ParserBase,
  wc: WhereContext,
  withDepth = false,
): { where?: Where; timeRange?: TimeRange; limit?: number; depth?: Depth } {
  let where: Where | undefined;
  let timeRange: TimeRange | undefined;
  let limit: number | undefined;
  let depth: Depth | undefined;
  for (;;) {
    const t = p.lex.peek();
    if (withDepth && (depth ? p.isWord(t, 'DEPTH') : p.atClause('DEPTH'))) {
      if (depth) throw p.err(C.unexpected, 'a second DEPTH clause', t);
      depth = parseDepth(p);
      continue;
    }
    const w = whereClause(p, t, where, wc);
    if (w) {
      where = w;
      continue;
    }
    const startsRange = timeRange
      ? p.isWord(t, 'START') || p.isWord(t, 'LAST')
      : p.atClause('START') || p.atClause('LAST');
    if ((startsRange || p.isWord(t, 'STOP')) && !p.startsStatement(t)) {
      if (timeRange)
        throw p.err(C.unexpected, 'a second time range', t, 'give one START … STOP … or LAST n unit');
      timeRange = p.timeRange();
      continue;
    }
    const n = limitClause(p, t, limit);
    if (n !== undefined) {
      limit = n;
      continue;
    }
    break;
  }
  return {
    ...(where ? { where } : {}),
    ...(timeRange ? { timeRange } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(depth ? { depth } : {}),
  };
}

/** `DEPTH n` (n ≥ 1) or `DEPTH *`, the keyword next. */
function parseDepth(p: ParserBase): Depth {
  const start = p.lex.next().start;
  if (p.atEnd()) p.log.add({ kind: 'number' });
  const t = p.lex.peek();
  if (t.kind === 'punct' && t.value === '*') {
    p.lex.next();
    return { hops: 'all', span: p.spanFrom(start) };
  }
  if (t.kind !== 'number' || !/^\d+$/.test(t.value) || Number(t.value) < 1) {
    const found = t.kind === 'eof' ? 'nothing' : p.describe(t);
    throw p.err(
      C.badNumber,
      `DEPTH needs a whole number of hops from 1 up, or * for all, found ${found}`,
      t,
      'write e.g. DEPTH 3 (three hops) or DEPTH * (until nothing new is found)',
    );
  }
  p.lex.next();
  return { hops: Number(t.value), span: p.spanFrom(start) };
}

/** `[x =] FIND type RELATION [BY] var [WHERE …] [time range] [LIMIT n] [DEPTH n|*]` after the FIND keyword. */
export function parseFind(p: ParserBase, output: Var, start: number): Find | FindPeer {
  const entityType = p.entityType();
  if (p.atEnd()) p.log.add({ kind: 'relation' });
  const r = p.lex.peek();
  if (p.isWord(r, 'PEER')) return parsePeer(p, output, entityType, start);
  const name = r.kind === 'word' ? r.value.toUpperCase() : '';
  if (!RELATIONS.includes(name as RelationName)) {
    const guess = r.kind === 'word' ? closest(name, RELATIONS) : undefined;
    throw p.err(
      C.unknownRelation,
      r.kind === 'word' ? `unknown relation '${r.value}'` : `expected a relation, found ${p.describe(r)}`,
      r,
      `${guess ? `did you mean ${guess}? ` : ''}relations: ${RELATIONS.join(', ')} (add BY to reverse the direction)`,
    );
  }
  p.lex.next();
  const relation = {
    kind: 'Relation' as const,
    name: name as RelationName,
    span: p.span(r.start, r.end),
  };
  const reversed = p.accept('BY') !== undefined;
  const input = p.variable('the input variable of FIND');
  const tail = retrievalTail(p, { entityType: entityType.name }, true);
  return {
    kind: 'Find',
    output,
    entityType,
    relation,
    reversed,
    input,
    ...tail,
    span: p.spanFrom(start),
  };
}

/** `PEER OF conns FROM source [WITHIN n unit] [NAT] [WHERE …] [LIMIT n]`, PEER next; clauses after FROM in any order. */
function parsePeer(p: ParserBase, output: Var, entityType: FindPeer['entityType'], start: number): FindPeer {
  p.lex.next();
  p.expectKw('OF', 'write FIND process PEER OF conns FROM stixshifter://host2');
  const input = p.variable('the network-traffic variable of FIND … PEER OF');
  if (!p.at('FROM')) {
    throw p.err(
      C.missingSource,
      `FIND … PEER OF ${input.name} needs FROM: the data source of the other host`,
      p.lex.peek(),
      `write e.g. FIND process PEER OF ${input.name} FROM stixshifter://host2`,
    );
  }
  p.lex.next();
  const from = source(p);
  let within: FindPeer['within'];
  let nat = false;
  let where: Where | undefined;
  let limit: number | undefined;
  for (;;) {
    const t = p.lex.peek();
    if (within ? p.isWord(t, 'WITHIN') : p.atClause('WITHIN')) {
      if (within) throw p.err(C.unexpected, 'a second WITHIN clause', t);
      const s0 = p.lex.next().start;
      const n = p.wholeNumber('WITHIN');
      const unit = p.timeUnit('WITHIN n')!;
      within = { n, unit, span: p.spanFrom(s0) };
      continue;
    }
    if (nat ? p.isWord(t, 'NAT') : p.atClause('NAT')) {
      if (nat) throw p.err(C.unexpected, 'NAT given twice', t);
      p.lex.next();
      nat = true;
      continue;
    }
    const w = whereClause(p, t, where, { entityType: entityType.name });
    if (w) {
      where = w;
      continue;
    }
    const n = limitClause(p, t, limit);
    if (n !== undefined) {
      limit = n;
      continue;
    }
    break;
  }
  return {
    kind: 'FindPeer',
    output,
    entityType,
    input,
    from,
    ...(within ? { within } : {}),
    nat,
    ...(where ? { where } : {}),
    ...(limit !== undefined ? { limit } : {}),
    span: p.spanFrom(start),
  };
}

function splitUris(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}
