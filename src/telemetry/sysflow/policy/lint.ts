/**
 * `peregrine sysflow lint`: static checks of policy files, each finding with `file:line:col`.
 *
 * - unreadable declarations (reader problems) and condition syntax errors;
 * - unknown attributes, with close-match suggestions (`sf.proc.username` → `sf.proc.user`); values that look like
 *   misspelt attributes; Falco fields SysFlow cannot supply (the rule will not load);
 * - undefined macros; macro cycles; a list compared with `=`/`!=`/`contains` … (compares the list's NAME);
 *   `in`/`pmatch` items that name a macro, or look like a list nobody defined (matched as literal text);
 * - literals of the wrong kind for the attribute (`sf.net.sport = ssh`, `sf.opflags = EXECUTE`, `sf.type = XX`);
 * - conditions that can never be true: the same single-valued attribute required to equal two different values,
 *   disjoint `in` sets, `=` together with `!=`/`not … =` of the same value, empty numeric ranges, an `sf.type` the
 *   rule's prefilter excludes;
 * - duplicate rule names, unknown priorities and prefilter types.
 */
import { nearest } from '../../../common/index.ts';
import { OP_FLAG_NAMES, SF_TYPE } from '../records/index.ts';
import type { Atom, Cond, PolicyFile, RuleDecl, Span } from './ast.ts';
import type { AttributeDef } from './attributes.ts';
import { buildCatalog, expandItems, type Catalog } from './catalog.ts';
import { ConditionCompiler, type PolicyNote } from './compile.ts';
import { normalisePriority } from './engine.ts';
import { lookupAttribute } from './lookup.ts';

export type LintFinding = PolicyNote;

const RECORD_TYPES = new Set(Object.values(SF_TYPE));
const OPFLAG_WORDS = new Set([...OP_FLAG_NAMES.filter((n) => n !== 'READ_RECV' && n !== 'WRITE_SEND'), 'READ', 'RECV', 'WRITE', 'SEND']);
const LISTY = /_(binaries|bins|cmds|commands|files|dirs|directories|procs|processes|images|containers|paths|tools|users|names|list|ports|programs|utils)$/;
const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** `pkg` is an abbreviation of `package`: its letters appear in order and it starts the same. */
function abbreviates(short: string, long: string): boolean {
  if (short.length === 0 || short[0] !== long[0]) return false;
  let j = 0;
  for (const c of long) if (c === short[j]) j++;
  return j === short.length;
}

function closest(name: string, pool: Iterable<string>): string | undefined {
  // Same tail with an abbreviated head first (pkg_mgmt_binaries → package_mgmt_binaries), then edit distance.
  const cut = name.indexOf('_');
  if (cut > 0) {
    for (const p of pool) {
      const pc = p.indexOf('_');
      if (pc > 0 && p.slice(pc) === name.slice(cut) && abbreviates(name.slice(0, cut), p.slice(0, pc))) return p;
    }
  }
  return nearest(name, pool, { within: Math.max(2, Math.floor(name.length / 4)) });
}

const where = (s: Span): string => `${s.line}:${s.col}`;
const atomText = (a: Atom): string => (a.quoted ? `'${a.text}'` : a.text);

/** One requirement a conjunction puts on a single-valued attribute. */
type Fact =
  | { readonly kind: 'eq'; readonly attr: string; readonly values: ReadonlySet<string>; readonly span: Span; readonly text: string }
  | { readonly kind: 'ne'; readonly attr: string; readonly values: ReadonlySet<string>; readonly span: Span; readonly text: string }
  | { readonly kind: 'cmp'; readonly attr: string; readonly op: string; readonly value: number; readonly span: Span; readonly text: string };

class Linter {
  readonly findings: LintFinding[] = [];
  private readonly seen = new Set<string>();
  private source = '';

  constructor(private readonly catalog: Catalog) {}

  add(f: Omit<LintFinding, 'source'>, source = this.source): void {
    const key = `${source}:${f.span.offset}:${f.code}:${f.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push({ ...f, source });
  }

  run(): void {
    for (const file of this.catalog.files) {
      this.source = file.source;
      for (const p of file.problems) this.add({ severity: p.severity, code: p.code, message: p.message, span: p.span });
    }
    const compiler = new ConditionCompiler(this.catalog);
    const names = new Map<string, { span: Span; source: string }>();
    for (const file of this.catalog.files) {
      this.source = file.source;
      for (const d of file.decls) {
        if (d.kind === 'list') {
          this.checkItems(d.items, 'list');
          continue;
        }
        const c = compiler.compile(d.condition.root, file.source);
        if (d.kind === 'rule' && c.unmappable.length > 0) {
          this.add({
            severity: 'warning',
            code: 'W_UNMAPPABLE_RULE',
            message: `rule '${d.name}' needs Falco fields SysFlow does not record: ${c.unmappable.join(', ')}; it is not loaded`,
            span: d.span,
          });
        }
        this.walk(d.condition.root);
        this.contradictions(d.condition.root, d.kind === 'rule' ? d : undefined);
        if (d.kind === 'rule') {
          const prev = names.get(d.name);
          if (prev) {
            this.add({
              severity: 'warning',
              code: 'W_DUPLICATE_RULE',
              message: `rule '${d.name}' is also defined at ${prev.source}:${where(prev.span)}`,
              span: d.span,
            });
          } else names.set(d.name, { span: d.span, source: file.source });
          if (d.priority !== '' && !normalisePriority(d.priority)) {
            this.add({ severity: 'warning', code: 'W_PRIORITY', message: `unknown priority '${d.priority}' (low, medium, high or a Falco level)`, span: d.span });
          }
          for (const t of d.prefilter) {
            if (!RECORD_TYPES.has(t)) {
              this.add({ severity: 'warning', code: 'W_PREFILTER', message: `prefilter '${t}' is not a record type (${[...RECORD_TYPES].join(', ')})`, span: d.span });
            }
          }
        }
      }
    }
    for (const n of compiler.notes) this.add(n, n.source);
  }

  private checkItems(items: readonly Atom[], where: 'list' | 'condition'): void {
    for (const a of items) {
      if (a.quoted || this.catalog.lists.has(a.text)) continue;
      if (this.catalog.macros.has(a.text) && a.text.includes('_')) {
        this.add({
          severity: 'error',
          code: 'E_MACRO_AS_LIST_ITEM',
          message: `'${a.text}' is a macro, not a list: as a ${where === 'list' ? 'list' : 'value'} item it is the literal text '${a.text}'`,
          span: a.span,
          hint: 'use the macro as a condition (… or ' + a.text + ')',
        });
      } else if (LISTY.test(a.text)) {
        const near = closest(a.text, this.catalog.lists.keys());
        this.add({
          severity: 'warning',
          code: 'W_UNDEFINED_LIST',
          message: `no list named '${a.text}': the item is matched as literal text`,
          span: a.span,
          hint: near ? `did you mean '${near}'?` : 'define the list or quote the value',
        });
      }
    }
  }

  private walk(c: Cond): void {
    switch (c.kind) {
      case 'and':
      case 'or':
        for (const a of c.args) this.walk(a);
        return;
      case 'not':
        this.walk(c.arg);
        return;
      case 'ref':
      case 'exists':
        return;
      case 'inlist':
        this.checkItems(c.items, 'condition');
        this.checkValues(c.left, c.items);
        return;
      case 'compare': {
        const r = c.right;
        if (!r.quoted && this.catalog.lists.has(r.text) && lookupAttribute(r.text).kind !== 'attr') {
          this.add({
            severity: 'error',
            code: 'E_LIST_COMPARED',
            message: `'${r.text}' is a list: '${c.op}' compares with the literal text '${r.text}', never with the list's items`,
            span: r.span,
            hint: `write ${c.left.text} ${c.op === '!=' ? 'not in' : c.op === 'contains' ? 'pmatch' : 'in'} (${r.text})`,
          });
          return;
        }
        if (c.op === '=' || c.op === '!=' || ['<', '<=', '>', '>='].includes(c.op)) this.checkValues(c.left, [r], c.op);
        return;
      }
    }
  }

  /** Literal values of the wrong kind for the attribute. */
  private checkValues(left: Atom, values: readonly Atom[], op = '='): void {
    const hit = lookupAttribute(left.text);
    if (hit.kind !== 'attr' || left.quoted) return;
    const def = hit.def;
    const ordering = ['<', '<=', '>', '>='].includes(op);
    for (const v of values) {
      if (!v.quoted && (lookupAttribute(v.text).kind === 'attr' || this.catalog.lists.has(v.text))) continue;
      const isNum = /^-?\d+(\.\d+)?$/.test(v.text) || def.literals?.[v.text.toLowerCase()] !== undefined;
      let problem: string | undefined;
      if (ordering && !(def.type === 'int' || def.type === 'big')) problem = `'${op}' compares numbers but ${def.name} is ${def.type === 'strs' ? 'a list of strings' : `a ${def.type}`}`;
      else if (ordering && !isNum) problem = `'${v.text}' is not a number (read as 0)`;
      else if (!ordering && (def.type === 'int' || def.type === 'big') && !isNum) problem = `${def.name} is a number; '${v.text}' never equals it`;
      else if (!ordering && def.type === 'bool' && !/^(true|false|0|1)$/i.test(v.text)) problem = `${def.name} is true or false; '${v.text}' never equals it`;
      else if (!ordering && def.name === 'sf.type' && !RECORD_TYPES.has(v.text)) problem = `'${v.text}' is not a record type (${[...RECORD_TYPES].join(', ')})`;
      else if (!ordering && def.name === 'sf.opflags' && !OPFLAG_WORDS.has(v.text)) problem = `'${v.text}' is not an operation flag`;
      if (problem) this.add({ severity: 'warning', code: 'W_VALUE_TYPE', message: problem, span: v.span });
    }
  }

  // --- contradictions ------------------------------------------------------------------------------------------

  private singleValued(a: Atom): AttributeDef | undefined {
    if (a.quoted) return undefined;
    const hit = lookupAttribute(a.text);
    return hit.kind === 'attr' && hit.def.type !== 'strs' ? hit.def : undefined;
  }

  /** The terms a conjunction requires, looking through `and`, parentheses and conjunctive macros. */
  private conjuncts(c: Cond, out: Cond[], macros: Set<string>): void {
    if (c.kind === 'and') for (const a of c.args) this.conjuncts(a, out, macros);
    else if (c.kind === 'ref') {
      const defs = this.catalog.macros.get(c.name);
      if (defs && defs.length === 1 && !macros.has(c.name)) {
        macros.add(c.name);
        this.conjuncts(defs[0].decl.condition.root, out, macros);
        macros.delete(c.name);
      }
    } else out.push(c);
  }

  private facts(terms: readonly Cond[]): Fact[] {
    const out: Fact[] = [];
    const norm = (def: AttributeDef, v: string): string =>
      def.type === 'int' || def.type === 'big' ? String(def.literals?.[v.toLowerCase()] ?? Number(v)) : def.type === 'bool' ? String(/^(true|1)$/i.test(v)) : v;
    for (const t of terms) {
      const neg = t.kind === 'not';
      const c = neg ? t.arg : t;
      if (c.kind === 'compare') {
        const def = this.singleValued(c.left);
        if (!def || (!c.right.quoted && (lookupAttribute(c.right.text).kind === 'attr' || this.catalog.lists.has(c.right.text)))) continue;
        const text = `${neg ? 'not ' : ''}${c.left.text} ${c.op} ${atomText(c.right)}`;
        const values = new Set([norm(def, c.right.text)]);
        if (c.op === '=' || c.op === '!=') {
          const eq = (c.op === '=') !== neg;
          out.push({ kind: eq ? 'eq' : 'ne', attr: def.name, values, span: t.span, text });
        } else if (!neg && ['<', '<=', '>', '>='].includes(c.op) && (def.type === 'int' || def.type === 'big')) {
          const n = Number(def.literals?.[c.right.text.toLowerCase()] ?? c.right.text);
          if (!Number.isNaN(n)) out.push({ kind: 'cmp', attr: def.name, op: c.op, value: n, span: t.span, text });
        }
      } else if (c.kind === 'inlist' && c.op !== 'pmatch') {
        const def = this.singleValued(c.left);
        if (!def) continue;
        const values = new Set(expandItems(this.catalog, c.items).map((v) => norm(def, v)));
        const text = `${neg ? 'not ' : ''}${c.left.text} ${c.op} (…)`;
        out.push({ kind: neg ? 'ne' : 'eq', attr: def.name, values, span: t.span, text });
      }
    }
    return out;
  }

  private contradictions(root: Cond, rule: RuleDecl | undefined): void {
    const visit = (c: Cond): void => {
      if (c.kind === 'and' || c === root) this.checkConjunction(c, c === root ? rule : undefined);
      if (c.kind === 'and' || c.kind === 'or') c.args.forEach(visit);
      else if (c.kind === 'not') visit(c.arg);
    };
    visit(root);
  }

  private checkConjunction(c: Cond, rule: RuleDecl | undefined): void {
    const terms: Cond[] = [];
    this.conjuncts(c, terms, new Set());
    const facts = this.facts(terms);
    if (rule && rule.prefilter.length > 0) {
      facts.unshift({ kind: 'eq', attr: 'sf.type', values: new Set(rule.prefilter), span: rule.span, text: `prefilter [${rule.prefilter.join(', ')}]` });
    }
    const never = (f: Fact, g: Fact, why: string): void => {
      this.add({
        severity: 'error',
        code: 'E_NEVER_TRUE',
        message: `condition can never be true: ${g.text} contradicts ${f.text} (${where(f.span)})${why ? ` — ${why}` : ''}`,
        span: g.span,
      });
    };
    const byAttr = new Map<string, Fact[]>();
    for (const f of facts) byAttr.set(f.attr, [...(byAttr.get(f.attr) ?? []), f]);
    for (const group of byAttr.values()) {
      let eq: { values: Set<string>; fact: Fact } | undefined;
      let lo = -Infinity;
      let loIncl = true;
      let hi = Infinity;
      let hiIncl = true;
      let loFact: Fact | undefined;
      let hiFact: Fact | undefined;
      const ne: Extract<Fact, { kind: 'ne' }>[] = [];
      for (const f of group) {
        if (f.kind === 'eq') {
          if (!eq) eq = { values: new Set(f.values), fact: f };
          else {
            const inter = new Set([...eq.values].filter((v) => f.values.has(v)));
            if (inter.size === 0) {
              never(eq.fact, f, 'no value satisfies both');
              return;
            }
            eq = { values: inter, fact: f };
          }
        } else if (f.kind === 'ne') ne.push(f);
        else {
          if ((f.op === '>' || f.op === '>=') && (f.value > lo || (f.value === lo && f.op === '>'))) {
            lo = f.value;
            loIncl = f.op === '>=';
            loFact = f;
          }
          if ((f.op === '<' || f.op === '<=') && (f.value < hi || (f.value === hi && f.op === '<'))) {
            hi = f.value;
            hiIncl = f.op === '<=';
            hiFact = f;
          }
          if (loFact && hiFact && (lo > hi || (lo === hi && !(loIncl && hiIncl)))) {
            never(loFact === f ? hiFact : loFact, f, 'the range is empty');
            return;
          }
        }
      }
      if (eq) {
        for (const f of ne) {
          const left = [...eq.values].filter((v) => !f.values.has(v));
          if (left.length === 0) {
            never(eq.fact, f, '');
            return;
          }
        }
        const nums = [...eq.values].map(Number);
        if (loFact || hiFact) {
          const ok = nums.some((n) => !Number.isNaN(n) && (n > lo || (loIncl && n === lo)) && (n < hi || (hiIncl && n === hi)));
          if (!ok) never(eq.fact, (hiFact ?? loFact)!, 'the value is outside the range');
        }
      }
    }
  }
}

/** Lints parsed policy files (linted together: lists and macros are shared across them). Findings sorted by place. */
export function lintPolicies(files: readonly PolicyFile[]): LintFinding[] {
  const l = new Linter(buildCatalog(files));
  l.run();
  const order = new Map(files.map((f, i) => [f.source, i]));
  return l.findings.sort(
    (a, b) =>
      (order.get(a.source) ?? 0) - (order.get(b.source) ?? 0) ||
      a.span.offset - b.span.offset ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.code.localeCompare(b.code),
  );
}

/** `file:line:col: severity[CODE]: message` (and an indented hint line). */
export function formatFinding(f: LintFinding): string {
  const head = `${f.source}:${f.span.line}:${f.span.col}: ${f.severity}[${f.code}]: ${f.message}`;
  return f.hint ? `${head}\n    hint: ${f.hint}` : head;
}
