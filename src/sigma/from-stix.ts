/**
 * Promoting a hunt to a detection: a GET's STIX pattern as a Sigma rule. The entity type picks the logsource
 * (`process` → `process_creation`), each object path becomes the Sigma field whose STIX column (or alias) names it,
 * and each comparison becomes a field item with the modifiers that keep STIX's meaning: `|cased` (STIX compares
 * case-sensitively), `LIKE` as wildcards, `MATCHES` as `|re`, `ISSUBSET` as `|cidr`, orderings as `|lt`…, `EXISTS`
 * as `|exists`; a basename path (`process:name`) as `Image|endswith` of the product's path separator. The condition
 * keeps the pattern's and/or/not; the positive comparisons of an `AND` share one selection.
 *
 * What Sigma cannot say for one event is an error at its place in the pattern: AND/FOLLOWEDBY between observations
 * and WITHIN/REPEATS (a correlation), `ISSUPERSET`, references to other variables, a path no Sigma field names.
 * START/STOP is the hunt's window, not the detection: it is dropped with a note.
 */
import { stringify } from 'yaml';
import { ParseError, spanAt } from '../errors/index.ts';
import {
  printPath,
  type Comparison,
  type ComparisonExpr,
  type Literal,
  type ObjectPath,
  type ObservationExpr,
  type Pattern,
} from '../stix/index.ts';
import type { Level } from './ast.ts';
import { escapeGlobText } from './glob.ts';
import { builtinMapping } from './mapping/load.ts';
import type { SigmaMappingData } from './mapping/schema.ts';

export interface ExportOptions {
  /** The Sigma product of the rule (its field names and path separator): `linux` (default) or `windows`. */
  readonly product?: string;
  readonly title: string;
  readonly id?: string;
  readonly description?: string;
  readonly author?: string;
  /** `YYYY-MM-DD`. */
  readonly date?: string;
  readonly level?: Level;
  readonly tags?: readonly string[];
  readonly mappings?: (product: string) => SigmaMappingData | undefined;
  /** The text the pattern's spans point into (a huntflow), for error positions; default the pattern's own text. */
  readonly origin?: { readonly source: string; readonly text: string };
}

export interface ExportedRule {
  /** The rule as YAML text. */
  readonly text: string;
  /** What was left out (a START/STOP window), one line each. */
  readonly notes: readonly string[];
}

/** The logsource category a hunt's entity type becomes. */
const CATEGORY: Readonly<Record<string, string>> = {
  process: 'process_creation',
  'network-traffic': 'network_connection',
  file: 'file_event',
  'domain-name': 'dns_query',
  'windows-registry-key': 'registry_set',
};

type Value = string | number | boolean;
interface Item {
  readonly key: string;
  readonly values: readonly Value[];
}
/** A condition over numbered selections, built bottom-up. */
type Cond =
  | { readonly kind: 'sel'; readonly items: readonly Item[] }
  | { readonly kind: 'and' | 'or'; readonly args: readonly Cond[] }
  | { readonly kind: 'not'; readonly arg: Cond };

class Exporter {
  readonly selections: Record<string, Record<string, Value | Value[]>> = {};
  private n = 0;

  constructor(
    readonly pattern: Pattern,
    readonly mapping: SigmaMappingData,
    readonly category: string,
    readonly separator: string,
    readonly origin: ExportOptions['origin'],
  ) {}

  fail(node: { span: { start: number; end: number } }, message: string, hint?: string): never {
    const length = Math.max(1, node.span.end - node.span.start);
    const span = this.origin
      ? spanAt(this.origin.source, this.origin.text, node.span.start, length)
      : spanAt('<pattern>', this.pattern.source, node.span.start - this.pattern.span.start, length);
    throw new ParseError('E_SIGMA_EXPORT', message, { span, ...(hint ? { hint } : {}) });
  }

  /** The Sigma field a path names, and whether the field holds a full path whose basename the path is. */
  field(path: ObjectPath): { field: string; basename: boolean } {
    const text = printPath(path).replace(/'/g, '');
    const fields = {
      ...this.mapping.fields,
      ...(this.mapping.logsources[`category:${this.category}`]?.fields ?? {}),
    };
    for (const [field, t] of Object.entries(fields))
      for (const s of [...(t.stix ? [t.stix] : []), ...(t.stixAliases ?? [])])
        if (s.path === text) return { field, basename: s.transform === 'basename' };
    const known = Object.values(fields)
      .flatMap((t) => [...(t.stix ? [t.stix.path] : []), ...(t.stixAliases ?? []).map((a) => a.path)])
      .filter((p) => p.startsWith(`${path.objectType}:`));
    return this.fail(
      path,
      `${text} has no Sigma field in the ${this.mapping.product} mapping`,
      known.length
        ? `exportable: ${[...new Set(known)].join(', ')}`
        : `no ${path.objectType} attribute is exportable`,
    );
  }

  value(c: Comparison, lit: Literal | undefined): Value[] {
    if (!lit) return this.fail(c, `${c.op} needs a value`);
    switch (lit.kind) {
      case 'String':
      case 'Int':
      case 'Float':
      case 'Bool':
        return [lit.value];
      case 'List':
        return lit.values.flatMap((v) => this.value(c, v));
      case 'VarRef':
        return this.fail(
          lit,
          `${lit.variable}.${lit.attribute} refers to another variable`,
          'a rule stands alone: write the values themselves',
        );
      default:
        return this.fail(lit, `a ${lit.kind.toLowerCase()} value has no Sigma form`);
    }
  }

  /** One comparison as a field item, negation kept apart. */
  item(c: Comparison): { item: Item; negated: boolean } {
    const { field, basename } = this.field(c.path);
    const sep = this.separator;
    const text = (v: Value): string => String(v);
    const glob = (like: string): string =>
      [...like].map((ch) => (ch === '%' ? '*' : ch === '_' ? '?' : escapeGlobText(ch))).join('');
    const mk = (mods: string, values: Value[]): Item => ({ key: `${field}${mods}`, values });
    switch (c.op) {
      case '=':
      case '!=':
      case 'IN': {
        // a plain Sigma value reads * ? \ as wildcards and escapes: the text is escaped to mean itself
        const values = this.value(c, c.value).map((v) => (typeof v === 'string' ? escapeGlobText(v) : v));
        const item = basename
          ? mk(
              '|endswith|cased',
              values.map((v) => `${escapeGlobText(sep)}${text(v)}`),
            )
          : mk(values.every((v) => typeof v === 'string') ? '|cased' : '', values);
        return { item, negated: c.negated !== (c.op === '!=') };
      }
      case 'LIKE': {
        const like = text(this.value(c, c.value)[0]);
        return { item: mk('|cased', [basename ? `*${sep}${glob(like)}` : glob(like)]), negated: c.negated };
      }
      case 'MATCHES': {
        if (basename)
          return this.fail(
            c,
            `MATCHES on ${printPath(c.path)} (the last component of ${field}) has no exact Sigma form`,
            `match ${field}|re against the whole path instead`,
          );
        return { item: mk('|re', this.value(c, c.value)), negated: c.negated };
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const values = this.value(c, c.value);
        if (values.some((v) => typeof v !== 'number'))
          return this.fail(c, `${c.op} is exported for numbers only`);
        const mod = { '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' }[c.op];
        return { item: mk(`|${mod}`, values), negated: c.negated };
      }
      case 'ISSUBSET':
        return { item: mk('|cidr', this.value(c, c.value)), negated: c.negated };
      case 'EXISTS':
        return { item: mk('|exists', [true]), negated: c.negated };
      case 'ISSUPERSET':
        return this.fail(
          c,
          'ISSUPERSET has no Sigma form',
          'an address field holds one address: compare it with =',
        );
    }
  }

  cond(e: ComparisonExpr): Cond {
    if (e.kind === 'Comparison') {
      const { item, negated } = this.item(e);
      // STIX `!=` needs the property (absent: false); Sigma's not holds on an absent field
      const sel: Cond = { kind: 'sel', items: [item] };
      if (!negated) return sel;
      const neg: Cond = { kind: 'not', arg: sel };
      return e.op === '!='
        ? {
            kind: 'and',
            args: [
              { kind: 'sel', items: [{ key: `${item.key.split('|')[0]}|exists`, values: [true] }] },
              neg,
            ],
          }
        : neg;
    }
    const flat: ComparisonExpr[] = [];
    const collect = (x: ComparisonExpr): void => {
      if (x.kind === 'ComparisonBinary' && x.op === e.op) {
        collect(x.left);
        collect(x.right);
      } else flat.push(x);
    };
    collect(e);
    const kind = e.op === 'OR' ? 'or' : 'and';
    const args = flat.map((x) => this.cond(x)).flatMap((a) => (a.kind === kind ? a.args : [a]));
    if (kind === 'or') return { kind, args };
    // positive single selections of an AND share one map (a field named twice keeps its own selection)
    const merged: Item[] = [];
    const rest: Cond[] = [];
    for (const a of args) {
      if (a.kind === 'sel' && a.items.every((i) => !merged.some((m) => m.key === i.key)))
        merged.push(...a.items);
      else rest.push(a);
    }
    return {
      kind: 'and',
      args: [...(merged.length ? [{ kind: 'sel' as const, items: merged }] : []), ...rest],
    };
  }

  /** Names the selections of a condition and prints it. */
  print(c: Cond, top = true): string {
    switch (c.kind) {
      case 'sel': {
        const name = `selection_${++this.n}`;
        const map: Record<string, Value | Value[]> = {};
        for (const i of c.items) map[i.key] = i.values.length === 1 ? i.values[0] : [...i.values];
        this.selections[name] = map;
        return name;
      }
      case 'not':
        return `not ${this.print(c.arg, false)}`;
      case 'and':
      case 'or': {
        if (c.args.length === 1) return this.print(c.args[0], top);
        const inner = c.args.map((a) => this.print(a, false)).join(` ${c.kind} `);
        return top ? inner : `(${inner})`;
      }
    }
  }
}

/** The single-event part of a pattern: observations joined by OR, START/STOP peeled off. */
function observations(
  e: ObservationExpr,
  notes: string[],
  fail: (n: { span: { start: number; end: number } }, m: string, h?: string) => never,
): ComparisonExpr[] {
  switch (e.kind) {
    case 'Observation':
      return [e.expr];
    case 'ObservationBinary':
      if (e.op !== 'OR')
        return fail(
          e,
          `observations joined by ${e.op} describe several events`,
          'a Sigma correlation rule (temporal) can say this; export each observation as its own rule',
        );
      return [...observations(e.left, notes, fail), ...observations(e.right, notes, fail)];
    case 'Qualified':
      if (e.qualifier.kind !== 'StartStop')
        return fail(
          e,
          `${e.qualifier.kind.toUpperCase()} describes several events`,
          'a Sigma correlation rule (event_count, temporal) can say this',
        );
      notes.push(
        `START/STOP ${e.qualifier.start} – ${e.qualifier.stop} is the hunt's window, not part of the rule: dropped`,
      );
      return observations(e.expr, notes, fail);
  }
}

/** A GET's pattern over `entityType` as a Sigma rule. @throws ParseError `E_SIGMA_EXPORT` at what has no Sigma form. */
export function stixToSigma(pattern: Pattern, entityType: string, options: ExportOptions): ExportedRule {
  const product = options.product ?? 'linux';
  const mapping = (options.mappings ?? builtinMapping)(product);
  const at = { span: pattern.span };
  const category = CATEGORY[entityType];
  const ex = new Exporter(
    pattern,
    mapping!,
    category ?? '',
    product === 'windows' ? '\\' : '/',
    options.origin,
  );
  if (!mapping) return ex.fail(at, `no Sigma mapping for product '${product}'`, 'use windows or linux');
  if (!category)
    return ex.fail(
      at,
      `a GET of ${entityType} has no Sigma logsource`,
      `exportable entity types: ${Object.keys(CATEGORY).join(', ')}`,
    );
  const notes: string[] = [];
  const obs = observations(pattern.expr, notes, (n, m, h) => ex.fail(n, m, h));
  const cond: Cond = obs.length === 1 ? ex.cond(obs[0]) : { kind: 'or', args: obs.map((o) => ex.cond(o)) };
  const condition = ex.print(cond);
  const rule = {
    title: options.title,
    ...(options.id ? { id: options.id } : {}),
    status: 'experimental',
    description: options.description ?? `Exported from a hunt: ${pattern.source}`,
    ...(options.author ? { author: options.author } : {}),
    ...(options.date ? { date: options.date } : {}),
    ...(options.tags?.length ? { tags: [...options.tags] } : {}),
    logsource: { product, category },
    detection: { ...ex.selections, condition },
    falsepositives: ['Unknown'],
    level: options.level ?? 'medium',
  };
  return { text: stringify(rule, { lineWidth: 0 }), notes };
}
