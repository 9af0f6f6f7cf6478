/**
 * The state of one lowering: the variables defined so far (the session's, then each statement's output), the columns
 * of grouped/joined variables, the warnings collected, and the checks every statement lowerer shares — unknown
 * variables and entity types, unknown attributes, file formats. Only {@link lower} creates one.
 */
import { didYouMean } from '../../common/index.ts';
import { SemanticError, spanAt, type PeregrineError } from '../../errors/index.ts';
import type { Span } from '../../stix/ast.ts';
import type * as A from '../syntax/ast.ts';
import { ENTITY_TYPES, isKnownEntityType } from '../syntax/vocabulary.ts';
import type { IrFileFormat, IrVarSpan } from './types.ts';

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

/** Type of a variable known only once its statement ran (LOAD without AS reads it from the data). */
export const UNKNOWN_TYPE = '';

/** Attributes every record has, whatever its type. */
const RECORD_ATTRIBUTES = ['type', 'id', 'first_observed', 'last_observed', 'number_observed'];

export class LowerScope {
  private readonly vars: Map<string, string>;
  readonly warnings: PeregrineError[] = [];
  readonly outputs: { name: string; type: string }[] = [];
  /** Columns of variables holding grouped/joined rows (their attributes are these, not the entity's). */
  private readonly columns = new Map<string, Set<string> | null>();
  /**
   * Entity types an APPLY of this flow reads: an analytic may set attributes of any name on them (Kestrel's
   * analytics write `exploit`, `hostname`, …), so later statements are not warned about names it could have set.
   */
  private readonly applied = new Set<string>();
  /** Variables the statement being lowered reads, where first written (reset per statement). */
  varSpans: IrVarSpan[] = [];

  constructor(readonly ctx: LowerContext) {
    this.vars = new Map(ctx.variables);
  }

  span(s: Span): ReturnType<typeof spanAt> {
    return spanAt(this.ctx.sourceName, this.ctx.text, s.start, Math.max(1, s.end - s.start));
  }

  error(code: string, message: string, s: Span, hint?: string): SemanticError {
    return new SemanticError(code, message, { span: this.span(s), hint });
  }

  /** True when `name` is a variable (of the session or defined earlier in the flow). */
  has(name: string): boolean {
    return this.vars.has(name);
  }

  /** The columns of a grouped/joined variable defined in this flow (undefined: an entity variable). */
  columnsOf(name: string): Set<string> | null | undefined {
    return this.columns.get(name);
  }

  define(name: string, type: string, columns?: Set<string> | null): void {
    this.vars.set(name, type);
    if (columns === undefined) this.columns.delete(name);
    else this.columns.set(name, columns);
    const i = this.outputs.findIndex((o) => o.name === name);
    if (i >= 0) this.outputs.splice(i, 1);
    this.outputs.push({ name, type });
  }

  /** The type of variable `v`, recording where the statement reads it; unknown variables are errors. */
  use(v: A.Var): string {
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

  entityType(e: A.EntityType): string {
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

  /** Notes that an APPLY reads entities of `type` (see {@link applied}). */
  noteApplied(type: string): void {
    this.applied.add(type);
  }

  /** Warns when the first step of `attr` is not an attribute known for `type` (custom `x_` names pass). */
  checkAttr(type: string, attr: string, s: Span): void {
    const root = rootOf(attr);
    if (!root || root.startsWith('x_') || type.startsWith('x-') || !isKnownEntityType(type)) return;
    if (this.applied.has(type)) return;
    const known = this.knownAttributes(type);
    if (known.has(root)) return;
    this.warnings.push(
      new SemanticError('W_UNKNOWN_ATTRIBUTE', `"${attr}" is not a known attribute of ${type}`, {
        span: this.span(s),
        hint: didYouMean(root, known),
      }),
    );
  }

  /** Like {@link checkAttr} for an attribute of variable `name` (grouped/joined rows have their own columns). */
  checkVarAttr(name: string, type: string, attr: string, s: Span): void {
    if (!this.columns.has(name)) {
      const cols = this.ctx.columnsOf?.(name);
      if (cols === undefined) return this.checkAttr(type, attr, s);
      this.columns.set(name, new Set(cols));
    }
    const cols = this.columns.get(name);
    if (!cols || cols.has(attr)) return;
    this.warnings.push(
      new SemanticError(
        'W_UNKNOWN_ATTRIBUTE',
        `"${attr}" is not a column of "${name}" (${[...cols].join(', ')})`,
        { span: this.span(s), hint: didYouMean(attr, cols) },
      ),
    );
  }

  /** The span of each URI of a FROM source inside its text (`a.json,b.json`); the whole source if not found. */
  uriSpans(src: A.SourceRef): Span[] {
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

  /** The file format LOAD and SAVE read from a path's extension. */
  format(p: A.PathRef): IrFileFormat {
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

/** The first step of an attribute path, without an object type prefix (`process:parent_ref.name` → `parent_ref`). */
function rootOf(attr: string): string {
  const m = /^[^.[]+/.exec(attr.replace(/^[a-z0-9-]+:/, ''));
  return m ? m[0] : attr;
}
