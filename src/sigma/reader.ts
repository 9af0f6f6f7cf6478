/**
 * Rule reader: the YAML text of a Sigma rule file → {@link RuleDocument}s with spans. Each YAML document of the file
 * is one rule or one correlation rule; a document that is neither (a broken rule, a rule collection's
 * `action: global`, a meta filter) becomes an error in `errors`, and the other documents are still read — the
 * batch mode of `peregrine sigma check` counts them instead of stopping at the first.
 *
 * The reader checks the shape (title, logsource, detection, condition present; values are values, not maps). What
 * the values and modifiers mean is decided by `lower.ts`.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type Node, type Pair, type YAMLMap } from 'yaml';
import { LineIndex } from '../common/line-index.ts';
import {
  CORRELATION_TYPES,
  LEVELS,
  type Condition,
  type CorrelationRule,
  type CorrelationType,
  type Detection,
  type FieldItem,
  type FieldMap,
  type Keywords,
  type Level,
  type Logsource,
  type MapList,
  type ModifierRef,
  type Rule,
  type RuleDocument,
  type ScalarValue,
  type Search,
  type Span,
} from './ast.ts';
import { parseCondition } from './condition.ts';
import { SigmaError, sigmaError, type RuleSource } from './errors.ts';
import { deepFreeze } from '../common/freeze.ts';

/** What one rule file holds: its rules and correlation rules, and an error for each document that is neither. */
export interface ReadResult {
  readonly source: RuleSource;
  readonly documents: readonly RuleDocument[];
  readonly errors: readonly SigmaError[];
}

/** The common line index with spans shaped as the rule AST wants them. */
class RuleLines extends LineIndex {
  span(offset: number, length = 1): Span {
    const line = this.lineOf(offset);
    return { line, col: offset - this.lineStart(line) + 1, offset, length: Math.max(1, length) };
  }
}

class Reader {
  readonly lines: RuleLines;
  constructor(readonly src: RuleSource) {
    this.lines = new RuleLines(src.text);
  }

  span(n: Node | null | undefined, fallback = 0): Span {
    const r = n && 'range' in n ? n.range : undefined;
    return r ? this.lines.span(r[0], Math.max(1, r[1] - r[0])) : this.lines.span(fallback);
  }

  fail(n: Node | null | undefined, code: string, message: string, hint?: string, feature?: string): never {
    throw sigmaError(this.src, this.span(n), code, message, {
      ...(hint ? { hint } : {}),
      ...(feature ? { feature } : {}),
    });
  }

  /** The value of `key` in `map` as a string; undefined when absent. */
  str(map: YAMLMap, key: string, required = false): string | undefined {
    const node = map.get(key, true) as Node | undefined;
    if (node === undefined || node === null) {
      if (required) this.fail(map, 'E_SIGMA_RULE', `the rule has no ${key}`, `add '${key}:'`);
      return undefined;
    }
    if (!isScalar(node) || node.value === null || typeof node.value === 'object')
      return this.fail(node, 'E_SIGMA_RULE', `${key} must be a text value`);
    return String(node.value);
  }

  strings(map: YAMLMap, key: string): string[] {
    const node = map.get(key, true) as Node | undefined;
    if (node === undefined || node === null) return [];
    if (isScalar(node)) return node.value === null ? [] : [String(node.value)];
    if (!isSeq(node)) return this.fail(node, 'E_SIGMA_RULE', `${key} must be a list of values`);
    return node.items.map((it) => {
      if (!isScalar(it) || typeof it.value === 'object')
        return this.fail(it as Node, 'E_SIGMA_RULE', `${key} must be a list of values`);
      return String(it.value);
    });
  }

  level(map: YAMLMap): Level | undefined {
    const text = this.str(map, 'level');
    if (text === undefined) return undefined;
    const low = text.toLowerCase();
    if (!(LEVELS as readonly string[]).includes(low))
      this.fail(
        map.get('level', true) as Node,
        'E_SIGMA_LEVEL',
        `unknown level '${text}'`,
        `one of ${LEVELS.join(', ')}`,
      );
    return low as Level;
  }

  scalar(n: Node | null): ScalarValue {
    const span = this.span(n);
    if (n === null || (isScalar(n) && n.value === null)) return { kind: 'null', span };
    if (!isScalar(n))
      return this.fail(
        n,
        'E_SIGMA_VALUE',
        'a field value must be a value or a list of values, not a map',
        'use a list of maps for alternatives',
      );
    const v = n.value;
    if (typeof v === 'string') return { kind: 'string', value: v, span };
    if (typeof v === 'number') return { kind: 'number', value: v, text: n.source ?? String(v), span };
    if (typeof v === 'boolean') return { kind: 'bool', value: v, span };
    return this.fail(n, 'E_SIGMA_VALUE', `unsupported value type ${typeof v}`);
  }

  modifiers(key: string, keyNode: Node): { field: string | undefined; modifiers: ModifierRef[] } {
    const parts = key.split('|');
    const span = this.span(keyNode);
    // the key's text is in the file as written when it is a plain scalar: point at each modifier
    const written = this.src.text.slice(span.offset, span.offset + key.length) === key;
    let at = parts[0].length + 1;
    const modifiers = parts.slice(1).map((name) => {
      const s = written ? this.lines.span(span.offset + at, Math.max(1, name.length)) : span;
      at += name.length + 1;
      return { name, span: s };
    });
    return { field: parts[0] === '' ? undefined : parts[0], modifiers };
  }

  fieldMap(node: YAMLMap): FieldMap {
    const items: FieldItem[] = [];
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      if (!isScalar(pair.key)) this.fail(pair.key, 'E_SIGMA_DETECTION', 'a field name must be text');
      const key = String(pair.key.value);
      const { field, modifiers } = this.modifiers(key, pair.key);
      const v = pair.value;
      const list = isSeq(v);
      const values = list ? v.items.map((x) => this.scalar(x as Node)) : [this.scalar(v)];
      const span = this.span(pair.key);
      items.push({ kind: 'field', field, modifiers, values, list, span });
    }
    return { kind: 'map', items, span: this.span(node) };
  }

  search(name: string, keyNode: Node, body: Node | null): Search {
    const span = this.span(keyNode);
    if (body === null || (isScalar(body) && body.value === null))
      this.fail(keyNode, 'E_SIGMA_DETECTION', `search '${name}' is empty`);
    if (isMap(body)) return { kind: 'search', name, body: this.fieldMap(body), span };
    if (isSeq(body)) {
      const items: (FieldMap | Keywords)[] = [];
      let words: ScalarValue[] = [];
      const flush = (): void => {
        if (words.length) items.push({ kind: 'keywords', values: words, span: words[0].span });
        words = [];
      };
      for (const it of body.items as Node[]) {
        if (isMap(it)) {
          flush();
          items.push(this.fieldMap(it));
        } else if (isSeq(it))
          this.fail(it, 'E_SIGMA_DETECTION', 'a list inside a list is not a Sigma search');
        else words.push(this.scalar(it));
      }
      flush();
      const out: FieldMap | MapList | Keywords =
        items.length === 1 ? items[0] : { kind: 'maplist', items, span: this.span(body) };
      return { kind: 'search', name, body: out, span };
    }
    const kw: Keywords = { kind: 'keywords', values: [this.scalar(body)], span: this.span(body) };
    return { kind: 'search', name, body: kw, span };
  }

  condition(n: Node): Condition {
    if (!isScalar(n) || typeof n.value !== 'string')
      return this.fail(
        n,
        'E_SIGMA_CONDITION',
        'a condition must be text',
        'e.g. condition: selection and not filter',
      );
    const text = n.value;
    const span = this.span(n);
    const raw = this.src.text.slice(span.offset, span.offset + span.length);
    const plain = raw === text;
    const quoted = !plain && raw.length === text.length + 2 && raw.slice(1, -1) === text;
    const base = quoted ? this.lines.span(span.offset + 1, text.length) : span;
    return { text, root: parseCondition(text, base, plain || quoted, this.src), span };
  }

  detection(root: YAMLMap): Detection {
    const det = root.get('detection', true) as Node | undefined;
    if (det === undefined)
      this.fail(
        root,
        'E_SIGMA_RULE',
        'the rule has no detection',
        "add 'detection:' with searches and a condition",
      );
    if (!isMap(det))
      return this.fail(det, 'E_SIGMA_RULE', 'detection must be a map of searches and a condition');
    const searches: Search[] = [];
    let conditions: Condition[] | undefined;
    let timeframe: string | undefined;
    for (const pair of det.items as Pair<Node, Node | null>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      if (name === 'condition') {
        const v = pair.value;
        if (isSeq(v)) conditions = v.items.map((c) => this.condition(c as Node));
        else if (v) conditions = [this.condition(v)];
      } else if (name === 'timeframe') {
        timeframe = isScalar(pair.value) ? String(pair.value.value) : undefined;
      } else searches.push(this.search(name, pair.key, pair.value));
    }
    if (!conditions || conditions.length === 0)
      this.fail(det, 'E_SIGMA_RULE', 'detection has no condition', "add e.g. 'condition: selection'");
    return { searches, conditions, ...(timeframe !== undefined ? { timeframe } : {}), span: this.span(det) };
  }

  logsource(root: YAMLMap): Logsource {
    const node = root.get('logsource', true) as Node | undefined;
    if (node === undefined)
      this.fail(
        root,
        'E_SIGMA_RULE',
        'the rule has no logsource',
        "add 'logsource:' with a product and category or service",
      );
    if (!isMap(node)) return this.fail(node, 'E_SIGMA_RULE', 'logsource must be a map');
    const get = (k: string): string | undefined => this.str(node, k)?.toLowerCase();
    const out: { -readonly [K in keyof Logsource]: Logsource[K] } = { span: this.span(node) };
    for (const k of ['product', 'category', 'service'] as const) {
      const v = get(k);
      if (v !== undefined) out[k] = v;
    }
    const def = this.str(node, 'definition');
    if (def !== undefined) out.definition = def;
    return out;
  }

  rule(root: YAMLMap): Rule {
    const opt = <K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> =>
      v === undefined ? {} : ({ [k]: v } as Record<K, string>);
    const level = this.level(root);
    return {
      kind: 'rule',
      ...opt('id', this.str(root, 'id')),
      title: this.str(root, 'title', true)!,
      ...opt('status', this.str(root, 'status')),
      ...opt('description', this.str(root, 'description')),
      ...(level ? { level } : {}),
      tags: this.strings(root, 'tags'),
      ...opt('author', this.str(root, 'author')),
      ...opt('date', this.str(root, 'date')),
      references: this.strings(root, 'references'),
      falsepositives: this.strings(root, 'falsepositives'),
      fields: this.strings(root, 'fields'),
      logsource: this.logsource(root),
      detection: this.detection(root),
      span: this.span(root.get('title', true) as Node),
    };
  }

  correlation(root: YAMLMap): CorrelationRule {
    const node = root.get('correlation', true) as Node;
    if (!isMap(node)) return this.fail(node, 'E_SIGMA_CORRELATION', 'correlation must be a map');
    const type = this.str(node, 'type', true)!;
    if (!(CORRELATION_TYPES as readonly string[]).includes(type))
      this.fail(
        node.get('type', true) as Node,
        'E_SIGMA_CORRELATION',
        `unknown correlation type '${type}'`,
        `one of ${CORRELATION_TYPES.join(', ')}`,
      );
    const cond = node.get('condition', true) as Node | undefined;
    const condition: { op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq'; value: number }[] = [];
    let field: string | undefined;
    if (isMap(cond)) {
      for (const pair of cond.items as Pair<Node, Node>[]) {
        const k = isScalar(pair.key) ? String(pair.key.value) : '';
        if (k === 'field') field = isScalar(pair.value) ? String(pair.value.value) : undefined;
        else if (
          ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'].includes(k) &&
          isScalar(pair.value) &&
          typeof pair.value.value === 'number'
        )
          condition.push({ op: k as 'gt', value: pair.value.value });
        else
          this.fail(
            pair.key,
            'E_SIGMA_CORRELATION',
            `unknown correlation condition '${k}'`,
            'gt, gte, lt, lte, eq, neq or field',
          );
      }
    }
    const level = this.level(root);
    const id = this.str(root, 'id');
    const timespan = this.str(node, 'timespan') ?? this.str(node, 'timeframe');
    return {
      kind: 'correlation',
      ...(id !== undefined ? { id } : {}),
      title: this.str(root, 'title', true)!,
      ...(level ? { level } : {}),
      tags: this.strings(root, 'tags'),
      type: type as CorrelationType,
      rules: this.strings(node, 'rules'),
      groupBy: this.strings(node, 'group-by'),
      ...(timespan !== undefined ? { timespan } : {}),
      condition,
      ...(field !== undefined ? { field } : {}),
      span: this.span(root.get('title', true) as Node),
    };
  }

  document(root: Node | null): RuleDocument {
    if (!isMap(root))
      return this.fail(
        root,
        'E_SIGMA_RULE',
        'a Sigma rule is a YAML map',
        'start with title:, logsource: and detection:',
      );
    if (root.has('correlation')) return this.correlation(root);
    if (root.has('action'))
      this.fail(
        root.get('action', true) as Node,
        'E_SIGMA_UNSUPPORTED',
        'rule collections (action: global / repeat / reset) are not supported',
        'write each rule as its own YAML document',
        'rule collection',
      );
    if (root.has('filter') && !root.has('detection'))
      this.fail(
        root.get('filter', true) as Node,
        'E_SIGMA_UNSUPPORTED',
        'Sigma meta filters (filter: rules: …) are not supported',
        'add the filter as a not … search to the rules it applies to',
        'meta filter',
      );
    return this.rule(root);
  }
}

/** Reads every YAML document of a rule file; errors are collected, one per document that could not be read. */
export function readRules(text: string, name = '<rule>'): ReadResult {
  const source: RuleSource = { name, text };
  const r = new Reader(source);
  const documents: RuleDocument[] = [];
  const errors: SigmaError[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      errors.push(
        sigmaError(
          source,
          r.lines.span(e.pos[0], Math.max(1, e.pos[1] - e.pos[0])),
          'E_SIGMA_YAML',
          e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
          { hint: 'the rule file is not valid YAML' },
        ),
      );
      continue;
    }
    if (doc.contents === null) continue;
    try {
      documents.push(deepFreeze(r.document(doc.contents)));
    } catch (e) {
      if (!(e instanceof SigmaError)) throw e;
      errors.push(e);
    }
  }
  if (documents.length === 0 && errors.length === 0)
    errors.push(
      sigmaError(source, r.lines.span(0), 'E_SIGMA_RULE', 'the file holds no rule', {
        hint: 'a Sigma rule starts with title:',
      }),
    );
  return { source, documents, errors };
}

/** The one rule of a rule file; throws its first error. */
export function parseRule(text: string, name = '<rule>'): Rule {
  const r = readRules(text, name);
  if (r.errors.length > 0) throw r.errors[0];
  const rules = r.documents.filter((d): d is Rule => d.kind === 'rule');
  if (rules.length !== 1 || r.documents.length !== 1)
    throw sigmaError(
      r.source,
      r.documents[1]?.span ?? r.documents[0]?.span,
      'E_SIGMA_RULE',
      `expected one detection rule, found ${rules.length} rule(s) and ${r.documents.length - rules.length} correlation rule(s)`,
    );
  return rules[0];
}
