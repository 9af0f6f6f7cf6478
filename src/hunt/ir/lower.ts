/**
 * Lowering: huntflow AST → IR, with the semantic checks that need no data: unknown variables (with close names),
 * unknown entity types, relations that do not apply to the two types (listing those that do), a list compared with
 * `=`, START not before STOP. Unknown attributes are warnings naming close matches, collected on the result.
 */
import { didYouMean, nearNames } from '../../common/index.ts';
import { SemanticError, spanAt, type PeregrineError } from '../../errors/index.ts';
import type { Comparison, ComparisonExpr, Literal, ObservationExpr, Pattern, Span } from '../../stix/ast.ts';
import { compileValueTest } from '../../stix/index.ts';
import type * as A from '../syntax/ast.ts';
import {
  ENTITY_TYPES,
  NEW_INITIAL_ATTRIBUTE,
  TIME_UNIT_SECONDS,
  edgesFor,
  isKnownEntityType,
  relationsBetween,
} from '../syntax/vocabulary.ts';
import type { IrFileFormat, IrProgram, IrSource, IrStatement, IrTime, IrVarSpan, IrView } from './types.ts';

/** STIX properties whose values are numbers (STIX 2.1 object definitions), by object type and attribute path. */
const NUMBER_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  'network-traffic': [
    'src_port',
    'dst_port',
    'src_byte_count',
    'dst_byte_count',
    'src_packets',
    'dst_packets',
  ],
  process: ['pid', 'parent_ref.pid'],
  file: ['size'],
  'autonomous-system': ['number'],
  'windows-registry-key': ['number_of_subkeys'],
};

export interface LowerContext {
  /** Name of the input for error spans (file path, `<cell 3>`). */
  readonly sourceName: string;
  /** The huntflow text the AST spans point into. */
  readonly text: string;
  /** Variables already defined in the session: name → entity type. */
  readonly variables: ReadonlyMap<string, string>;
  /** Attribute names seen in the cache for a type (adds to the vocabulary when checking attributes). */
  readonly attributesOf?: (type: string) => readonly string[];
  /** Columns of a session variable holding grouped/joined rows; undefined for entity variables. */
  readonly columnsOf?: (name: string) => readonly string[] | undefined;
}

export interface LowerResult {
  readonly program: IrProgram;
  readonly warnings: readonly PeregrineError[];
}

/** Type of a variable known only once its statement ran (LOAD without AS reads it from the data). */
export const UNKNOWN_TYPE = '';

/** Attributes every record has, whatever its type. */
const RECORD_ATTRIBUTES = ['type', 'id', 'first_observed', 'last_observed', 'number_observed'];

export function lower(flow: A.Huntflow, ctx: LowerContext): LowerResult {
  return new Lowerer(ctx).run(flow);
}

class Lowerer {
  private readonly vars: Map<string, string>;
  private readonly warnings: PeregrineError[] = [];
  private readonly outputs: { name: string; type: string }[] = [];
  /** Columns of variables holding grouped/joined rows (their attributes are these, not the entity's). */
  private readonly columns = new Map<string, Set<string> | null>();
  /** Variables the statement being lowered reads, where first written. */
  private varSpans: IrVarSpan[] = [];

  constructor(private readonly ctx: LowerContext) {
    this.vars = new Map(ctx.variables);
  }

  run(flow: A.Huntflow): LowerResult {
    const statements: IrStatement[] = [];
    for (const s of flow.statements) {
      this.varSpans = [];
      const ir = this.statement(s);
      const focus = focusOf(s);
      statements.push({
        ...ir,
        ...(focus ? { focus } : {}),
        ...(this.varSpans.length ? { varSpans: this.varSpans } : {}),
      });
    }
    const program: IrProgram = deepFreeze({ kind: 'Program', statements, outputs: this.outputs });
    return { program, warnings: this.warnings };
  }

  private span(s: Span): ReturnType<typeof spanAt> {
    return spanAt(this.ctx.sourceName, this.ctx.text, s.start, Math.max(1, s.end - s.start));
  }

  private error(code: string, message: string, s: Span, hint?: string): SemanticError {
    return new SemanticError(code, message, { span: this.span(s), hint });
  }

  private define(name: string, type: string, columns?: Set<string> | null): void {
    this.vars.set(name, type);
    if (columns === undefined) this.columns.delete(name);
    else this.columns.set(name, columns);
    const i = this.outputs.findIndex((o) => o.name === name);
    if (i >= 0) this.outputs.splice(i, 1);
    this.outputs.push({ name, type });
  }

  private use(v: A.Var): string {
    if (!this.varSpans.some((x) => x.name === v.name)) this.varSpans.push({ name: v.name, span: v.span });
    const t = this.vars.get(v.name);
    if (t === undefined) {
      const known = [...this.vars.keys()];
      throw this.error(
        'E_UNKNOWN_VARIABLE',
        `unknown variable "${v.name}"`,
        v.span,
        didYouMean(v.name, known) ??
          (known.length
            ? `defined variables: ${known.join(', ')}`
            : 'no variable is defined yet; create one with GET'),
      );
    }
    return t;
  }

  private entityType(e: A.EntityType): string {
    const name = e.name;
    if (isKnownEntityType(name) || name.startsWith('x-')) return name;
    throw this.error(
      'E_UNKNOWN_ENTITY_TYPE',
      `unknown entity type "${name}"`,
      e.span,
      didYouMean(name, Object.keys(ENTITY_TYPES)) ?? `known types: ${Object.keys(ENTITY_TYPES).join(', ')}`,
    );
  }

  private knownAttributes(type: string): Set<string> {
    const out = new Set<string>(RECORD_ATTRIBUTES);
    for (const a of ENTITY_TYPES[type] ?? []) out.add(rootOf(a));
    for (const a of this.ctx.attributesOf?.(type) ?? []) out.add(rootOf(a));
    return out;
  }

  /** Warns when the first step of `attr` is not an attribute known for `type` (custom `x_` names pass). */
  private checkAttr(type: string, attr: string, s: Span): void {
    const root = rootOf(attr);
    if (!root || root.startsWith('x_') || type.startsWith('x-') || !isKnownEntityType(type)) return;
    const known = this.knownAttributes(type);
    if (known.has(root)) return;
    const near = nearNames(root, known);
    this.warnings.push(
      new SemanticError('W_UNKNOWN_ATTRIBUTE', `"${attr}" is not a known attribute of ${type}`, {
        span: this.span(s),
        hint: near.length ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : undefined,
      }),
    );
  }

  /** Like {@link checkAttr} for an attribute of variable `name` (grouped/joined rows have their own columns). */
  private checkVarAttr(name: string, type: string, attr: string, s: Span): void {
    if (!this.columns.has(name)) {
      const cols = this.ctx.columnsOf?.(name);
      if (cols === undefined) return this.checkAttr(type, attr, s);
      this.columns.set(name, new Set(cols));
    }
    const cols = this.columns.get(name);
    if (!cols || cols.has(attr)) return;
    const near = nearNames(attr, cols);
    this.warnings.push(
      new SemanticError(
        'W_UNKNOWN_ATTRIBUTE',
        `"${attr}" is not a column of "${name}" (${[...cols].join(', ')})`,
        {
          span: this.span(s),
          hint: near.length ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : undefined,
        },
      ),
    );
  }

  private time(t: A.TimeRange | undefined): IrTime | undefined {
    if (!t) return undefined;
    if (t.kind === 'Last') return { kind: 'Relative', seconds: t.n * TIME_UNIT_SECONDS[t.unit] };
    const start = Date.parse(t.start.value);
    const stop = Date.parse(t.stop.value);
    if (Number.isNaN(start))
      throw this.error(
        'E_BAD_TIMESTAMP',
        `"${t.start.value}" is not a valid timestamp`,
        t.start.span,
        "write t'2020-06-30T19:25:00.000Z'",
      );
    if (Number.isNaN(stop))
      throw this.error(
        'E_BAD_TIMESTAMP',
        `"${t.stop.value}" is not a valid timestamp`,
        t.stop.span,
        "write t'2020-06-30T19:25:00.000Z'",
      );
    if (start >= stop) {
      throw this.error(
        'E_START_AFTER_STOP',
        `START ${t.start.value} is not before STOP ${t.stop.value}`,
        t.span,
        'STOP is exclusive and must come after START',
      );
    }
    return { kind: 'Absolute', start: t.start.value, stop: t.stop.value };
  }

  /** Checks and rewrites a WHERE into a STIX pattern; `refs` collects referenced variables. */
  private where(w: A.Where | undefined, type: string, refs: Set<string>): Pattern | null {
    if (!w) return null;
    if (w.kind === 'StixWhere') {
      const expr = this.observation(w.pattern.expr, type, refs);
      return { ...w.pattern, expr };
    }
    const expr = this.comparison(w.expr, type, refs);
    return {
      kind: 'Pattern',
      expr: { kind: 'Observation', expr, span: w.span },
      source: this.ctx.text.slice(w.span.start, w.span.end),
      span: w.span,
    };
  }

  private observation(e: ObservationExpr, type: string, refs: Set<string>): ObservationExpr {
    switch (e.kind) {
      case 'Observation':
        return { ...e, expr: this.comparison(e.expr, type, refs) };
      case 'ObservationBinary':
        return {
          ...e,
          left: this.observation(e.left, type, refs),
          right: this.observation(e.right, type, refs),
        };
      case 'Qualified':
        if (
          e.qualifier.kind === 'StartStop' &&
          Date.parse(e.qualifier.start) >= Date.parse(e.qualifier.stop)
        ) {
          throw this.error(
            'E_START_AFTER_STOP',
            `START ${e.qualifier.start} is not before STOP ${e.qualifier.stop}`,
            e.qualifier.span,
          );
        }
        return { ...e, expr: this.observation(e.expr, type, refs) };
    }
  }

  private comparison(e: ComparisonExpr, type: string, refs: Set<string>): ComparisonExpr {
    if (e.kind === 'ComparisonBinary') {
      return { ...e, left: this.comparison(e.left, type, refs), right: this.comparison(e.right, type, refs) };
    }
    const objectType = e.path.objectType || type;
    if (e.op === '=' && e.value?.kind === 'List') {
      throw this.error(
        'E_LIST_WITH_EQUALS',
        'a list cannot be compared with =',
        e.span,
        `use IN: ${printSteps(e.path.steps)} IN (…)`,
      );
    }
    this.checkValue(e.value, refs);
    // A value the matcher cannot use (a regex that does not compile, a bad CIDR) is reported here, where its
    // span still points into the huntflow; a value naming a variable is checked once it is resolved.
    if (e.value && !hasVarRef(e.value)) {
      compileValueTest(e.op, e.negated, e.value, { source: this.ctx.sourceName, text: this.ctx.text });
    }
    const attr = printSteps(e.path.steps);
    if (objectType === type || !e.path.objectType) this.checkAttr(objectType, attr, e.path.span);
    this.checkValueType(objectType, attr, e);
    return { ...e, path: { ...e.path, objectType } };
  }

  /**
   * Warns when a number attribute is compared with a string (`dst_port = '22'`): Elastic, the embedded store and the
   * hunt cache convert it (as Kestrel's do), but a STIX bundle is matched with STIX semantics and finds nothing.
   */
  private checkValueType(type: string, attr: string, e: Comparison): void {
    if (!NUMBER_ATTRIBUTES[type]?.includes(attr) || !e.value || e.op === 'LIKE' || e.op === 'MATCHES') return;
    const strings = e.value.kind === 'List' ? e.value.values.filter((v) => v.kind === 'String') : [e.value];
    const first = strings[0];
    if (first?.kind !== 'String') return;
    const numeric = /^-?\d+(\.\d+)?$/.test(first.value.trim());
    this.warnings.push(
      new SemanticError('W_VALUE_TYPE', `${attr} of ${type} is a number, '${first.value}' a string`, {
        span: this.span(first.span),
        hint: `${numeric ? `write ${first.value.trim()} without quotes` : `compare ${attr} with a number`}: a STIX bundle is matched strictly and finds nothing (Elastic, the embedded store and the cache convert)`,
      }),
    );
  }

  private checkValue(v: Literal | undefined, refs: Set<string>): void {
    if (!v) return;
    if (v.kind === 'List') for (const x of v.values) this.checkValue(x, refs);
    if (v.kind === 'VarRef') {
      const t = this.use({ kind: 'Var', name: v.variable, span: v.span });
      this.checkAttr(t, v.attribute, v.span);
      refs.add(v.variable);
    }
  }

  private view(e: A.VarExpr, type: string): IrView {
    const refs = new Set<string>();
    const pattern = this.where(e.where, type, refs) ?? undefined;
    for (const a of e.attrs ?? []) this.checkVarAttr(e.input.name, type, a.path, a.span);
    if (e.sort) this.checkVarAttr(e.input.name, type, e.sort.attr.path, e.sort.attr.span);
    return {
      ...(e.transform ? { transform: e.transform } : {}),
      ...(pattern ? { pattern } : {}),
      ...(e.attrs ? { attrs: e.attrs.map((a) => a.path) } : {}),
      ...(e.sort ? { sort: { attr: e.sort.attr.path, asc: e.sort.direction === 'ASC' } } : {}),
      ...(e.limit !== undefined ? { limit: e.limit } : {}),
      ...(e.offset !== undefined ? { offset: e.offset } : {}),
    };
  }

  private statement(s: A.Statement): IrStatement {
    switch (s.kind) {
      case 'Get': {
        const entityType = this.entityType(s.entityType);
        let source: IrSource;
        if (!s.from) source = { kind: 'LastSource' };
        else if (s.from.kind === 'Var' && !this.vars.has(s.from.name)) {
          // Kestrel: a bare name after FROM that is no variable names a data source (`FROM host2` = stixshifter://host2)
          source = { kind: 'Uris', uris: [`stixshifter://${s.from.name}`], spans: [s.from.span] };
        } else if (s.from.kind === 'Var') {
          const t = this.use(s.from);
          if (t !== entityType && t !== UNKNOWN_TYPE) {
            throw this.error(
              'E_TYPE_MISMATCH',
              `variable "${s.from.name}" holds ${t}, not ${entityType}`,
              s.from.span,
              `write GET ${t} FROM ${s.from.name}`,
            );
          }
          source = { kind: 'Variable', name: s.from.name };
        } else source = { kind: 'Uris', uris: s.from.uris, spans: this.uriSpans(s.from) };
        const refs = new Set<string>();
        const pattern = this.where(s.where, entityType, refs);
        const time = this.time(s.timeRange);
        this.define(s.output.name, entityType);
        return {
          kind: 'Get',
          output: s.output.name,
          entityType,
          source,
          pattern,
          ...(time ? { time } : {}),
          ...(s.limit !== undefined ? { limit: s.limit } : {}),
          refs: [...refs],
          span: s.span,
        };
      }
      case 'Find': {
        const entityType = this.entityType(s.entityType);
        const inputType = this.use(s.input);
        const edges = edgesFor(entityType, s.relation.name, s.reversed, inputType);
        // LINKED is Kestrel 1.x's generic relation: co-occurrence in an observation, defined for any two types.
        // (An input of a type known only when it runs — LOAD without AS — is checked when the statement runs.)
        if (edges.length === 0 && s.relation.name !== 'LINKED' && inputType !== UNKNOWN_TYPE) {
          const ok = relationsBetween(entityType, inputType);
          throw this.error(
            'E_RELATION_NOT_APPLICABLE',
            `${entityType} cannot be ${s.relation.name}${s.reversed ? ' BY' : ''} ${inputType} (variable "${s.input.name}")`,
            s.relation.span,
            ok.length
              ? `between ${entityType} and ${inputType} these apply: ${ok.map((r) => `FIND ${entityType} ${r} ${s.input.name}`).join(', ')}`
              : `no relation links ${entityType} and ${inputType}`,
          );
        }
        const refs = new Set<string>();
        const pattern = this.where(s.where, entityType, refs);
        const time = this.time(s.timeRange);
        this.define(s.output.name, entityType);
        return {
          kind: 'Find',
          output: s.output.name,
          entityType,
          relation: s.relation.name,
          reversed: s.reversed,
          input: s.input.name,
          edges: edges.map((e) => ({
            returnIsSubject: e.returnIsSubject,
            subjectRefs: e.edge.subjectRefs,
            objectRefs: e.edge.objectRefs,
          })),
          pattern,
          ...(time ? { time } : {}),
          ...(s.limit !== undefined ? { limit: s.limit } : {}),
          refs: [...refs],
          span: s.span,
        };
      }
      case 'Group': {
        const t = this.use(s.input);
        const keys = s.by.map((k) => {
          this.checkVarAttr(s.input.name, t, k.kind === 'Attr' ? k.path : k.attr.path, k.span);
          if (k.kind === 'Attr') return { attr: k.path, alias: k.path };
          if (!(k.size > 0)) {
            throw this.error(
              'E_BIN_SIZE',
              `BIN needs a width above 0, not ${k.size}`,
              k.span,
              `write e.g. BIN(${k.attr.path}, ${k.unit ? `5 ${k.unit}` : '10'})`,
            );
          }
          return {
            attr: k.attr.path,
            bin: { size: k.size, ...(k.unit ? { seconds: k.size * TIME_UNIT_SECONDS[k.unit] } : {}) },
            alias: k.alias ?? `${k.attr.path}_bin`,
          };
        });
        const aggregations = s.aggregations.map((a) => {
          this.checkVarAttr(s.input.name, t, a.attr.path, a.attr.span);
          return {
            func: a.func,
            attr: a.attr.path,
            alias: a.alias ?? `${a.func.toLowerCase()}_${a.attr.path}`,
          };
        });
        const cols = new Set([...keys.map((k) => k.alias), ...aggregations.map((a) => a.alias)]);
        if (aggregations.length === 0) cols.add('number_observed');
        this.define(s.output.name, t, cols);
        return {
          kind: 'Group',
          output: s.output.name,
          input: s.input.name,
          keys,
          aggregations,
          span: s.span,
        };
      }
      case 'Join': {
        const lt = this.use(s.left);
        const rt = this.use(s.right);
        if (s.by) {
          this.checkAttr(lt, s.by[0].path, s.by[0].span);
          this.checkAttr(rt, s.by[1].path, s.by[1].span);
        }
        this.define(s.output.name, lt, null);
        return {
          kind: 'Join',
          output: s.output.name,
          left: s.left.name,
          right: s.right.name,
          ...(s.by ? { by: [s.by[0].path, s.by[1].path] as const } : {}),
          span: s.span,
        };
      }
      case 'Sort': {
        const t = this.use(s.input);
        this.checkVarAttr(s.input.name, t, s.key.attr.path, s.key.attr.span);
        this.define(s.output.name, t, this.columns.get(s.input.name));
        return {
          kind: 'Sort',
          output: s.output.name,
          input: s.input.name,
          attr: s.key.attr.path,
          asc: s.key.direction === 'ASC',
          span: s.span,
        };
      }
      case 'Load': {
        const entityType = s.entityType ? this.entityType(s.entityType) : undefined;
        const format = this.format(s.path);
        this.define(s.output.name, entityType ?? UNKNOWN_TYPE);
        return {
          kind: 'Load',
          output: s.output.name,
          path: s.path.value,
          format,
          ...(entityType ? { entityType } : {}),
          span: s.span,
        };
      }
      case 'Save': {
        this.use(s.input);
        return {
          kind: 'Save',
          input: s.input.name,
          path: s.path.value,
          format: this.format(s.path),
          span: s.span,
        };
      }
      case 'New': {
        let entityType = s.entityType ? this.entityType(s.entityType) : undefined;
        let objects: Record<string, string | number | boolean | null>[];
        if (s.data.kind === 'NewStrings') {
          if (!entityType)
            throw this.error(
              'E_NEW_WITHOUT_TYPE',
              'NEW with a list of strings needs an entity type',
              s.span,
              "write NEW process ['cmd.exe']",
            );
          const attr = NEW_INITIAL_ATTRIBUTE[entityType] ?? 'name';
          objects = s.data.values.map((v) => ({ [attr]: v }));
        } else {
          objects = s.data.objects.map((o) => ({ ...o }));
          if (!entityType) {
            const t = objects[0]?.type;
            if (typeof t !== 'string')
              throw this.error(
                'E_NEW_WITHOUT_TYPE',
                'NEW needs an entity type: write one or give each object a "type"',
                s.data.span,
              );
            entityType = t;
          }
          objects = objects.map((o) => {
            const { type: _t, ...rest } = o;
            return rest;
          });
        }
        this.define(s.output.name, entityType);
        return { kind: 'New', output: s.output.name, entityType, objects, span: s.span };
      }
      case 'Apply': {
        for (const v of s.inputs) this.use(v);
        const args: Record<string, unknown> = {};
        for (const a of s.args) args[a.name] = literalValue(a.value);
        return {
          kind: 'Apply',
          analytics: s.analytics.uri,
          inputs: s.inputs.map((v) => v.name),
          args,
          span: s.span,
        };
      }
      case 'Disp': {
        const t = this.use(s.expr.input);
        return { kind: 'Disp', input: s.expr.input.name, view: this.view(s.expr, t), span: s.span };
      }
      case 'Info':
        this.use(s.input);
        return { kind: 'Info', input: s.input.name, span: s.span };
      case 'Describe': {
        const t = this.use(s.input);
        this.checkVarAttr(s.input.name, t, s.attr.path, s.attr.span);
        return { kind: 'Describe', input: s.input.name, attr: s.attr.path, span: s.span };
      }
      case 'Explain':
        this.use(s.input);
        return { kind: 'Explain', input: s.input.name, span: s.span };
      case 'Merge': {
        const types = s.inputs.map((v) => [v, this.use(v)] as const);
        const first = types[0]![1];
        for (const [v, t] of types) {
          if (t !== first && t !== UNKNOWN_TYPE && first !== UNKNOWN_TYPE)
            throw this.error(
              'E_MERGE_TYPES',
              `cannot merge ${t} variable "${v.name}" with ${first} variables`,
              v.span,
              'all variables of a merge must hold the same entity type',
            );
        }
        this.define(s.output.name, first);
        return { kind: 'Merge', output: s.output.name, inputs: s.inputs.map((v) => v.name), span: s.span };
      }
      case 'Assign': {
        const t = this.use(s.expr.input);
        const view = this.view(s.expr, t);
        this.define(s.output.name, t, this.columns.get(s.expr.input.name));
        return { kind: 'Assign', output: s.output.name, input: s.expr.input.name, view, span: s.span };
      }
    }
  }

  /** The span of each URI of a FROM source inside its text (`a.json,b.json`); the whole source if not found. */
  private uriSpans(src: A.SourceRef): Span[] {
    const text = this.ctx.text.slice(src.span.start, src.span.end);
    let from = 0;
    return src.uris.map((u) => {
      const i = text.indexOf(u, from);
      if (i < 0) return src.span;
      from = i + u.length;
      const at = spanAt(this.ctx.sourceName, this.ctx.text, src.span.start + i);
      return { start: at.offset, end: at.offset + u.length, line: at.line, col: at.col };
    });
  }

  private format(p: A.PathRef): IrFileFormat {
    const v = p.value.toLowerCase().replace(/\.gz$/, '');
    if (v.endsWith('.csv')) return 'csv';
    if (v.endsWith('.json') || v.endsWith('.jsonl') || v.endsWith('.ndjson')) return 'json';
    if (v.endsWith('.parquet')) return 'parquet';
    throw this.error(
      'E_FILE_FORMAT',
      `cannot tell the format of "${p.value}"`,
      p.span,
      'use a .csv, .json or .parquet file (optionally .gz)',
    );
  }
}

/** See {@link IrStatement.focus}. */
function focusOf(s: A.Statement): Span | undefined {
  switch (s.kind) {
    case 'Get':
      return s.from?.span;
    case 'Load':
    case 'Save':
      return s.path.span;
    case 'Apply':
      return s.analytics.span;
    default:
      return undefined;
  }
}

/** IR is immutable data (house rule 2): frozen all the way down once lowered. */
function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

function hasVarRef(l: Literal): boolean {
  return l.kind === 'VarRef' || (l.kind === 'List' && l.values.some(hasVarRef));
}

function rootOf(attr: string): string {
  const m = /^[^.[]+/.exec(attr.replace(/^[a-z0-9-]+:/, ''));
  return m ? m[0] : attr;
}

function printSteps(steps: readonly { kind: string; name?: string; index?: number | '*' }[]): string {
  return steps
    .map((s, i) =>
      s.kind === 'Key'
        ? `${i ? '.' : ''}${/[^A-Za-z0-9_]/.test(s.name!) ? `'${s.name}'` : s.name}`
        : `[${s.index}]`,
    )
    .join('');
}

function literalValue(l: Literal): unknown {
  switch (l.kind) {
    case 'List':
      return l.values.map(literalValue);
    case 'VarRef':
      return { variable: l.variable, attribute: l.attribute };
    default:
      return l.value;
  }
}
