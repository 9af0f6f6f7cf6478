/**
 * The `condition:` expression of a Sigma detection → a {@link Cond} tree with spans in the rule file.
 *
 *     or      := and ('or' and)*
 *     and     := not ('and' not)*
 *     not     := 'not' not | primary
 *     primary := '(' or ')' | ('1' | 'any' | 'all') 'of' (PATTERN | 'them') | IDENTIFIER
 *
 * Keywords are case-insensitive. The deprecated aggregation syntax (`| count() by x > 5`, `near`) is valid Sigma 1
 * that Peregrine does not evaluate: it is reported as an unsupported feature with the correlation rule as the hint.
 */
import type { Cond, Span } from './ast.ts';
import { sigmaError, type RuleSource } from './errors.ts';

interface Token {
  readonly text: string;
  readonly at: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', 'any']);

/** Tokens of a condition: parentheses, `|`, and words. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\(|\)|\||[^\s()|]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ text: m[0], at: m.index });
  return out;
}

/**
 * Parses one condition. `base` is the span of the condition's text in the file when the text is written there as
 * is (a plain or quoted one-line scalar); token spans then point at the token, else at the whole condition.
 */
export function parseCondition(text: string, base: Span, exact: boolean, src?: RuleSource): Cond {
  const toks = tokenize(text);
  let p = 0;
  const spanOf = (t: Token | undefined): Span =>
    exact && t
      ? { offset: base.offset + t.at, length: t.text.length, line: base.line, col: base.col + t.at }
      : base;
  const cover = (a: Span, b: Span): Span =>
    exact ? { ...a, length: Math.max(a.length, b.offset + b.length - a.offset) } : base;
  const fail = (t: Token | undefined, message: string, hint?: string, feature?: string): never => {
    throw sigmaError(src, spanOf(t), feature ? 'E_SIGMA_UNSUPPORTED' : 'E_SIGMA_CONDITION', message, {
      ...(hint ? { hint } : {}),
      ...(feature ? { feature } : {}),
    });
  };
  const kw = (t: Token | undefined): string | undefined => {
    const low = t?.text.toLowerCase();
    return low !== undefined && KEYWORDS.has(low) ? low : undefined;
  };

  const primary = (): Cond => {
    const t = toks[p++];
    if (t === undefined) return fail(toks[p - 2], `condition '${text}' ends too early`);
    if (t.text === '(') {
      const inner = or();
      const close = toks[p++];
      if (close?.text !== ')')
        return fail(close ?? t, "missing ')'", `the '(' at column ${spanOf(t).col} is not closed`);
      return inner;
    }
    if (t.text === ')') return fail(t, "unexpected ')'");
    if (t.text === '|') return aggregation(t);
    const word = kw(t);
    if (word === 'not') {
      const arg = not(t);
      return { kind: 'not', arg, span: cover(spanOf(t), arg.span) };
    }
    const ofTok = toks[p];
    if (kw(ofTok) === 'of') {
      const n = t.text.toLowerCase();
      if (n !== '1' && n !== 'any' && n !== 'all') {
        return /^\d+$/.test(n)
          ? fail(t, `'${t.text} of' is not Sigma: only '1 of' and 'all of'`, 'write 1 of … or all of …')
          : fail(t, `'${t.text}' before 'of' should be 1 or all`);
      }
      p++;
      const target = toks[p++];
      if (target === undefined || target.text === '(' || target.text === ')' || target.text === '|')
        return fail(
          target ?? ofTok,
          `'of' needs a search identifier pattern or 'them'`,
          'e.g. 1 of selection_*',
        );
      const pattern = kw(target) === 'them' ? 'them' : target.text;
      return {
        kind: 'of',
        quantifier: n === 'all' ? 'all' : 'any',
        pattern,
        span: cover(spanOf(t), spanOf(target)),
      };
    }
    if (t.text.toLowerCase() === 'near') return fail(t, "'near' is not supported", undefined, 'near');
    if (word !== undefined)
      return fail(t, `unexpected '${t.text}'`, 'a search identifier, not, 1 of/all of or ( was expected');
    return { kind: 'ref', name: t.text, span: spanOf(t) };
  };
  const aggregation = (t: Token): never =>
    fail(
      t,
      'aggregation expressions after | (count, min, max, avg, sum, near) are not evaluated',
      'write it as a correlation rule (correlation: type: event_count …) over this rule',
      'aggregation in condition',
    );
  function not(t: Token): Cond {
    if (toks[p] === undefined) return fail(t, "'not' needs an operand");
    return primary();
  }
  const and = (): Cond => {
    const args = [primary()];
    while (kw(toks[p]) === 'and') {
      p++;
      args.push(primary());
    }
    return args.length === 1
      ? args[0]
      : { kind: 'and', args, span: cover(args[0].span, args[args.length - 1].span) };
  };
  function or(): Cond {
    const args = [and()];
    while (kw(toks[p]) === 'or') {
      p++;
      args.push(and());
    }
    return args.length === 1
      ? args[0]
      : { kind: 'or', args, span: cover(args[0].span, args[args.length - 1].span) };
  }

  if (toks.length === 0) return fail(undefined, 'the condition is empty');
  const root = or();
  const rest = toks[p];
  if (rest !== undefined) {
    if (rest.text === '|') return aggregation(rest);
    if (rest.text.toLowerCase() === 'near') return fail(rest, "'near' is not supported", undefined, 'near');
    return fail(rest, `unexpected '${rest.text}'`, 'search identifiers are joined with and / or');
  }
  return root;
}
