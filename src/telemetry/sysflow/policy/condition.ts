/**
 * Lexer and recursive-descent parser of policy conditions (`sf.proc.name in (shell_binaries) and not entrypoint`).
 *
 * Precedence, loosest first: `or`, `and`, `not`, then a term: `( … )`, `A op B`, `A in (…)`, `A pmatch (…)`,
 * `A exists` / `exists A`, or a bare identifier (a macro reference). Atoms are bare words — anything up to whitespace
 * or one of `( ) [ ] , = < > !` and quotes, with a directly attached `[…]` suffix (`sf.ke.message[items.0.x]`,
 * Falco's `proc.aname[2]`) — or single/double-quoted strings. The text handed in may contain blanked-out comment
 * regions; offsets are relative to `base`, the position of `text` in its file, so spans point into the file.
 */
import { ParseError } from '../../../errors/index.ts';
import { deepFreeze } from '../../../common/index.ts';
import type { Atom, Cond, CompareOp, ListOp, Span } from './ast.ts';
import type { PolicyLines } from './span.ts';

type TokType = 'word' | 'string' | 'op' | '(' | ')' | '[' | ']' | ',' | 'eof';
interface Token {
  readonly type: TokType;
  readonly text: string;
  /** Offset in the file. */
  readonly start: number;
  readonly end: number;
}

const COMPARE_WORDS: ReadonlySet<string> = new Set([
  'contains',
  'icontains',
  'startswith',
  'endswith',
  'glob',
  'iglob',
  'regex',
  'bcontains',
  'bstartswith',
]);
const LIST_WORDS: ReadonlySet<string> = new Set(['in', 'pmatch', 'intersects']);
/** Words that can never be a macro name or an attribute. */
export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'exists', ...COMPARE_WORDS, ...LIST_WORDS]);

const WORD_STOP = new Set([...' \t\r\n()[],=<>!"\'']);

function lex(text: string, base: number, lines: PolicyLines, source: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  const fail = (at: number, msg: string, hint?: string): never => {
    throw new ParseError('E_POLICY_SYNTAX', msg, { span: { source, ...lines.span(base + at), text: lines.text }, hint });
  };
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')' || c === '[' || c === ']' || c === ',') {
      out.push({ type: c, text: c, start: base + i, end: base + i + 1 });
      i++;
      continue;
    }
    if (c === '=' || c === '<' || c === '>' || c === '!') {
      let op: string = c;
      if (text[i + 1] === '=') op += '=';
      if (op === '!') fail(i, "unexpected '!'", "write '!=' or 'not'");
      if (op === '==') op = '=';
      i += text[i + 1] === '=' ? 2 : 1;
      out.push({ type: 'op', text: op, start: base + start, end: base + i });
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < n && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < n && (text[j + 1] === c || text[j + 1] === '\\')) {
          value += text[j + 1];
          j += 2;
          continue;
        }
        if (text[j] === '\n') break;
        value += text[j++];
      }
      if (j >= n || text[j] !== c) fail(i, `unterminated string`, `close it with ${c}`);
      i = j + 1;
      out.push({ type: 'string', text: value, start: base + start, end: base + i });
      continue;
    }
    while (i < n && !WORD_STOP.has(text[i])) i++;
    // A directly attached [...] belongs to the word (jsonpath / Falco index).
    while (i < n && text[i] === '[' && i > start) {
      const close = text.indexOf(']', i);
      if (close < 0) fail(i, "unterminated '['");
      i = close + 1;
      while (i < n && !WORD_STOP.has(text[i])) i++;
    }
    out.push({ type: 'word', text: text.slice(start, i), start: base + start, end: base + i });
  }
  out.push({ type: 'eof', text: '', start: base + n, end: base + n });
  return out;
}

/** How deep `(` and `not` may nest in one condition (sf-processor's and Falco's rule sets stay under 10). */
export const MAX_CONDITION_DEPTH = 256;

/** Parses one condition. Throws {@link ParseError} (with a file span) on malformed input. */
export function parseCondition(text: string, base: number, lines: PolicyLines, source: string): Cond {
  const toks = lex(text, base, lines, source);
  let p = 0;
  const peek = (): Token => toks[p];
  const next = (): Token => toks[p++];
  const span = (start: number, end: number): Span => lines.span(start, end - start);
  const fail = (t: Token, msg: string, hint?: string): never => {
    throw new ParseError('E_POLICY_SYNTAX', msg, {
      span: { source, ...lines.span(t.start, t.end - t.start), text: lines.text },
      hint,
    });
  };
  const describe = (t: Token): string => (t.type === 'eof' ? 'end of condition' : `'${t.text}'`);
  const isWord = (t: Token, w: string): boolean => t.type === 'word' && t.text === w;
  const endOf = (c: Cond | Atom): number => c.span.offset + c.span.length;

  const atom = (what: string): Atom => {
    const t = next();
    if (t.type === 'word') {
      if (KEYWORDS.has(t.text)) fail(t, `expected ${what}, found the keyword '${t.text}'`);
      return { kind: 'atom', text: t.text, quoted: false, span: span(t.start, t.end) };
    }
    if (t.type === 'string') return { kind: 'atom', text: t.text, quoted: true, span: span(t.start, t.end) };
    // Falco's event direction values: evt.dir = <
    if (t.type === 'op' && (t.text === '<' || t.text === '>')) {
      return { kind: 'atom', text: t.text, quoted: false, span: span(t.start, t.end) };
    }
    return fail(t, `expected ${what}, found ${describe(t)}`);
  };

  const items = (): Atom[] => {
    const out: Atom[] = [];
    const open = next();
    if (open.type !== '(') fail(open, `expected '(' after the list operator, found ${describe(open)}`, 'write A in (x, y, some_list)');
    if (peek().type === ')') {
      next();
      return out;
    }
    for (;;) {
      if (peek().type === '[') {
        next();
        while (peek().type !== ']') {
          out.push({ ...atom('a list item'), bracketed: true });
          if (peek().type === ',') next();
          else if (peek().type !== ']') fail(peek(), `expected ',' or ']', found ${describe(peek())}`);
        }
        next();
      } else {
        out.push(atom('a list item'));
      }
      const t = next();
      if (t.type === ')') return out;
      if (t.type !== ',') fail(t, `expected ',' or ')', found ${describe(t)}`);
    }
  };

  // Nesting depth of ( and not: the parser and every walker of the tree recurse, so it is capped with an error.
  let depth = 0;
  const enter = (t: Token): void => {
    if (++depth > MAX_CONDITION_DEPTH)
      fail(
        t,
        `the condition nests deeper than ${MAX_CONDITION_DEPTH} levels of ( and not`,
        'split it into macros, or flatten it: a and (b and c) is a and b and c',
      );
  };

  const primary = (): Cond => {
    const t = peek();
    if (t.type === '(') {
      next();
      enter(t);
      const inner = or();
      depth--;
      const close = next();
      if (close.type !== ')') {
        const open = lines.span(t.start);
        fail(close, `expected ')', found ${describe(close)}`, `the '(' at ${open.line}:${open.col} is not closed`);
      }
      return inner;
    }
    if (isWord(t, 'exists')) {
      next();
      const operand = atom('an attribute after exists');
      return { kind: 'exists', operand, span: span(t.start, endOf(operand)) };
    }
    const left = atom('an attribute, a macro or (');
    const op = peek();
    if (op.type === 'op') {
      next();
      const right = atom(`a value after '${op.text}'`);
      return { kind: 'compare', op: op.text as CompareOp, left, right, span: span(t.start, endOf(right)) };
    }
    if (op.type === 'word' && COMPARE_WORDS.has(op.text)) {
      next();
      const right = atom(`a value after '${op.text}'`);
      return { kind: 'compare', op: op.text as CompareOp, left, right, span: span(t.start, endOf(right)) };
    }
    if (op.type === 'word' && LIST_WORDS.has(op.text)) {
      next();
      const list = items();
      const end = toks[p - 1].end;
      return { kind: 'inlist', op: op.text as ListOp, left, items: list, span: span(t.start, end) };
    }
    if (isWord(op, 'exists')) {
      next();
      return { kind: 'exists', operand: left, span: span(t.start, op.end) };
    }
    if (left.quoted) fail(t, `a quoted string cannot stand alone as a condition`, 'compare it with an attribute');
    return { kind: 'ref', name: left.text, span: left.span };
  };

  const unary = (): Cond => {
    const t = peek();
    if (isWord(t, 'not')) {
      next();
      enter(t);
      const arg = unary();
      depth--;
      return { kind: 'not', arg, span: span(t.start, endOf(arg)) };
    }
    return primary();
  };

  const and = (): Cond => {
    const first = unary();
    const args = [first];
    while (isWord(peek(), 'and')) {
      next();
      args.push(unary());
    }
    return args.length === 1 ? first : { kind: 'and', args, span: span(first.span.offset, endOf(args[args.length - 1])) };
  };

  function or(): Cond {
    const first = and();
    const args = [first];
    while (isWord(peek(), 'or')) {
      next();
      args.push(and());
    }
    return args.length === 1 ? first : { kind: 'or', args, span: span(first.span.offset, endOf(args[args.length - 1])) };
  }

  if (peek().type === 'eof') fail(peek(), 'empty condition');
  const root = or();
  if (peek().type !== 'eof') {
    const t = peek();
    const hint = t.type === 'word' ? "join conditions with 'and' / 'or'" : undefined;
    fail(t, `unexpected ${describe(t)} after a complete condition`, hint);
  }
  return deepFreeze(root);
}

/** Prints a condition back as canonical text (fully parenthesised where precedence needs it). */
export function printCond(c: Cond): string {
  const a = (x: Atom): string => (x.quoted ? JSON.stringify(x.text) : x.text);
  switch (c.kind) {
    case 'and':
      return c.args.map((x) => (x.kind === 'or' ? `(${printCond(x)})` : printCond(x))).join(' and ');
    case 'or':
      return c.args.map(printCond).join(' or ');
    case 'not':
      return `not ${c.arg.kind === 'and' || c.arg.kind === 'or' ? `(${printCond(c.arg)})` : printCond(c.arg)}`;
    case 'compare':
      return `${a(c.left)} ${c.op} ${a(c.right)}`;
    case 'inlist':
      return `${a(c.left)} ${c.op} (${c.items.map(a).join(', ')})`;
    case 'exists':
      return `${a(c.operand)} exists`;
    case 'ref':
      return c.name;
  }
}
