/**
 * What a command is handed by the session (house rule 12: the session owns the state; commands get handles):
 * the cache, the symbol table, the data sources opened so far, options and the cancellation signal.
 */
import { SemanticError, spanAt, type PeregrineError } from '../../errors/index.ts';
import type { DataSource, Progress } from '../../connectors/types.ts';
import type { HuntCache } from '../../store/cache/index.ts';
import type { IrStatement, Span } from '../ir/types.ts';
import type { Display } from './display.ts';
import type { SymbolTable, VariableEntry } from './symbols.ts';

export interface SourceManager {
  open(uri: string): Promise<DataSource>;
  /** The source of the last GET from a data source, if any. */
  last(): string | undefined;
  setLast(uri: string): void;
}

export interface CommandContext {
  readonly cache: HuntCache;
  readonly symbols: SymbolTable;
  readonly sources: SourceManager;
  readonly timeWindowMinutes: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  readonly sourceName: string;
  readonly text: string;
  readonly warnings: PeregrineError[];
  /** Where relative paths of APPLY (analytic modules, executables, databases) resolve; default the working directory. */
  readonly baseDir?: string;
}

/** What a command produced: a new/updated variable, displays, or both. */
export interface CommandResult {
  readonly variable?: Omit<VariableEntry, 'timeMs'>;
  readonly display?: Display;
  /** Several displays (APPLY's), shown in order after `display`. */
  readonly displays?: readonly Display[];
}

export function semanticError(
  ctx: CommandContext,
  code: string,
  message: string,
  span: Span,
  hint?: string,
): SemanticError {
  return new SemanticError(code, message, {
    span: spanAt(ctx.sourceName, ctx.text, span.start, Math.max(1, span.end - span.start)),
    hint,
  });
}

/** The entry of a variable the IR says exists (lowering checked it). */
export function variable(ctx: CommandContext, name: string, span: Span): VariableEntry {
  const v = ctx.symbols.get(name);
  if (!v) throw semanticError(ctx, 'E_UNKNOWN_VARIABLE', `unknown variable "${name}"`, span);
  return v;
}

export function requireRecords(ctx: CommandContext, v: VariableEntry, what: string, span: Span): void {
  if (v.storage !== 'records') {
    throw semanticError(
      ctx,
      'E_NOT_ENTITIES',
      `variable "${v.name}" holds ${v.birth.kind === 'Group' ? 'grouped rows' : 'joined rows'}, not entities: ${what} needs entities`,
      span,
      'use the variable it was computed from',
    );
  }
}

/**
 * The result of a command that selected entity records into a new variable (GET, FIND, LOAD, NEW, SORT, merge);
 * `more` carries what the new variable inherits (its source, per-record display, the records it reorders).
 */
export function recordsVariable(
  s: IrStatement & { readonly output: string },
  type: string,
  vid: number,
  explain: readonly string[],
  more: Pick<VariableEntry, 'sameRecordsAs' | 'perRecord' | 'displayAttrs' | 'source'> = {},
): CommandResult {
  return { variable: { name: s.output, type, vid, storage: 'records', ...more, birth: s, explain } };
}

/** The result of a command that wrote a derived table (GROUP, JOIN, SORT or a copy of grouped/joined rows). */
export function tableVariable(
  s: IrStatement & { readonly output: string },
  type: string,
  vid: number,
  explain: string,
): CommandResult {
  return { variable: { name: s.output, type, vid, storage: 'table', birth: s, explain: [explain] } };
}
