/**
 * Recursive-descent parser for Kestrel 1.x huntflows (hand-written, one pass, lazy tokens). A huntflow is a sequence
 * of statements; like Kestrel's grammar, newlines carry no meaning — a statement continues until the next one begins
 * (`name =` or a command keyword), so any statement may span lines.
 */
import type {
  Apply,
  ApplyArg,
  Assign,
  Attr,
  Describe,
  Disp,
  Explain,
  Huntflow,
  Info,
  Load,
  Merge,
  New,
  Save,
  SortKey,
  Statement,
  Transform,
  Var,
  VarExpr,
  Where,
} from './ast.ts';
import { isPeregrineError, type PeregrineError } from '../../errors/index.ts';
import { applyValue, newData } from './data.ts';
import { HUNT_ERROR_CODES as C, closest, type ErrorContext } from './diagnostics.ts';
import type { Token } from './lexer.ts';
import { ParserBase } from './parser-base.ts';
import { parseFind, parseGet } from './retrieval.ts';
import { parseGroup, parseJoin, parseSort, sortKey } from './transform.ts';
import { COMMANDS, COMMANDS_WITHOUT_RESULT, TRANSFORMS, type Command } from './vocabulary.ts';
import { parseWhere } from './where.ts';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMMAND_SET = new Set<string>(COMMANDS);
/** Clauses that may follow each statement kind, for "did you mean" on a misspelt clause keyword. */
const CLAUSES: Partial<Record<Statement['kind'], readonly string[]>> = {
  Get: ['FROM', 'WHERE', 'START', 'STOP', 'LAST', 'LIMIT'],
  Find: ['BY', 'WHERE', 'START', 'STOP', 'LAST', 'LIMIT', 'DEPTH'],
  FindPeer: ['OF', 'FROM', 'WITHIN', 'NAT', 'WHERE', 'LIMIT'],
  Group: ['BY', 'WITH'],
  Join: ['BY'],
  Sort: ['ASC', 'DESC'],
  Load: ['AS'],
  Apply: ['WITH'],
  Disp: ['WHERE', 'ATTR', 'SORT', 'LIMIT', 'OFFSET'],
  Assign: ['WHERE', 'ATTR', 'SORT', 'LIMIT', 'OFFSET'],
};
/** The shape of each statement, for "out of place" hints. */
const SHAPES: Partial<Record<Statement['kind'], string>> = {
  Get: 'x = GET type [FROM source] [WHERE …] [START t STOP t | LAST n unit] [LIMIT n]',
  Find: 'x = FIND type RELATION [BY] var [WHERE …] [START t STOP t | LAST n unit] [LIMIT n] [DEPTH n|*]',
  FindPeer:
    'x = FIND process|network-traffic PEER OF conns FROM source [WITHIN n unit] [NAT] [WHERE …] [LIMIT n]',
  Group: 'x = GROUP var BY attr, … [WITH FUNC(attr) [AS name], …]',
  Join: 'x = JOIN a, b [BY attr_of_a, attr_of_b]',
  Sort: 'x = SORT var BY attr [ASC|DESC]',
  Load: 'x = LOAD path [AS type]',
  Apply: 'APPLY uri ON var, … [WITH name=value, …]',
  Disp: 'DISP var [WHERE …] [ATTR a, …] [SORT BY a [ASC|DESC]] [LIMIT n] [OFFSET n]',
  Assign: 'x = var [WHERE …] [ATTR a, …] [SORT BY a [ASC|DESC]] [LIMIT n] [OFFSET n]',
};

export class HuntParser extends ParserBase {
  constructor(text: string, ctx: ErrorContext) {
    super(text, ctx);
  }

  /**
   * Parses the whole text. With `errors`, a statement that fails is recorded there and parsing resumes at the next
   * line that starts a statement (batch mode: every error of a huntflow in one pass); without, the first error throws.
   */
  huntflow(errors?: PeregrineError[]): Huntflow {
    const statements: Statement[] = [];
    for (;;) {
      if (this.atEnd()) this.log.add({ kind: 'statement' });
      let t: Token | undefined;
      try {
        t = this.lex.peek();
        if (t.kind === 'eof') break;
        const s = this.statement();
        statements.push(s);
        this.checkStatementEnd(s);
      } catch (e) {
        if (!errors || !isPeregrineError(e)) throw e;
        errors.push(e);
        // resume after the failing statement's start and the error, whichever is later (always moves forward)
        const stmtStart = t?.start ?? this.lex.skipTrivia(this.lex.pos);
        if (!this.resync(Math.max(e.span?.offset ?? 0, stmtStart), stmtStart)) break;
      }
    }
    return { kind: 'Huntflow', source: this.ctx.source, statements, span: this.span(0, this.text.length) };
  }

  /**
   * Moves to the first line at or after the error at `offset` that starts a statement (a line whose first token is
   * the error's own token counts, so `WHERE name =⏎DISP x` resumes at DISP); false if there is none.
   */
  private resync(offset: number, stmtStart: number): boolean {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    const first = this.lex.skipTrivia(lineStart);
    if (first > stmtStart && first <= offset && this.startsStatementAt(first)) {
      this.lex.advanceTo(first);
      return true;
    }
    let nl = this.text.indexOf('\n', offset);
    while (nl >= 0) {
      const at = this.lex.skipTrivia(nl + 1);
      if (at >= this.text.length) return false;
      if (this.startsStatementAt(at)) {
        this.lex.advanceTo(at);
        return true;
      }
      nl = this.text.indexOf('\n', at);
    }
    return false;
  }

  private startsStatementAt(at: number): boolean {
    try {
      const t = this.lex.tokenAt(at);
      return t.start === at && this.startsStatement(t);
    } catch {
      return false; // not a token here
    }
  }

  /** After a statement, only a new statement (or the end) may follow. */
  private checkStatementEnd(s: Statement): void {
    const t = this.lex.peek();
    if (t.kind === 'eof' || this.startsStatement(t)) return;
    const clauses = CLAUSES[s.kind] ?? [];
    const guess = t.kind === 'word' ? closest(t.value, [...clauses, ...COMMANDS]) : undefined;
    const name = s.kind === 'Assign' ? 'assignment' : s.kind.toUpperCase();
    if (t.kind === 'word' && clauses.includes(t.value.toUpperCase())) {
      // a clause keyword of this statement, but repeated or out of order
      throw this.err(
        C.unexpected,
        `${t.value.toUpperCase()} is out of place in the ${name} statement`,
        t,
        SHAPES[s.kind] ? `the order is: ${SHAPES[s.kind]}` : undefined,
      );
    }
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

  statement(): Statement {
    this.current = undefined;
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
    if (t.kind !== 'word')
      throw this.unexpected(
        `a command or a variable after '${output.name} ='`,
        `write e.g. ${output.name} = GET process FROM file://bundle.json WHERE name = 'cmd.exe', or ${output.name} = other_variable`,
      );
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
    this.current = kw;
    switch (kw) {
      case 'GET':
        return parseGet(this, output, start);
      case 'FIND':
        return parseFind(this, output, start);
      case 'GROUP':
        return parseGroup(this, output, start);
      case 'JOIN':
        return parseJoin(this, output, start);
      case 'SORT':
        return parseSort(this, output, start);
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

  // ---- transformation ----

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
    const value =
      values.length === 1 ? first : { kind: 'List' as const, values, span: this.spanFrom(first.span.start) };
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
      if (TRANSFORMS.includes(up as Transform) && after?.kind === 'word') {
        throw this.err(C.unexpected, `${up} needs parentheses`, t, `write ${up}(${after.value})`);
      }
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
        sort = sortKey(this, ctx);
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
