/**
 * Lowering: a rule's detection (AST) → the backend-neutral {@link Expr}. Searches are inlined where the condition
 * names them, `1 of`/`all of` patterns are resolved, and each field item's modifiers are applied to its values
 * (`modifiers.ts`). Every error points at the modifier, value or condition token it is about; a valid construct
 * Peregrine does not support carries the feature name (`SigmaError.feature`).
 */
import { parseCidr } from '../common/index.ts';
import { compileRegex } from '../common/regex.ts';
import { didYouMean } from '../common/suggest.ts';
import { ParseError } from '../errors/index.ts';
import type { Cond, FieldItem, FieldMap, Keywords, Rule, ScalarValue, Search, Span } from './ast.ts';
import { sigmaError, type RuleSource } from './errors.ts';
import { globTokens, normaliseGlob, wrapTokens } from './glob.ts';
import { Expr, type GlobToken, type Keyword, type Match, type NumberOp, type StringOp } from './ir.ts';
import {
  applyTransform,
  bytesAsText,
  MODIFIERS,
  PlaceholderMissing,
  stringOp,
  UNSUPPORTED_MODIFIERS,
  type FlagName,
  type MethodName,
  type Piece,
  type TransformName,
} from './modifiers.ts';
import { deepFreeze } from '../common/freeze.ts';

export interface LowerOptions {
  /** Values of `%name%` placeholders for the `expand` modifier. A placeholder without values is an error. */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}

interface Item {
  readonly method?: { readonly name: MethodName; readonly span: Span };
  /** With `fieldref`: how the two fields compare (`fieldref|startswith`). */
  readonly fieldrefOp?: StringOp;
  readonly transforms: readonly { readonly name: TransformName; readonly span: Span }[];
  readonly flags: ReadonlySet<FlagName>;
}

class Lowerer {
  constructor(
    readonly src: RuleSource | undefined,
    readonly options: LowerOptions,
  ) {}

  fail(span: Span, code: string, message: string, hint?: string, feature?: string): never {
    throw sigmaError(this.src, span, code, message, {
      ...(hint ? { hint } : {}),
      ...(feature ? { feature } : {}),
    });
  }

  /** The modifiers of a field item, checked against each other. */
  item(fi: FieldItem): Item {
    let method: Item['method'];
    let fieldref: Span | undefined;
    const transforms: { name: TransformName; span: Span }[] = [];
    const flags = new Set<FlagName>();
    const flagSpans = new Map<FlagName, Span>();
    for (const m of fi.modifiers) {
      const def = MODIFIERS[m.name.toLowerCase()];
      if (!def) {
        const why = UNSUPPORTED_MODIFIERS[m.name.toLowerCase()];
        if (why)
          this.fail(
            m.span,
            'E_SIGMA_UNSUPPORTED',
            `modifier '${m.name}' is not supported: ${why}`,
            undefined,
            `modifier ${m.name}`,
          );
        this.fail(
          m.span,
          'E_SIGMA_MODIFIER',
          `unknown modifier '${m.name}'`,
          didYouMean(m.name, Object.keys(MODIFIERS)) ?? `known: ${Object.keys(MODIFIERS).join(', ')}`,
        );
      }
      if (def.kind === 'method' && def.name === 'fieldref') fieldref = m.span;
      else if (def.kind === 'method') {
        if (method)
          this.fail(
            m.span,
            'E_SIGMA_MODIFIER',
            `'${m.name}' cannot follow '${method.name}'`,
            'a field item has one comparison modifier',
          );
        method = { name: def.name, span: m.span };
      } else if (def.kind === 'transform') transforms.push({ name: def.name, span: m.span });
      else {
        flags.add(def.name);
        flagSpans.set(def.name, m.span);
      }
    }
    if (fieldref) {
      const op = stringOp(method?.name);
      if (!op || method?.name === 'neq')
        this.fail(
          method!.span,
          'E_SIGMA_MODIFIER',
          `'fieldref' cannot be combined with '${method!.name}'`,
          'fieldref compares equal, or with contains/startswith/endswith',
        );
      if (transforms.length)
        this.fail(
          transforms[0].span,
          'E_SIGMA_MODIFIER',
          `'fieldref' cannot be combined with '${transforms[0].name}'`,
        );
      return { method: { name: 'fieldref', span: fieldref }, fieldrefOp: op, transforms, flags };
    }
    const reFlag = (['i', 'm', 's'] as const).find((f) => flags.has(f));
    if (reFlag && method?.name !== 're')
      this.fail(
        flagSpans.get(reFlag)!,
        'E_SIGMA_MODIFIER',
        `'${reFlag}' is a flag of the re modifier`,
        `write Field|re|${reFlag}`,
      );
    if (transforms.length > 0 && method && (!stringOp(method.name) || method.name === 'neq'))
      this.fail(
        transforms[0].span,
        'E_SIGMA_MODIFIER',
        `'${transforms[0].name}' cannot be combined with '${method.name}'`,
        'value transforms apply to plain or contains/startswith/endswith values',
      );
    const b64off = transforms.find((t) => t.name === 'base64offset');
    if (b64off && method?.name !== 'contains')
      this.fail(
        b64off.span,
        'E_SIGMA_MODIFIER',
        "'base64offset' needs 'contains'",
        'write Field|base64offset|contains',
      );
    return { method, transforms, flags };
  }

  /** The glob tokens (or one literal) of a string value after the item's transforms: several when they fan out. */
  pieces(v: ScalarValue & { kind: 'string' }, item: Item): GlobToken[][] {
    let pieces: Piece[] = [v.value];
    let literal = false;
    for (const t of item.transforms) {
      if (!literal && t.name !== 'windash' && t.name !== 'expand') {
        pieces = pieces.map((p) => {
          if (typeof p !== 'string') return p;
          const toks = globTokens(p);
          if (toks.some((x) => typeof x !== 'string'))
            this.fail(
              v.span,
              'E_SIGMA_VALUE',
              `'${t.name}' cannot encode a value with wildcards`,
              'escape a literal * or ? as \\* or \\?',
            );
          return toks.join('');
        });
        literal = true;
      }
      try {
        pieces = pieces.flatMap((p) => applyTransform(t.name, p, (n) => this.options.placeholders?.[n]));
      } catch (e) {
        if (!(e instanceof PlaceholderMissing)) throw e;
        this.fail(
          v.span,
          'E_SIGMA_PLACEHOLDER',
          `placeholder %${e.placeholder}% has no values`,
          'give its values in the placeholder table (--placeholder NAME=V1,V2)',
          'expand placeholder without values',
        );
      }
    }
    return pieces.map((p) =>
      typeof p !== 'string' ? [bytesAsText(p)] : literal ? (p ? [p] : []) : globTokens(p),
    );
  }

  /** One value of a field item → its test(s) (a fan-out of transforms is an OR). */
  value(field: string | undefined, v: ScalarValue, item: Item, span: Span): Expr {
    const m = item.method?.name;
    const cased = item.flags.has('cased');
    const test = (match: Match): Expr =>
      field === undefined ? this.keyword(match, v.span) : Expr.test(field, match, v.span);
    const need = (kind: ScalarValue['kind'], what: string): void => {
      if (v.kind !== kind) this.fail(v.span, 'E_SIGMA_VALUE', `'${m}' needs ${what}`);
    };
    if (v.kind === 'null') {
      if (m || item.transforms.length)
        this.fail(
          v.span,
          'E_SIGMA_VALUE',
          'null takes no modifiers',
          'Field: null means the field is absent',
        );
      return test({ kind: 'null' });
    }
    switch (m) {
      case 'exists':
        need('bool', 'true or false');
        return test({ kind: 'exists', value: (v as { value: boolean }).value });
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        need('number', 'a number');
        return test({
          kind: 'num',
          op: m as NumberOp,
          value: (v as { value: number }).value,
          text: (v as { text: string }).text,
        });
      case 'cidr': {
        need('string', 'a network like 10.0.0.0/8');
        const net = (v as { value: string }).value;
        if (!parseCidr(net))
          this.fail(
            v.span,
            'E_SIGMA_VALUE',
            `'${net}' is not an IPv4 or IPv6 network`,
            'write e.g. 10.0.0.0/8 or fe80::/10',
          );
        return test({ kind: 'cidr', network: net });
      }
      case 're': {
        need('string', 'a regular expression');
        const pattern = (v as { value: string }).value;
        const flags = {
          ignoreCase: item.flags.has('i'),
          multiline: item.flags.has('m'),
          dotAll: item.flags.has('s'),
        };
        try {
          compileRegex(pattern, flags, { what: `the regular expression '${pattern}'` });
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          this.fail(v.span, 'E_SIGMA_REGEX', e.message, e.hint, 'regex beyond RE2');
        }
        return test({ kind: 're', pattern, flags });
      }
      case 'fieldref': {
        need('string', 'the name of another field');
        if (field === undefined) this.fail(span, 'E_SIGMA_VALUE', 'fieldref needs a field on the left');
        return test({
          kind: 'fieldref',
          op: item.fieldrefOp ?? 'eq',
          other: (v as { value: string }).value,
          cased,
        });
      }
      case 'neq':
        return Expr.not(this.value(field, v, { ...item, method: undefined }, span));
      default:
        break;
    }
    const op = stringOp(m) ?? 'eq';
    if (field !== undefined && v.kind === 'number' && op === 'eq' && item.transforms.length === 0)
      return test({ kind: 'num', op: 'eq', value: v.value, text: v.text });
    if (field !== undefined && v.kind === 'bool' && op === 'eq' && item.transforms.length === 0)
      return test({ kind: 'bool', value: v.value });
    const text: ScalarValue & { kind: 'string' } =
      v.kind === 'string'
        ? v
        : { kind: 'string', value: v.kind === 'number' ? v.text : String(v.value), span: v.span };
    const alts = this.pieces(text, item).map((toks) => {
      // a keyword without a method is searched anywhere in the event's values
      const wrapped =
        field === undefined && m === undefined ? wrapTokens(toks, 'contains') : wrapTokens(toks, op);
      return test(normaliseGlob(wrapped, cased));
    });
    return Expr.or(alts);
  }

  keyword(match: Match, span: Span): Keyword {
    if (match.kind !== 'str' && match.kind !== 'glob' && match.kind !== 're')
      this.fail(span, 'E_SIGMA_VALUE', `a keyword (a value without a field) cannot be a ${match.kind} test`);
    return { kind: 'keyword', match, span };
  }

  fieldItem(fi: FieldItem): Expr {
    const item = this.item(fi);
    if (fi.values.length === 0)
      this.fail(fi.span, 'E_SIGMA_VALUE', `'${fi.field ?? ''}' has an empty list of values`);
    const each = fi.values.map((v) => this.value(fi.field, v, item, fi.span));
    return item.flags.has('all') ? Expr.and(each) : Expr.or(each);
  }

  map(m: FieldMap): Expr {
    return Expr.and(m.items.map((fi) => this.fieldItem(fi)));
  }

  keywords(k: Keywords): Expr {
    return Expr.or(
      k.values.map((v) => this.value(undefined, v, { transforms: [], flags: new Set() }, k.span)),
    );
  }

  search(s: Search): Expr {
    const b = s.body;
    if (b.kind === 'map') return this.map(b);
    if (b.kind === 'keywords') return this.keywords(b);
    return Expr.or(b.items.map((it) => (it.kind === 'map' ? this.map(it) : this.keywords(it))));
  }
}

function patternRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${body}$`);
}

/** The detection of `rule` as one boolean expression over field tests. */
export function lowerRule(rule: Rule, options: LowerOptions = {}, src?: RuleSource): Expr {
  const l = new Lowerer(src, options);
  const searches = new Map<string, Search>();
  for (const s of rule.detection.searches) searches.set(s.name, s);
  const lowered = new Map<string, Expr>();
  const get = (name: string): Expr => {
    let e = lowered.get(name);
    if (!e) {
      e = l.search(searches.get(name)!);
      lowered.set(name, e);
    }
    return e;
  };
  const cond = (c: Cond): Expr => {
    switch (c.kind) {
      case 'and':
        return Expr.and(c.args.map(cond));
      case 'or':
        return Expr.or(c.args.map(cond));
      case 'not':
        return Expr.not(cond(c.arg));
      case 'ref': {
        if (!searches.has(c.name))
          l.fail(
            c.span,
            'E_SIGMA_CONDITION',
            `the condition names '${c.name}', which detection does not define`,
            didYouMean(c.name, searches.keys()) ?? `defined: ${[...searches.keys()].join(', ')}`,
          );
        return get(c.name);
      }
      case 'of': {
        const names =
          c.pattern === 'them'
            ? [...searches.keys()].filter((n) => !n.startsWith('_'))
            : [...searches.keys()].filter((n) => patternRegex(c.pattern).test(n));
        if (names.length === 0)
          l.fail(
            c.span,
            'E_SIGMA_CONDITION',
            `no selection matches '${c.pattern}'`,
            `defined: ${[...searches.keys()].join(', ')}`,
          );
        const parts = names.map(get);
        return c.quantifier === 'all' ? Expr.and(parts) : Expr.or(parts);
      }
    }
  };
  return deepFreeze(Expr.or(rule.detection.conditions.map((c) => cond(c.root))));
}
