/**
 * Recursive-descent parser for Kestrel 1.x huntflows (hand-written, one pass, lazy tokens). A huntflow is a sequence
 * of statements; like Kestrel's grammar, newlines carry no meaning — a statement continues until the next one begins
 * (`name =` or a command keyword), so any statement may span lines.
 */
import type {
  Aggregation,
  Attr,
  AggregateFunction,
  Apply,
  ApplyArg,
  Assign,
  Bin,
  Describe,
  Disp,
  Explain,
  Find,
  Get,
  Group,
  GroupKey,
  Huntflow,
  Info,
  Join,
  Load,
  Merge,
  New,
  RelationName,
  Save,
  Sort,
  SortKey,
  SourceRef,
  Statement,
  TimeRange,
  Transform,
  Var,
  VarExpr,
  Where,
} from './ast.ts';
import { HUNT_ERROR_CODES as C, closest, type ErrorContext } from './diagnostics.ts';
import { applyValue, newData } from './data.ts';
import { BARE_PATH_RE, ParserBase } from './parser-base.ts';
import type { Token } from './lexer.ts';
import {
  AGGREGATE_FUNCTIONS,
  COMMANDS,
  COMMANDS_WITHOUT_RESULT,
  RELATIONS,
  TRANSFORMS,
  type Command,
} from './vocabulary.ts';
import { parseWhere, type WhereContext } from './where.ts';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMMAND_SET = new Set<string>(COMMANDS);
/** Clauses that may follow each statement kind, for "did you mean" on a misspelt clause keyword. */
const CLAUSES: Partial<Record<Statement['kind'], readonly string[]>> = {
  Get: ['FROM', 'WHERE', 'START', 'STOP', 'LAST', 'LIMIT'],
  Find: ['BY', 'WHERE', 'START', 'STOP', 'LAST', 'LIMIT'],
  Group: ['BY', 'WITH'],
  Join: ['BY'],
  Sort: ['ASC', 'DESC'],
  Load: ['AS'],
  Apply: ['WITH'],
  Disp: ['WHERE', 'ATTR', 'SORT', 'LIMIT', 'OFFSET'],
  Assign: ['WHERE', 'ATTR', 'SORT', 'LIMIT', 'OFFSET'],
};

export class HuntParser extends ParserBase {
  constructor(text: string, ctx: ErrorContext) {
    super(text, ctx);
  }

  huntflow(): Huntflow {
    const statements: Statement[] = [];
    for (;;) {
      if (this.atEnd()) this.log.add({ kind: 'statement' });
      const t = this.lex.peek();
      if (t.kind === 'eof') break;
      const s = this.statement();
      statements.push(s);
      this.checkStatementEnd(s);
    }
    return { kind: 'Huntflow', source: this.ctx.source, statements, span: this.span(0, this.text.length) };
  }

  /** After a statement, only a new statement (or the end) may follow. */
  private checkStatementEnd(s: Statement): void {
    const t = this.lex.peek();
    if (t.kind === 'eof' || this.startsStatement(t)) return;
    const clauses = CLAUSES[s.kind] ?? [];
    const guess = t.kind === 'word' ? closest(t.value, [...clauses, ...COMMANDS]) : undefined;
    const name = s.kind === 'Assign' ? 'assignment' : s.kind.toUpperCase();
    throw this.err(
      C.unexpected,
      `unexpected ${this.describe(t)} after the ${name} statement`,
      t,
      guess
        ? `did you mean ${guess}?`
        : clauses.length > 0
          ? `the ${name} statement may continue with ${clauses.join(', ')}; a new statement starts with a command or 'name ='`
          : "a new statement starts with a command or 'name ='",
    );
  }

  private startsStatement(t: Token): boolean {
    if (t.kind !== 'word') return false;
    if (COMMAND_SET.has(t.value.toUpperCase())) return true;
    const n = this.lex.peekAfter(t);
    return n.kind === 'punct' && n.value === '=';
  }

  statement(): Statement {
    const t = this.lex.peek();
    if (t.kind !== 'word')
      throw this.unexpected(
        'a command or an assignment',
        "statements start with a command (GET, FIND, DISP, …) or 'name ='",
      );
    const n = this.lex.peekAfter(t);
    if (n.kind === 'punct' && n.value === '=') {
      const output = this.variable();
      this.lex.next(); // '='
      return this.assignmentRhs(output, t.start);
    }
    const kw = t.value.toUpperCase();
    if (COMMAND_SET.has(kw)) {
      const implicit: Var = { kind: 'Var', name: '_', span: this.span(t.start, t.start) };
      return this.command(kw as Command, implicit, t.start);
    }
    const guess = closest(kw, COMMANDS);
    if (guess) {
      throw this.err(C.unknownCommand, `unknown command '${t.value}'`, t, `did you mean ${guess}?`);
    }
    if (VAR_NAME.test(t.value)) {
      throw this.err(
        C.unknownCommand,
        `unknown command '${t.value}'`,
        t,
        `a statement starts with a command (${COMMANDS.join(', ')}) or 'name ='; to show a variable write DISP ${t.value}`,
      );
    }
    throw this.err(C.unknownCommand, `unknown command '${t.value}'`, t, `commands: ${COMMANDS.join(', ')}`);
  }

  private assignmentRhs(output: Var, start: number): Statement {
    if (this.atEnd())
      this.log.add({
        kind: 'keyword',
        words: ['GET', 'FIND', 'GROUP', 'JOIN', 'SORT', 'LOAD', 'NEW', ...TRANSFORMS],
      });
    if (this.atEnd()) this.log.add({ kind: 'variable' });
    const t = this.lex.peek();
    if (t.kind !== 'word') throw this.unexpected(`a command or a variable after '${output.name} ='`);
    const kw = t.value.toUpperCase();
    if (COMMANDS_WITHOUT_RESULT.includes(kw as Command)) {
      throw this.err(
        C.unexpected,
        `${kw} yields no variable`,
        t,
        `remove '${output.name} =' and write ${kw} on its own`,
      );
    }
    if (COMMAND_SET.has(kw)) return this.command(kw as Command, output, start);
    const after = this.lex.peekAfter(t);
    if (
      after.kind === 'word' &&
      !this.startsStatement(after) &&
      !CLAUSES.Assign!.includes(after.value.toUpperCase())
    ) {
      // `x = FIDN process …`: a misspelt command rather than a variable followed by junk
      const guess = closest(kw, [...COMMANDS, ...TRANSFORMS]);
      if (guess)
        throw this.err(C.unknownCommand, `unknown command '${t.value}'`, t, `did you mean ${guess}?`);
    }
    if (after.kind === 'punct' && after.value === '+') {
      const inputs = [this.variable()];
      while (this.acceptPunct('+'))
        inputs.push(this.variable('a variable after +', 'merge is a + b [+ c …]'));
      const merge: Merge = { kind: 'Merge', output, inputs, span: this.spanFrom(start) };
      return merge;
    }
    const expr = this.varExpr();
    const assign: Assign = { kind: 'Assign', output, expr, span: this.spanFrom(start) };
    return assign;
  }

  private command(kw: Command, output: Var, start: number): Statement {
    this.lex.next(); // the command keyword
    switch (kw) {
      case 'GET':
        return this.get(output, start);
      case 'FIND':
        return this.find(output, start);
      case 'GROUP':
        return this.group(output, start);
      case 'JOIN':
        return this.join(output, start);
      case 'SORT':
        return this.sort(output, start);
      case 'LOAD':
        return this.load(output, start);
      case 'NEW':
        return this.newStatement(output, start);
      case 'SAVE':
        return this.save(start);
      case 'APPLY':
        return this.apply(start);
      case 'DISP':
        return { kind: 'Disp', expr: this.varExpr(), span: this.spanFrom(start) } satisfies Disp;
      case 'INFO':
        return { kind: 'Info', input: this.variable(), span: this.spanFrom(start) } satisfies Info;
      case 'EXPLAIN':
        return { kind: 'Explain', input: this.variable(), span: this.spanFrom(start) } satisfies Explain;
      case 'DESCRIBE':
        return this.describeStatement(start);
    }
  }

  // ---- retrieval ----

  private get(output: Var, start: number): Get {
    const entityType = this.entityType();
    let from: SourceRef | Var | undefined;
    if (this.accept('FROM')) from = this.source();
    const tail = this.retrievalTail({ entityType: entityType.name });
    return {
      kind: 'Get',
      output,
      entityType,
      ...(from ? { from } : {}),
      ...tail,
      span: this.spanFrom(start),
    };
  }

  /** `FROM` target: a variable name, or one or more URIs/paths separated by commas, quoted or bare. */
  private source(): SourceRef | Var {
    if (this.atEnd()) this.log.add({ kind: 'source' });
    const loose = this.peekLoose();
    const raw = this.lex.scanRaw(BARE_PATH_RE);
    const clause =
      loose?.kind === 'word' &&
      ['WHERE', 'START', 'LAST', 'LIMIT', 'STOP'].includes(loose.value.toUpperCase());
    if (!loose || loose.kind === 'eof' || clause || (loose.kind !== 'string' && !raw)) {
      const i = this.lex.skipTrivia(this.lex.pos);
      const t = loose ?? { start: i, end: i + 1 };
      throw this.err(
        C.missingSource,
        `FROM needs a data source or a variable, found ${loose ? this.describe(loose) : `'${this.text[i]}'`}`,
        t,
        'write e.g. FROM stixshifter://host1, FROM file:///data/bundle.json or FROM procs (omit FROM to reuse the last source)',
      );
    }
    const t = loose;
    if (t.kind === 'string') {
      this.lex.next();
      return { kind: 'SourceRef', uris: splitUris(t.value), quoted: true, span: this.span(t.start, t.end) };
    }
    const first = raw!;
    let end = first.end;
    const parts = [first.text];
    for (;;) {
      const comma = this.lex.tokenAt(end);
      if (comma.kind !== 'punct' || comma.value !== ',') break;
      this.lex.advanceTo(comma.end);
      const next = this.lex.scanRaw(BARE_PATH_RE);
      if (!next)
        throw this.err(
          C.missingSource,
          'expected another data source after the comma',
          this.lex.peek(),
          'remove the trailing comma',
        );
      parts.push(next.text);
      end = next.end;
    }
    this.lex.advanceTo(end);
    const joined = parts.join(',');
    if (parts.length === 1 && VAR_NAME.test(joined))
      return { kind: 'Var', name: joined, span: this.span(first.start, end) };
    return { kind: 'SourceRef', uris: splitUris(joined), quoted: false, span: this.span(first.start, end) };
  }

  /** WHERE, time range and LIMIT of GET/FIND, in any order, each at most once. */
  private retrievalTail(wc: WhereContext): { where?: Where; timeRange?: TimeRange; limit?: number } {
    let where: Where | undefined;
    let timeRange: TimeRange | undefined;
    let limit: number | undefined;
    for (;;) {
      const t = this.lex.peek();
      // a clause already given is not offered again (completion), but is reported if repeated
      if (where ? this.isWord(t, 'WHERE') : this.atClause('WHERE')) {
        if (where)
          throw this.err(C.unexpected, 'a second WHERE clause', t, 'combine the conditions with AND');
        this.lex.next();
        where = parseWhere(this, wc);
        continue;
      }
      const startsRange = timeRange
        ? this.isWord(t, 'START') || this.isWord(t, 'LAST')
        : this.atClause('START') || this.atClause('LAST');
      if ((startsRange || this.isWord(t, 'STOP')) && !this.startsStatement(t)) {
        if (timeRange)
          throw this.err(C.unexpected, 'a second time range', t, 'give one START … STOP … or LAST n unit');
        timeRange = this.timeRange();
        continue;
      }
      if (limit !== undefined ? this.isWord(t, 'LIMIT') : this.atClause('LIMIT')) {
        if (limit !== undefined) throw this.err(C.unexpected, 'a second LIMIT clause', t);
        this.lex.next();
        limit = this.wholeNumber('LIMIT');
        continue;
      }
      break;
    }
    return {
      ...(where ? { where } : {}),
      ...(timeRange ? { timeRange } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
  }

  private find(output: Var, start: number): Find {
    const entityType = this.entityType();
    if (this.atEnd()) this.log.add({ kind: 'relation' });
    const r = this.lex.peek();
    const name = r.kind === 'word' ? r.value.toUpperCase() : '';
    if (!RELATIONS.includes(name as RelationName)) {
      const guess = r.kind === 'word' ? closest(name, RELATIONS) : undefined;
      throw this.err(
        C.unknownRelation,
        r.kind === 'word'
          ? `unknown relation '${r.value}'`
          : `expected a relation, found ${this.describe(r)}`,
        r,
        `${guess ? `did you mean ${guess}? ` : ''}relations: ${RELATIONS.join(', ')} (add BY to reverse the direction)`,
      );
    }
    this.lex.next();
    const relation = {
      kind: 'Relation' as const,
      name: name as RelationName,
      span: this.span(r.start, r.end),
    };
    const reversed = this.accept('BY') !== undefined;
    const input = this.variable('the input variable of FIND');
    const tail = this.retrievalTail({ entityType: entityType.name });
    return {
      kind: 'Find',
      output,
      entityType,
      relation,
      reversed,
      input,
      ...tail,
      span: this.spanFrom(start),
    };
  }

  // ---- transformation ----

  private group(output: Var, start: number): Group {
    const input = this.variable();
    this.expectKw('BY', 'GROUP x BY attr, … [WITH COUNT(attr) AS n, …]');
    const ctx = { variable: input.name };
    const by: GroupKey[] = [this.groupKey(ctx)];
    while (this.acceptPunct(',')) by.push(this.groupKey(ctx));
    const aggregations: Aggregation[] = [];
    if (this.accept('WITH')) {
      aggregations.push(this.aggregation(ctx));
      while (this.acceptPunct(',')) aggregations.push(this.aggregation(ctx));
    }
    return { kind: 'Group', output, input, by, aggregations, span: this.spanFrom(start) };
  }

  private groupKey(ctx: { variable: string }): GroupKey {
    const t = this.lex.peek();
    if (this.atEnd()) this.log.add({ kind: 'keyword', words: ['BIN'] });
    if (this.isWord(t, 'BIN') && this.lex.peekAfter(t).value === '(') {
      this.lex.next();
      this.expectPunct('(');
      const attr = this.attr(ctx);
      this.expectPunct(',', 'BIN(attr, size [unit])');
      const size = this.wholeNumber('BIN');
      const unit = this.timeUnit('BIN', false);
      this.expectPunct(')', 'BIN(attr, size [unit])');
      const alias = this.alias();
      const bin: Bin = {
        kind: 'Bin',
        attr,
        size,
        ...(unit ? { unit } : {}),
        ...(alias ? { alias } : {}),
        span: this.spanFrom(t.start),
      };
      return bin;
    }
    return this.attr(ctx);
  }

  private aggregation(ctx: { variable: string }): Aggregation {
    if (this.atEnd()) this.log.add({ kind: 'aggregate' });
    const t = this.lex.peek();
    const func = t.kind === 'word' ? t.value.toUpperCase() : '';
    if (!AGGREGATE_FUNCTIONS.includes(func as AggregateFunction)) {
      const guess = t.kind === 'word' ? closest(func, AGGREGATE_FUNCTIONS) : undefined;
      throw this.err(
        C.unexpected,
        t.kind === 'word'
          ? `unknown aggregate function '${t.value}'`
          : `expected an aggregate function, found ${this.describe(t)}`,
        t,
        `${guess ? `did you mean ${guess}? ` : ''}functions: ${AGGREGATE_FUNCTIONS.join(', ')}`,
      );
    }
    this.lex.next();
    this.expectPunct('(', `${func}(attr)`);
    const attr = this.attr(ctx);
    this.expectPunct(')', `${func}(attr)`);
    const alias = this.alias();
    return {
      kind: 'Aggregation',
      func: func as AggregateFunction,
      attr,
      ...(alias ? { alias } : {}),
      span: this.spanFrom(t.start),
    };
  }

  private join(output: Var, start: number): Join {
    const left = this.variable();
    this.expectPunct(',', 'JOIN a, b [BY attr_of_a, attr_of_b]');
    const right = this.variable();
    if (this.accept('BY')) {
      const a = this.attr({ variable: left.name });
      this.expectPunct(',', 'JOIN a, b BY attr_of_a, attr_of_b');
      const b = this.attr({ variable: right.name });
      return { kind: 'Join', output, left, right, by: [a, b], span: this.spanFrom(start) };
    }
    return { kind: 'Join', output, left, right, span: this.spanFrom(start) };
  }

  private sortKey(ctx: { variable: string }): SortKey {
    const attr = this.attr(ctx);
    let direction: 'ASC' | 'DESC' = 'DESC';
    if (this.accept('ASC')) direction = 'ASC';
    else if (this.accept('DESC')) direction = 'DESC';
    return { kind: 'SortKey', attr, direction, span: this.spanFrom(attr.span.start) };
  }

  private sort(output: Var, start: number): Sort {
    const input = this.variable();
    this.expectKw('BY', 'SORT x BY attr [ASC|DESC]');
    const key = this.sortKey({ variable: input.name });
    return { kind: 'Sort', output, input, key, span: this.spanFrom(start) };
  }

  // ---- flow control ----

  private load(output: Var, start: number): Load {
    const path = this.path('a file path after LOAD', { kind: 'path' });
    const entityType = this.accept('AS') ? this.entityType() : undefined;
    return { kind: 'Load', output, path, ...(entityType ? { entityType } : {}), span: this.spanFrom(start) };
  }

  private save(start: number): Save {
    const input = this.variable();
    this.expectKw('TO', 'SAVE x TO /path/file.parquet');
    const path = this.path('a file path after TO', { kind: 'path' });
    return { kind: 'Save', input, path, span: this.spanFrom(start) };
  }

  private newStatement(output: Var, start: number): New {
    const t = this.lex.peek();
    const entityType = t.kind === 'punct' && t.value === '[' ? undefined : this.entityType();
    const data = newData(this);
    return { kind: 'New', output, ...(entityType ? { entityType } : {}), data, span: this.spanFrom(start) };
  }

  // ---- enrichment ----

  private apply(start: number): Apply {
    const p = this.path('an analytics URI after APPLY', { kind: 'analytics' });
    const analytics = { kind: 'AnalyticsRef' as const, uri: p.value, span: p.span };
    this.expectKw('ON', 'APPLY docker://name ON var1, var2 [WITH k=v, …]');
    const inputs = [this.variable()];
    while (this.acceptPunct(',')) inputs.push(this.variable());
    const args: ApplyArg[] = [];
    if (this.accept('WITH')) {
      args.push(this.applyArg());
      // arguments are separated by ',' (Kestrel ≥ 1.5) or ';' (earlier 1.x)
      while (this.acceptPunct(',') || this.acceptPunct(';')) args.push(this.applyArg());
    }
    return { kind: 'Apply', analytics, inputs, args, span: this.spanFrom(start) };
  }

  private applyArg(): ApplyArg {
    const t = this.lex.peek();
    if (t.kind !== 'word' || !VAR_NAME.test(t.value))
      throw this.unexpected('an argument name', 'arguments look like name=value');
    this.lex.next();
    this.expectPunct('=', 'arguments look like name=value');
    const first = applyValue(this);
    // earlier 1.x wrote lists bare: `y=a, b,c` (a ',' not followed by `name=` continues the value)
    const values = [first];
    for (;;) {
      const comma = this.lex.peek();
      if (comma.kind !== 'punct' || comma.value !== ',') break;
      const next = this.lex.peekAfter(comma);
      const eq = next.kind === 'word' ? this.lex.peekAfter(next) : undefined;
      if (next.kind === 'eof' || (eq?.kind === 'punct' && eq.value === '=')) break;
      this.lex.next();
      values.push(applyValue(this));
    }
    const value = values.length === 1 ? first : { kind: 'List' as const, values, span: this.spanFrom(first.span.start) };
    return { kind: 'ApplyArg', name: t.value, value, span: this.spanFrom(t.start) };
  }

  // ---- inspection and variable expressions ----

  private describeStatement(start: number): Describe {
    const input = this.variable('a variable (DESCRIBE var.attr)');
    const dot = this.lex.peek();
    if (dot.kind !== 'punct' || dot.value !== '.' || dot.start !== input.span.end) {
      throw this.unexpected(
        `'.' and an attribute after '${input.name}'`,
        `write DESCRIBE ${input.name}.attribute`,
      );
    }
    this.lex.next();
    const attr = this.attr({ variable: input.name });
    return { kind: 'Describe', input, attr, span: this.spanFrom(start) };
  }

  /** `[TRANSFORM(]x[)] [WHERE …] [ATTR …] [SORT BY …] [LIMIT n] [OFFSET n]`. */
  varExpr(): VarExpr {
    const t = this.lex.peek();
    if (this.atEnd()) this.log.add({ kind: 'keyword', words: [...TRANSFORMS] });
    let transform: Transform | undefined;
    let input: Var;
    const up = t.kind === 'word' ? t.value.toUpperCase() : '';
    const after = t.kind === 'word' ? this.lex.peekAfter(t) : undefined;
    if (TRANSFORMS.includes(up as Transform) && after?.kind === 'punct' && after.value === '(') {
      this.lex.next();
      this.lex.next();
      transform = up as Transform;
      input = this.variable();
      this.expectPunct(')', `${up}(variable)`);
    } else {
      input = this.variable();
    }
    const ctx = { variable: input.name };
    let where: Where | undefined;
    let attrs: readonly Attr[] | undefined;
    let sort: SortKey | undefined;
    let limit: number | undefined;
    let offset: number | undefined;
    for (;;) {
      const k = this.lex.peek();
      if (this.atClause('WHERE')) {
        if (where)
          throw this.err(C.unexpected, 'a second WHERE clause', k, 'combine the conditions with AND');
        this.lex.next();
        where = parseWhere(this, ctx);
      } else if (this.atClause('ATTR')) {
        if (attrs)
          throw this.err(C.unexpected, 'a second ATTR clause', k, 'list all attributes in one ATTR clause');
        this.lex.next();
        attrs = this.attrList(ctx);
      } else if (this.at('SORT') && this.isWord(this.lex.peekAfter(k), 'BY')) {
        if (sort) throw this.err(C.unexpected, 'a second SORT BY clause', k);
        this.lex.next();
        this.lex.next();
        sort = this.sortKey(ctx);
      } else if (this.atClause('LIMIT')) {
        if (limit !== undefined) throw this.err(C.unexpected, 'a second LIMIT clause', k);
        this.lex.next();
        limit = this.wholeNumber('LIMIT');
      } else if (this.atClause('OFFSET')) {
        if (offset !== undefined) throw this.err(C.unexpected, 'a second OFFSET clause', k);
        this.lex.next();
        offset = this.wholeNumber('OFFSET');
      } else break;
    }
    return {
      kind: 'VarExpr',
      ...(transform ? { transform } : {}),
      input,
      ...(where ? { where } : {}),
      ...(attrs ? { attrs } : {}),
      ...(sort ? { sort } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(offset !== undefined ? { offset } : {}),
      span: this.spanFrom(t.start),
    };
  }
}

function splitUris(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}
