/**
 * A hunt session: the one owner of the symbol table, the hunt cache and the opened data sources (house rule 12).
 * `execute` parses a huntflow, lowers it to IR (semantic checks), and runs each statement; errors are
 * PeregrineErrors with spans relative to the executed text. Cancelling through the AbortSignal interrupts the
 * query in flight (DuckDB interrupt, connector signal) and leaves the session usable: a statement either assigns
 * its variable completely or not at all.
 */
import '../../connectors/index.ts';
import type { ProfileResolver } from '../../connectors/registry.ts';
import type { DataSource } from '../../connectors/types.ts';
import {
  CancelledError,
  isPeregrineError,
  type PeregrineError,
  StoreError,
  spanAt,
} from '../../errors/index.ts';
import {
  HuntCache,
  recordCounts,
  relatedCounts,
  releaseVariable,
  tableColumns,
  tableCounts,
} from '../../store/cache/index.ts';
import {
  runStatement,
  SymbolTable,
  type CommandContext,
  type SourceManager,
  type VariableEntry,
} from '../commands/index.ts';
import { focusSpan, lower, UNKNOWN_TYPE } from '../ir/index.ts';
import { parseHuntflow } from '../syntax/index.ts';
import { openSources } from './sources.ts';
import type { Display, ExecuteOptions, ExecuteResult, SessionOptions, VariableSummary } from './types.ts';

function windowFromEnv(): number | undefined {
  const v = process.env.PEREGRINE_TIME_WINDOW;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export class HuntSession {
  private readonly symbols = new SymbolTable();
  private readonly opened = new Map<string, DataSource>();
  /** Summary of each variable, computed when it is assigned (variables are immutable once assigned). */
  private readonly summaries = new Map<string, VariableSummary>();
  /** Counts by variable id, so a variable with the same records as another (SORT) is not counted again. */
  private readonly countsByVid = new Map<number, Pick<VariableSummary, 'entities' | 'records' | 'related'>>();
  private lastSource: string | undefined;
  private closed = false;
  private running = false;

  private constructor(
    private readonly cache: HuntCache,
    private readonly timeWindowMinutes: number,
    private readonly profiles: ProfileResolver | undefined,
  ) {}

  static async create(opts: SessionOptions = {}): Promise<HuntSession> {
    const cache = await HuntCache.open(opts.cachePath ?? ':memory:');
    return new HuntSession(cache, opts.timeWindowMinutes ?? windowFromEnv() ?? 5, opts.profiles);
  }

  private sourceManager(): SourceManager {
    return {
      open: async (uri) => {
        let s = this.opened.get(uri);
        if (!s) {
          s = await openSources(uri, { profiles: this.profiles });
          this.opened.set(uri, s);
        }
        return s;
      },
      last: () => this.lastSource,
      setLast: (uri) => {
        this.lastSource = uri;
      },
    };
  }

  /** Runs a huntflow (one or more statements). */
  async execute(source: string, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
    if (this.closed) throw new StoreError('E_SESSION_CLOSED', 'the hunt session is closed');
    if (this.running)
      throw new StoreError('E_SESSION_BUSY', 'the hunt session is already executing a huntflow', {
        hint: 'wait for it or cancel it first',
      });
    this.running = true;
    try {
      return await this.executeInner(source, opts);
    } finally {
      this.running = false;
    }
  }

  private async executeInner(source: string, opts: ExecuteOptions): Promise<ExecuteResult> {
    const sourceName = opts.sourceName ?? '<huntflow>';
    const flow = parseHuntflow(source, { source: sourceName });
    const { program, warnings: lowerWarnings } = lower(flow, {
      sourceName,
      text: source,
      variables: this.symbols.types(),
      attributesOf: (t) => this.cache.attributes(t),
      columnsOf: (name) => this.symbols.get(name)?.columns,
    });
    const warnings: PeregrineError[] = [...lowerWarnings];
    const displays: Display[] = [];
    const assigned: string[] = [];
    const ctx: CommandContext = {
      cache: this.cache,
      symbols: this.symbols,
      sources: this.sourceManager(),
      timeWindowMinutes: this.timeWindowMinutes,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      sourceName,
      text: source,
      warnings,
      ...(opts.baseDir ? { baseDir: opts.baseDir } : {}),
    };
    for (const [i, lowered] of program.statements.entries()) {
      if (opts.signal?.aborted) throw new CancelledError();
      // Lower each statement again against the variables as they are now: a type known only after an earlier
      // statement ran (LOAD without AS) gets its checks and FIND edges here. Warnings came from the first pass.
      const stmt = program.outputs.some((o) => o.type === UNKNOWN_TYPE)
        ? (lower(
            { ...flow, statements: [flow.statements[i]!] },
            { sourceName, text: source, variables: this.symbols.types() },
          ).program.statements[0] ?? lowered)
        : lowered;
      const started = performance.now();
      let result;
      try {
        result = await runStatement(stmt, ctx);
      } catch (e) {
        if (opts.signal?.aborted && !(e instanceof CancelledError))
          throw new CancelledError('cancelled', { cause: e });
        // Errors raised below the language (a missing bundle, a failed load) point at the part of the statement
        // that asked: the FROM source, the LOAD path (`focusSpan`); else the statement.
        // (`<pattern>`: a STIX pattern the runtime built from the huntflow; point at the statement instead.)
        if (
          isPeregrineError(e) &&
          (!e.span || (e.span.source.startsWith('<') && e.span.source !== sourceName))
        ) {
          const at = e.span ? stmt.span : focusSpan(stmt, `${e.message} ${e.hint ?? ''}`);
          throw e.withSpan(spanAt(sourceName, source, at.start, Math.max(1, at.end - at.start)));
        }
        throw e;
      }
      if (result.variable) {
        const columns =
          result.variable.storage === 'table'
            ? await tableColumns(this.cache, result.variable.vid)
            : undefined;
        const entry: VariableEntry = {
          ...result.variable,
          ...(columns ? { columns } : {}),
          timeMs: Math.round(performance.now() - started),
        };
        const previous = this.symbols.get(entry.name);
        this.symbols.set(entry);
        if (previous) await this.release(previous);
        this.summaries.delete(entry.name);
        this.summaries.set(entry.name, await this.summarise(entry));
        const i = assigned.indexOf(entry.name);
        if (i >= 0) assigned.splice(i, 1);
        assigned.push(entry.name);
      }
      for (const d of [...(result.display ? [result.display] : []), ...(result.displays ?? [])]) {
        displays.push(d);
        opts.onDisplay?.(d);
      }
    }
    const summary = assigned
      .map((n) => this.summaries.get(n))
      .filter((x): x is VariableSummary => x !== undefined);
    return { displays, summary, warnings };
  }

  /** Frees the cache rows of a variable that was reassigned (its data stays cached; only its membership goes). */
  private async release(v: VariableEntry): Promise<void> {
    await releaseVariable(this.cache, v);
  }

  private async summarise(v: VariableEntry): Promise<VariableSummary> {
    const same = v.sameRecordsAs === undefined ? undefined : this.countsByVid.get(v.sameRecordsAs);
    if (same) {
      this.countsByVid.set(v.vid, same);
      return { name: v.name, type: v.type, ...same, timeMs: v.timeMs };
    }
    const counts =
      v.storage === 'records'
        ? await recordCounts(this.cache, v.vid, v.perRecord)
        : await tableCounts(this.cache, v.vid);
    const related = v.storage === 'records' ? await relatedCounts(this.cache, v.vid, v.type) : {};
    this.countsByVid.set(v.vid, { entities: counts.entities, records: counts.records, related });
    return {
      name: v.name,
      type: v.type,
      entities: counts.entities,
      records: counts.records,
      related,
      timeMs: v.timeMs,
    };
  }

  /** Summaries of every variable defined in the session, in order of (re)definition. */
  variables(): VariableSummary[] {
    return [...this.summaries.values()];
  }

  /** Attribute names seen in the cache for an entity type (for completion). */
  attributes(type: string): string[] {
    return this.cache.attributes(type);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.opened.values()) {
      try {
        await s.close?.();
      } catch (e) {
        if (!isPeregrineError(e)) continue;
      }
    }
    await this.cache.close();
  }
}
