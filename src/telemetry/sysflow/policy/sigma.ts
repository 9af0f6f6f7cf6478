/**
 * SIGMA rules on SysFlow (sf-processor's second policy language), read by Peregrine's one Sigma engine
 * (`src/sigma`): the rule is read and lowered there (every modifier applied), and its detection expression becomes
 * a {@link RuleDecl} condition here — each test a comparison on the SysFlow attribute the Linux mapping names
 * (`src/sigma/mapping/data/linux.json`, whose SysFlow column is sf-processor's `sigma/config/sysflow.yml`), the
 * logsource adding the record-type prefilter and opflags (`process_creation` → PE and `sf.opflags = EXEC`).
 * Matching stays Sigma's: plain values compare case-insensitively (`iequals`, `icontains`, …; `cased` uses the
 * case-sensitive operators), inner wildcards become `iglob`, `re` becomes `regex`. What SysFlow policies cannot say
 * (keywords, `cidr`, regex flags) is a load problem naming the construct; the rule is then not loaded.
 * A Sigma config file (`fieldmappings:`) is recognised and contributes no rules.
 */
import { deepFreeze } from '../../../common/index.ts';
import {
  builtinMapping,
  fieldTarget,
  lowerRule,
  printGlob,
  readRules,
  resolveLogsource,
  SigmaError,
  visit,
  type Expr,
  type GlobToken,
  type Match,
  type Rule,
  type Span,
} from '../../../sigma/index.ts';
import { stringify } from 'yaml';
import type { Atom, CompareOp, Cond, LoadProblem, PolicyFile, RuleDecl } from './ast.ts';
import { printCond } from './condition.ts';

/** True when the text is a Sigma rule or a Sigma config rather than an SFPL/Falco list of declarations. */
export function isSigmaText(text: string): boolean {
  return /^detection:\s*$/m.test(text) || /^fieldmappings:\s*$/m.test(text);
}

/** A construct of the detection SysFlow policies cannot express. */
class Unexpressible extends Error {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

const STRING_OPS: Record<'eq' | 'contains' | 'startswith' | 'endswith', readonly [CompareOp, CompareOp]> = {
  // [case-insensitive, cased]
  eq: ['iequals', '='],
  contains: ['icontains', 'contains'],
  startswith: ['istartswith', 'startswith'],
  endswith: ['iendswith', 'endswith'],
};

/** Glob tokens in SFPL's glob syntax: a literal `*`, `?` or `[` becomes a one-character class. */
function sfplGlob(tokens: readonly GlobToken[]): string {
  return tokens.map((t) => (typeof t === 'string' ? t.replace(/[*?[]/g, (c) => `[${c}]`) : t.wild)).join('');
}

class Converter {
  constructor(private readonly attribute: (sigmaField: string) => string) {}

  atom(text: string, span: Span, quoted: boolean): Atom {
    return { kind: 'atom', text, quoted, span };
  }

  /** `field op value`; the value is a quoted literal unless `bare` (an attribute name, a number). */
  compare(op: CompareOp, field: string, value: string, span: Span, bare = false): Cond {
    return {
      kind: 'compare',
      op,
      left: this.atom(this.attribute(field), span, false),
      right: this.atom(value, span, !bare),
      span,
    };
  }

  exists(field: string, span: Span): Cond {
    return { kind: 'exists', operand: this.atom(this.attribute(field), span, false), span };
  }

  match(field: string, m: Match, span: Span): Cond {
    switch (m.kind) {
      case 'str':
        return this.compare(STRING_OPS[m.op][m.cased ? 1 : 0], field, m.value, span);
      case 'glob':
        return this.compare(m.cased ? 'glob' : 'iglob', field, sfplGlob(m.tokens), span);
      case 're':
        if (m.flags.ignoreCase || m.flags.multiline || m.flags.dotAll)
          throw new Unexpressible(
            `regex flags (|re|i, |re|m, |re|s) cannot be expressed in a SysFlow policy`,
            span,
          );
        return this.compare('regex', field, m.pattern, span);
      case 'cidr':
        throw new Unexpressible(`'cidr' (${m.network}) cannot be expressed in a SysFlow policy`, span);
      case 'num': {
        const op: Record<typeof m.op, CompareOp> = { eq: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' };
        return this.compare(op[m.op], field, m.text, span, true);
      }
      case 'bool':
        return this.compare('=', field, String(m.value), span);
      case 'null':
        return { kind: 'not', arg: this.exists(field, span), span };
      case 'exists':
        return m.value ? this.exists(field, span) : { kind: 'not', arg: this.exists(field, span), span };
      case 'fieldref':
        return this.compare(STRING_OPS[m.op][m.cased ? 1 : 0], field, this.attribute(m.other), span, true);
    }
  }

  cond(e: Expr, span: Span): Cond {
    return visit<Cond>(
      {
        and: (x) => ({ kind: 'and', args: x.args.map((a) => this.cond(a, span)), span }),
        or: (x) => ({ kind: 'or', args: x.args.map((a) => this.cond(a, span)), span }),
        not: (x) => ({ kind: 'not', arg: this.cond(x.arg, span), span }),
        // an empty and is true, an empty or false (the compiler folds both)
        const: (x) => ({ kind: x.value ? 'and' : 'or', args: [], span }),
        test: (x) => this.match(x.field, x.match, x.span),
        keyword: (x) => {
          const v =
            x.match.kind === 'glob'
              ? printGlob(x.match.tokens)
              : 'value' in x.match
                ? x.match.value
                : x.match.pattern;
          throw new Unexpressible(
            `keywords ('${v}') cannot be expressed in a SysFlow policy: it has no full-text attribute`,
            x.span,
          );
        },
      },
      e,
    );
  }
}

/** One Sigma rule as a SysFlow policy rule declaration. @throws SigmaError, Unexpressible. */
function ruleDecl(rule: Rule, source: { name: string; text: string }): RuleDecl {
  const linux = builtinMapping('linux');
  const ls = resolveLogsource({ ...rule.logsource, product: 'linux' }, () => linux);
  const detection = lowerRule(rule, {}, source);
  const span = rule.detection.conditions[0].span;
  // a field the mapping does not place keeps its Sigma name: the compiler reports it as an unknown attribute
  const conv = new Converter((f) => fieldTarget(ls, f)?.sysflow ?? f);
  let cond = conv.cond(detection, span);
  const sf = ls.spec?.sysflow;
  if (sf?.opflags) {
    const opflags: Cond = {
      kind: 'compare',
      op: '=',
      left: conv.atom('sf.opflags', span, false),
      right: conv.atom(sf.opflags, span, false),
      span,
    };
    cond = { kind: 'and', args: [opflags, cond], span };
  }
  return {
    kind: 'rule',
    name: rule.title,
    desc: rule.description ?? '',
    condition: { text: rule.detection.conditions.map((c) => c.text).join(' or '), root: cond, span },
    priority: rule.level ?? 'low',
    tags: rule.tags,
    actions: [],
    prefilter: sf?.prefilter ?? [],
    enabled: rule.status !== 'deprecated',
    span: rule.span,
  };
}

export function readSigmaFile(source: string, text: string): PolicyFile {
  const problems: LoadProblem[] = [];
  const decls: RuleDecl[] = [];
  const problem = (code: string, message: string, span: Span): void => {
    problems.push({ severity: 'error', code, message, span });
  };
  if (/^fieldmappings:\s*$/m.test(text) && !/^detection:\s*$/m.test(text))
    return deepFreeze({ kind: 'policy', source, decls, problems });
  const read = readRules(text, source);
  const at = (e: SigmaError): Span =>
    e.span
      ? { line: e.span.line, col: e.span.col, offset: e.span.offset, length: e.span.length ?? 1 }
      : { line: 1, col: 1, offset: 0, length: 1 };
  for (const e of read.errors) problem(e.code, e.message, at(e));
  for (const d of read.documents) {
    if (d.kind === 'correlation') {
      problem(
        'E_SIGMA_UNSUPPORTED',
        `correlation rule '${d.title}' is not evaluated by the policy engine`,
        d.span,
      );
      continue;
    }
    try {
      decls.push(ruleDecl(d, read.source));
    } catch (e) {
      if (e instanceof Unexpressible) problem('E_SIGMA_SYSFLOW', e.message, e.span);
      else if (e instanceof SigmaError) problem(e.code, e.message, at(e));
      else throw e;
    }
  }
  return deepFreeze({ kind: 'policy', source, decls, problems });
}

/**
 * A Sigma rule as the text of a SysFlow policy rule (SFPL, sf-processor's syntax): `- rule:` with its condition
 * over SysFlow attributes, priority, tags and prefilter. Problems (what SFPL cannot say) are returned, not printed.
 */
export function sigmaToPolicyText(
  source: string,
  text: string,
): { text: string; problems: readonly LoadProblem[] } {
  const file = readSigmaFile(source, text);
  const rules = file.decls.filter((d): d is RuleDecl => d.kind === 'rule');
  const out = rules.map((r) =>
    stringify(
      [
        {
          rule: r.name,
          desc: r.desc,
          condition: printCond(r.condition.root),
          priority: r.priority,
          ...(r.tags.length ? { tags: [...r.tags] } : {}),
          ...(r.prefilter.length ? { prefilter: [...r.prefilter] } : {}),
        },
      ],
      { lineWidth: 0 },
    ),
  );
  return { text: out.join(''), problems: file.problems };
}
