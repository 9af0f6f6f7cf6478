/**
 * Highlighting tokens of a huntflow: the text cut into classified ranges (commands, keywords, relations, entity types,
 * variables, attributes, strings, timestamps, numbers, URIs, comments, operators) for editors — the JupyterLab
 * extension turns them into a CodeMirror 6 syntax tree. It reads the text with the parser's own lexers (this folder's
 * {@link Lexer}, and `src/stix/`'s inside `[ … ]` patterns) and vocabulary, so words are classified as the parser reads
 * them. It never throws: text the lexers reject becomes an `invalid` token and the scan goes on after it.
 *
 * Invariant: tokens are in order, do not overlap and never cover white space between tokens.
 */
import { isPeregrineError } from '../../errors/index.ts';
import { Lexer as StixLexer, type Token as StixToken } from '../../stix/lexer.ts';
import { Lexer, type Token } from './lexer.ts';
import { ATTR_RE, BARE_PATH_RE } from './parser-base.ts';
import {
  AGGREGATE_FUNCTIONS,
  COMMANDS,
  ENTITY_TYPES,
  KEYWORDS,
  RELATIONS,
  TIME_UNITS,
  TRANSFORMS,
} from './vocabulary.ts';

export type HighlightKind =
  | 'comment'
  | 'command'
  | 'keyword'
  | 'relation'
  | 'entityType'
  | 'definition'
  | 'variable'
  | 'attribute'
  | 'string'
  | 'timestamp'
  | 'number'
  | 'uri'
  | 'operator'
  | 'punctuation'
  | 'invalid';

export interface HighlightToken {
  readonly kind: HighlightKind;
  readonly start: number;
  readonly end: number;
}

const COMMAND_SET = new Set<string>(COMMANDS);
const KEYWORD_SET = new Set<string>([
  ...KEYWORDS,
  ...TRANSFORMS,
  ...AGGREGATE_FUNCTIONS,
  ...Object.values(TIME_UNITS)
    .flat()
    .filter((w) => w.length > 1),
]);
const RELATION_SET = new Set<string>(RELATIONS);
const ENTITY_TYPE_SET = new Set(Object.keys(ENTITY_TYPES));
const OPERATORS = new Set(['=', '==', '!=', '<>', '<', '<=', '>', '>=', '+', '*']);
/** Keywords of STIX patterns (the STIX lexer reads them as identifiers). */
const STIX_KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'MATCHES',
  'ISSUBSET',
  'ISSUPERSET',
  'EXISTS',
  'FOLLOWEDBY',
  'START',
  'STOP',
  'WITHIN',
  'REPEATS',
  'TIMES',
  'SECONDS',
]);
/** The rest of a path after a variable: `.name`, `.parent_ref.name`. */
const STEPS_RE = /(?:\.(?:[A-Za-z0-9_-]+|'[^'\n]*')(?:\[(?:\*|\d+)\])?)+/y;

/** What the next word of the statement is, from the words before it. */
type Expect = 'statement' | 'entityType' | 'uri' | 'attributes' | 'variables' | 'where' | 'any';

/** What each command expects next. */
const AFTER_COMMAND: Readonly<Record<string, Expect>> = {
  GET: 'entityType',
  FIND: 'entityType',
  NEW: 'entityType',
  LOAD: 'uri',
  APPLY: 'uri',
  SAVE: 'variables',
  DISP: 'variables',
  INFO: 'variables',
  DESCRIBE: 'variables',
  EXPLAIN: 'variables',
  SORT: 'variables',
  GROUP: 'variables',
  JOIN: 'variables',
};

/** What each keyword expects next (others keep `any`). */
const AFTER_KEYWORD: Readonly<Record<string, Expect>> = {
  FROM: 'uri',
  TO: 'uri',
  WHERE: 'where',
  ATTR: 'attributes',
  BY: 'attributes',
  ON: 'variables',
  OF: 'variables',
};

class Highlighter {
  readonly out: HighlightToken[] = [];
  readonly lex: Lexer;
  /** Variables assigned so far in this text (`x = …` at the start of a line). */
  readonly variables = new Set<string>();
  pos = 0;
  expect: Expect = 'statement';
  /** The previous word token, upper-cased, for `FIND type RELATION BY var` and `LOAD … AS type`. */
  lastWord = '';
  command = '';
  /** Whether the previous token was a comparison operator (`name = procs.name`: a reference to a variable). */
  afterOperator = false;

  constructor(readonly text: string) {
    this.lex = new Lexer(text, { source: '<highlight>', text });
  }

  push(kind: HighlightKind, start: number, end: number): void {
    if (end > start) this.out.push({ kind, start, end });
    this.pos = Math.max(this.pos, end);
  }

  /** White space and comments up to the next token; returns whether a newline was crossed. */
  trivia(): boolean {
    const s = this.text;
    let newline = this.pos === 0;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 10) {
        newline = true;
        this.pos++;
      } else if (c === 32 || c === 9 || c === 13 || c === 0xfeff) this.pos++;
      else if (c === 35) {
        const eol = s.indexOf('\n', this.pos);
        this.push('comment', this.pos, eol < 0 ? s.length : eol);
      } else break;
    }
    return newline;
  }

  raw(re: RegExp, at: number): string | undefined {
    re.lastIndex = at;
    const m = re.exec(this.text);
    return m && m[0].length > 0 ? m[0] : undefined;
  }

  /** The next token after `t`, or undefined where the lexer would fail. */
  after(t: Token): Token | undefined {
    try {
      return this.lex.tokenAt(t.end);
    } catch {
      return undefined;
    }
  }

  run(): HighlightToken[] {
    for (;;) {
      const lineStart = this.trivia();
      if (this.pos >= this.text.length) return this.out;
      if (this.expect === 'uri' && !/['"]/.test(this.text[this.pos]!)) {
        const path = this.raw(BARE_PATH_RE, this.pos);
        if (path) {
          // a plain name is a variable: GET … FROM x (Kestrel's GET over a variable's entities)
          this.push(
            /^[A-Za-z_][A-Za-z0-9_]*$/.test(path) ? 'variable' : 'uri',
            this.pos,
            this.pos + path.length,
          );
          this.expect = 'any';
          continue;
        }
      }
      let t: Token;
      try {
        t = this.lex.tokenAt(this.pos);
      } catch (e) {
        this.recover(e);
        continue;
      }
      this.token(t, lineStart);
      this.afterOperator = t.kind === 'punct' && OPERATORS.has(t.value);
    }
  }

  /** After a lexer error: an unterminated string is invalid to the end of its line, anything else for one character. */
  recover(e: unknown): void {
    if (!isPeregrineError(e)) throw e;
    const c = this.text[this.pos]!;
    const quote = /['"]/.test(c) || /['"]/.test(this.text[this.pos + 1] ?? '');
    const eol = this.text.indexOf('\n', this.pos);
    const end = quote
      ? eol < 0
        ? this.text.length
        : eol
      : this.pos + String.fromCodePoint(this.text.codePointAt(this.pos)!).length;
    this.push('invalid', this.pos, end);
  }

  token(t: Token, lineStart: boolean): void {
    switch (t.kind) {
      case 'eof':
        this.pos = this.text.length;
        return;
      case 'number':
        this.push('number', t.start, t.end);
        return;
      case 'string':
        this.push('string', t.start, t.end);
        return;
      case 'typed':
        this.push(t.prefix === 't' ? 'timestamp' : 'string', t.start, t.end);
        return;
      case 'punct':
        if (t.value === '[' && (this.expect === 'where' || this.lastWord === 'WHERE'))
          return this.pattern(t.start);
        this.push(OPERATORS.has(t.value) ? 'operator' : 'punctuation', t.start, t.end);
        if (t.value === '=' && this.expect === 'statement') this.expect = 'any';
        return;
      case 'word':
        return this.word(t, lineStart);
    }
  }

  word(t: Token, lineStart: boolean): void {
    const upper = t.value.toUpperCase();
    const next = this.after(t);
    if (lineStart && next?.kind === 'punct' && next.value === '=') {
      const rhs = this.after(next);
      if (rhs?.kind === 'word') {
        this.push('definition', t.start, t.end);
        this.variables.add(t.value);
        this.expect = 'statement';
        this.lastWord = '';
        return;
      }
    }
    const followedByPath =
      next?.kind === 'punct' && (next.value === '.' || next.value === ':') && next.start === t.end;
    if (COMMAND_SET.has(upper) && !followedByPath) {
      this.push('command', t.start, t.end);
      this.command = upper;
      this.expect = AFTER_COMMAND[upper] ?? 'any';
      this.lastWord = upper;
      return;
    }
    if (!followedByPath && RELATION_SET.has(upper) && this.command === 'FIND') {
      this.push('relation', t.start, t.end);
      this.expect = 'variables';
      this.lastWord = upper;
      return;
    }
    if (!followedByPath && KEYWORD_SET.has(upper)) {
      this.push('keyword', t.start, t.end);
      this.expect = this.afterKeyword(upper);
      this.lastWord = upper;
      return;
    }
    this.lastWord = '';
    if (this.expect === 'entityType' && ENTITY_TYPE_SET.has(t.value.toLowerCase())) {
      this.push('entityType', t.start, t.end);
      this.expect = 'any';
      return;
    }
    const reference = this.afterOperator && this.raw(STEPS_RE, t.end) !== undefined;
    if (
      reference ||
      this.variables.has(t.value) ||
      this.expect === 'variables' ||
      this.expect === 'statement' ||
      this.expect === 'any'
    ) {
      this.push('variable', t.start, t.end);
      const steps = this.raw(STEPS_RE, t.end);
      if (steps) {
        this.push('punctuation', t.end, t.end + 1);
        this.push('attribute', t.end + 1, t.end + steps.length);
      }
      return;
    }
    // attributes after ATTR / BY, and the left side of a bare WHERE comparison
    const path = this.raw(ATTR_RE, t.start) ?? t.value;
    this.push('attribute', t.start, t.start + path.length);
  }

  afterKeyword(upper: string): Expect {
    if (upper === 'BY' && RELATION_SET.has(this.lastWord)) return 'variables';
    if (upper === 'AS') return this.command === 'LOAD' ? 'entityType' : 'attributes';
    if ((AGGREGATE_FUNCTIONS as readonly string[]).includes(upper)) return 'attributes';
    return AFTER_KEYWORD[upper] ?? (this.expect === 'where' ? 'where' : 'any');
  }

  /** A bracketed STIX pattern starting at `[`: read with the STIX lexer up to its closing bracket. */
  pattern(open: number): void {
    // the line and column of `[` from the huntflow lexer's line index (else the STIX lexer counts from offset 0)
    const at = this.lex.span(open, open + 1);
    const lex = new StixLexer(
      this.text,
      { source: '<highlight>', lenientStrings: true, comments: true, startLine: at.line, startCol: at.col },
      open,
    );
    let depth = 0;
    let prev: StixToken | undefined;
    for (;;) {
      let t: StixToken;
      try {
        t = lex.next();
      } catch (e) {
        this.recover(e);
        return;
      }
      if (t.kind === 'EOF') return;
      this.stixComments(prev?.end ?? open, t.start);
      if (t.kind === 'LBracket') depth++;
      if (t.kind === 'RBracket') depth--;
      this.push(stixKind(t, prev, this.text, this.variables), t.start, t.end);
      prev = t;
      if (depth === 0) {
        this.expect = 'any';
        this.lastWord = '';
        return;
      }
    }
  }

  /** Comments between two STIX tokens (the STIX lexer skips them as white space). */
  stixComments(from: number, to: number): void {
    const gap = this.text.slice(from, to);
    for (const m of gap.matchAll(/#[^\n]*/g))
      this.push('comment', from + m.index, from + m.index + m[0].length);
  }
}

function stixKind(
  t: StixToken,
  prev: StixToken | undefined,
  text: string,
  variables: ReadonlySet<string>,
): HighlightKind {
  switch (t.kind) {
    case 'String':
    case 'Hex':
    case 'Binary':
      return 'string';
    case 'Timestamp':
      return 'timestamp';
    case 'Int':
    case 'Float':
      return 'number';
    case 'Op':
      return 'operator';
    case 'Ident': {
      if (text[t.end] === ':') return 'entityType';
      if (prev?.kind === 'Colon' || prev?.kind === 'Dot') return 'attribute';
      if (STIX_KEYWORDS.has(t.value.toUpperCase())) return 'keyword';
      return variables.has(t.value) ? 'variable' : 'attribute';
    }
    default:
      return 'punctuation';
  }
}

/** The highlighting tokens of a huntflow (see the module comment). */
export function highlightHuntflow(text: string): HighlightToken[] {
  return new Highlighter(text).run();
}
