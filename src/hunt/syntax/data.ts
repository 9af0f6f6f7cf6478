/**
 * Literal data inside statements: the JSON-like list of NEW and the argument values of APPLY … WITH.
 * Read token by token so errors point at the offending character.
 */
import type { Literal } from '../../stix/ast.ts';
import type { JsonScalar, NewData } from './ast.ts';
import { HUNT_ERROR_CODES as C, LIMITS } from './diagnostics.ts';
import type { Token } from './lexer.ts';
import type { ParserBase } from './parser-base.ts';

const NEW_HINT = 'NEW [type] ["a", "b"] or NEW [type] [{"name": "a", "pid": 1}, …]';

/** `["a", "b"]` or `[{"k": v, …}, …]`. */
export function newData(p: ParserBase): NewData {
  const open = p.expectPunct('[', NEW_HINT);
  const first = p.lex.peek();
  if (first.kind === 'string') {
    const values: string[] = [];
    for (;;) {
      const t = p.lex.peek();
      if (t.kind !== 'string')
        throw dataError(p, t, 'a string', 'a list of strings holds only quoted strings');
      values.push(t.value);
      p.lex.next();
      if (!p.acceptPunct(',')) break;
    }
    close(p, open);
    return { kind: 'NewStrings', values, span: p.spanFrom(open.start) };
  }
  if (first.kind === 'punct' && first.value === '{') {
    const objects: Record<string, JsonScalar>[] = [];
    for (;;) {
      objects.push(object(p));
      if (!p.acceptPunct(',')) break;
    }
    close(p, open);
    return { kind: 'NewObjects', objects, span: p.spanFrom(open.start) };
  }
  throw dataError(p, first, "a string or '{'", NEW_HINT);
}

function close(p: ParserBase, open: Token): void {
  const t = p.lex.peek();
  if (t.kind === 'eof') throw p.err(C.unclosedBracket, "unclosed '['", open, "close the list with ']'");
  if (t.kind !== 'punct' || t.value !== ']') throw dataError(p, t, "',' or ']'", NEW_HINT);
  p.lex.next();
}

function object(p: ParserBase): Record<string, JsonScalar> {
  const open = p.expectPunct('{');
  const out: Record<string, JsonScalar> = {};
  if (!p.atPunct('}')) {
    for (;;) {
      const k = p.lex.peek();
      if (k.kind !== 'string') throw dataError(p, k, 'a quoted key', 'keys are strings: {"name": "cmd.exe"}');
      p.lex.next();
      p.expectPunct(':', '{"key": value}');
      out[k.value] = scalar(p);
      if (!p.acceptPunct(',')) break;
    }
  }
  const t = p.lex.peek();
  if (t.kind === 'eof') throw p.err(C.unclosedBracket, "unclosed '{'", open, "close the object with '}'");
  if (t.kind !== 'punct' || t.value !== '}') throw dataError(p, t, "',' or '}'", '{"key": value, …}');
  p.lex.next();
  return out;
}

function scalar(p: ParserBase): JsonScalar {
  const t = p.lex.peek();
  if (t.kind === 'string') {
    p.lex.next();
    return t.value;
  }
  if (t.kind === 'number') {
    p.lex.next();
    return Number(t.value);
  }
  if (t.kind === 'word') {
    const w = t.value.toLowerCase();
    if (w === 'true' || w === 'false' || w === 'null') {
      p.lex.next();
      return w === 'null' ? null : w === 'true';
    }
  }
  throw dataError(p, t, 'a string, number, true, false or null', 'values are JSON scalars');
}

function dataError(p: ParserBase, t: Token, what: string, hint: string): Error {
  return p.err(C.badData, `expected ${what}, found ${p.describe(t)}`, t, hint);
}

/** An APPLY argument value: quoted or raw (`r'…'`) string, number, bool, bare word, `var.attr`, or a (nested) list. */
export function applyValue(p: ParserBase, depth = 0): Literal {
  if (p.atEnd()) p.log.add({ kind: 'value' });
  const t = p.lex.peek();
  const span = p.span(t.start, t.end);
  if (t.kind === 'string' || (t.kind === 'typed' && t.prefix === 'r')) {
    p.lex.next();
    return { kind: 'String', value: t.value, span };
  }
  if (t.kind === 'number') {
    p.lex.next();
    return /^-?\d+$/.test(t.value)
      ? { kind: 'Int', value: Number(t.value), span }
      : { kind: 'Float', value: Number(t.value), span };
  }
  if (t.kind === 'punct' && (t.value === '(' || t.value === '[')) {
    const closer = t.value === '(' ? ')' : ']';
    if (depth >= LIMITS.depth)
      throw p.err(
        C.tooComplex,
        `lists nested more than ${LIMITS.depth} levels deep`,
        t,
        'simplify the value',
      );
    p.lex.next();
    const values: Literal[] = [];
    if (!p.atPunct(closer)) {
      values.push(applyValue(p, depth + 1));
      while (p.acceptPunct(',')) values.push(applyValue(p, depth + 1));
    }
    const c = p.lex.peek();
    if (c.kind === 'eof')
      throw p.err(C.unclosedBracket, `unclosed '${t.value}'`, t, `close the list with '${closer}'`);
    if (c.kind !== 'punct' || c.value !== closer) throw p.unexpected(`',' or '${closer}'`);
    p.lex.next();
    return { kind: 'List', values, span: p.spanFrom(t.start) };
  }
  if (t.kind === 'word') {
    p.lex.next();
    const w = t.value.toLowerCase();
    if (w === 'true' || w === 'false') return { kind: 'Bool', value: w === 'true', span };
    const dot = p.lex.peek();
    if (dot.kind === 'punct' && dot.value === '.' && dot.start === t.end) {
      p.lex.next();
      const attr = p.attr({ variable: t.value });
      return { kind: 'VarRef', variable: t.value, attribute: attr.path, span: p.spanFrom(t.start) };
    }
    return { kind: 'String', value: t.value, span };
  }
  throw p.unexpected('a value', 'values are strings, numbers, lists (…) or [… ], or var.attr');
}
