/**
 * SIGMA rules on SysFlow (sf-processor's second policy language): a Sigma rule file becomes a {@link RuleDecl} whose
 * condition is built from its `detection` — each selection a conjunction of field tests (a list of values: any of
 * them; `|all`: every one; a list of maps: any map), the `condition` expression (`and`, `or`, `not`, parentheses,
 * `1 of sel*`, `all of sel*`, `all of them`) over the selections. Fields map to SysFlow attributes through
 * `sigma-fields.json` (sf-processor's `sigma/config/sysflow.yml`); the logsource category adds the record type
 * prefilter and opflags (`process_creation` → PE and EXEC). Matching is Sigma's: case-insensitive, modifiers
 * `contains`, `startswith`, `endswith`, `re`, `all`. Nodes point at the YAML keys they came from.
 * A Sigma config file (`fieldmappings:`) is recognised and contributes no rules.
 */
import { parseDocument, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { z } from 'zod';
import { deepFreeze } from '../../../common/index.ts';
import type { Atom, CompareOp, Cond, LoadProblem, PolicyFile, Span } from './ast.ts';
import data from './sigma-fields.json' with { type: 'json' };
import { PolicyLines } from './span.ts';

const SigmaFieldsSchema = z.object({
  fieldmappings: z.record(z.string(), z.string().startsWith('sf.')),
  categories: z.record(z.string(), z.object({ prefilter: z.array(z.string()), opflags: z.string().optional() })),
});
export const SIGMA_FIELDS = SigmaFieldsSchema.parse(data);

/** True when the text is a Sigma rule or a Sigma config rather than an SFPL/Falco list of declarations. */
export function isSigmaText(text: string): boolean {
  return /^detection:\s*$/m.test(text) || /^fieldmappings:\s*$/m.test(text);
}

class SigmaError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

export function readSigmaFile(source: string, text: string): PolicyFile {
  const lines = new PolicyLines(text);
  const problems: LoadProblem[] = [];
  const doc = parseDocument(text);
  for (const e of doc.errors) problems.push({ severity: 'error', code: 'E_SIGMA_YAML', message: e.message.split('\n')[0], span: lines.span(e.pos[0]) });
  const root = doc.contents;
  if (!isMap(root) || root.has('fieldmappings') || problems.length > 0) return deepFreeze({ kind: 'policy', source, decls: [], problems });
  const spanOf = (n: Node | null | undefined, fallback = 0): Span => {
    const r = n && 'range' in n ? n.range : undefined;
    return r ? lines.span(r[0], Math.max(1, r[1] - r[0])) : lines.span(fallback);
  };
  const str = (k: string): string => {
    const v = root.get(k);
    return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
  };
  const titleNode = root.get('title', true) as Node | undefined;
  try {
    const det = root.get('detection', true);
    if (!isMap(det)) throw new SigmaError('no detection map', titleNode?.range?.[0] ?? 0);
    const selections = new Map<string, Cond>();
    let condNode: Node | undefined;
    for (const pair of det.items as Pair<Node, Node>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      if (name === 'condition') {
        condNode = pair.value ?? undefined;
        continue;
      }
      if (name === 'timeframe') continue;
      selections.set(name, selection(pair.value, spanOf(pair.key), spanOf));
    }
    if (!condNode || !isScalar(condNode)) throw new SigmaError('detection has no condition', det.range?.[0] ?? 0);
    const condText = String(condNode.value);
    let cond = sigmaCondition(condText, selections, spanOf(condNode));
    const logsource = root.get('logsource', true);
    const category = isMap(logsource) ? String(logsource.get('category') ?? '') : '';
    const cat = SIGMA_FIELDS.categories[category];
    const span = spanOf(condNode);
    if (cat?.opflags) {
      const opflags: Cond = {
        kind: 'compare',
        op: '=',
        left: { kind: 'atom', text: 'sf.opflags', quoted: false, span },
        right: { kind: 'atom', text: cat.opflags, quoted: false, span },
        span,
      };
      cond = { kind: 'and', args: [opflags, cond], span };
    }
    const tagsNode = root.get('tags');
    const tags = isSeq(tagsNode) ? tagsNode.items.map((t) => String(isScalar(t) ? t.value : t)) : [];
    return deepFreeze({
      kind: 'policy',
      source,
      decls: [
        {
          kind: 'rule',
          name: str('title'),
          desc: str('description'),
          condition: { text: condText, root: cond, span },
          priority: str('level') || 'low',
          tags,
          actions: [],
          prefilter: cat?.prefilter ?? [],
          enabled: str('status') !== 'deprecated',
          span: spanOf(titleNode),
        },
      ],
      problems,
    });
  } catch (err) {
    if (!(err instanceof SigmaError)) throw err;
    problems.push({ severity: 'error', code: 'E_SIGMA', message: err.message, span: lines.span(err.at) });
    return deepFreeze({ kind: 'policy', source, decls: [], problems });
  }
}

const MODIFIER_OPS: Record<string, CompareOp> = { contains: 'icontains', startswith: 'istartswith', endswith: 'iendswith', re: 'regex' };

/** One selection: a map (all fields must hold) or a list of maps (any map). */
function selection(node: Node | null, keySpan: Span, spanOf: (n: Node | null | undefined) => Span): Cond {
  if (isSeq(node)) {
    const args = node.items.map((m) => selection(m as Node, keySpan, spanOf));
    return args.length === 1 ? args[0] : { kind: 'or', args, span: keySpan };
  }
  if (!isMap(node)) throw new SigmaError('a selection must be a map of field tests (keyword lists are not supported)', keySpan.offset);
  const tests: Cond[] = [];
  for (const pair of node.items as Pair<Node, Node>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const span = spanOf(pair.key);
    const [field, ...mods] = key.split('|');
    const attr = SIGMA_FIELDS.fieldmappings[field] ?? field;
    const all = mods.includes('all');
    const mod = mods.find((m) => m !== 'all');
    if (mod !== undefined && !(mod in MODIFIER_OPS)) throw new SigmaError(`unsupported Sigma modifier '${mod}'`, span.offset);
    const op: CompareOp = mod ? MODIFIER_OPS[mod] : 'iequals';
    const values = isSeq(pair.value) ? pair.value.items : [pair.value];
    const left: Atom = { kind: 'atom', text: attr, quoted: false, span };
    const terms: Cond[] = values.map((v) => {
      const vs = spanOf(v as Node);
      const text = isScalar(v) ? (v.value === null ? '' : String(v.value)) : '';
      return { kind: 'compare', op, left, right: { kind: 'atom', text, quoted: true, span: vs }, span: vs };
    });
    tests.push(terms.length === 1 ? terms[0] : { kind: all ? 'and' : 'or', args: terms, span });
  }
  return tests.length === 1 ? tests[0] : { kind: 'and', args: tests, span: keySpan };
}

/** The Sigma condition expression over named selections. */
function sigmaCondition(text: string, selections: ReadonlyMap<string, Cond>, span: Span): Cond {
  const toks = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let p = 0;
  const fail = (msg: string): never => {
    throw new SigmaError(`condition '${text}': ${msg}`, span.offset);
  };
  const matching = (pattern: string): Cond[] => {
    const re = pattern === 'them' ? /^/ : new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    const hits = [...selections].filter(([n]) => re.test(n)).map(([, c]) => c);
    if (hits.length === 0) fail(`no selection matches '${pattern}'`);
    return hits;
  };
  const primary = (): Cond => {
    const t = toks[p++];
    if (t === undefined) return fail('unexpected end');
    if (t === '(') {
      const c = or();
      if (toks[p++] !== ')') fail("missing ')'");
      return c;
    }
    if (t === 'not') return { kind: 'not', arg: primary(), span };
    if ((t === '1' || t === 'any' || t === 'all') && toks[p] === 'of') {
      p++;
      const target = toks[p++];
      if (target === undefined) return fail("'of' needs a selection pattern");
      const args = matching(target);
      return args.length === 1 ? args[0] : { kind: t === 'all' ? 'and' : 'or', args, span };
    }
    const sel = selections.get(t);
    if (!sel) return fail(`unknown selection '${t}'`);
    return sel;
  };
  const and = (): Cond => {
    const args = [primary()];
    while (toks[p] === 'and') {
      p++;
      args.push(primary());
    }
    return args.length === 1 ? args[0] : { kind: 'and', args, span };
  };
  function or(): Cond {
    const args = [and()];
    while (toks[p] === 'or') {
      p++;
      args.push(and());
    }
    return args.length === 1 ? args[0] : { kind: 'or', args, span };
  }
  const c = or();
  if (p < toks.length) fail(`unexpected '${toks[p]}'`);
  return c;
}
