/**
 * The policy engine: compiled rules and drop filters, evaluated per resolved event.
 *
 * Per sf-processor: drop filters run first — a record any enabled filter matches is dropped and no rule sees it;
 * then every enabled rule whose prefilter admits the record type (`sf.type`) and whose condition holds matches.
 * In `alert` mode a record is emitted only when some rule matched (an alert); in `enrich` mode every record that was
 * not dropped is emitted, carrying the names and tags of the rules it matched. Rule priorities are normalised to
 * low/medium/high the way sf-processor maps Falco's levels (emergency/alert/critical/error → high, warning → medium,
 * notice/info/informational/debug → low); `mitre:Txxxx` (and Falco's bare `Txxxx`) tags become techniques with
 * their ATT&CK names.
 *
 * With `compat: 'sf-processor'` the engine evaluates as sf-processor 0.7.0 does: each rule sees the definitions
 * sf-processor lets it see, its leaves read sf-processor's fields (`sf-processor/`), `alert` priorities fold to low,
 * `enabled` is read as Go reads a boolean, and process flows and network events — which sf-processor's reader
 * passes to no stage — are dropped. Either way {@link PolicyEngine.readingNotes} lists the rules whose outcome
 * depends on which of the two readings runs them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../../errors/index.ts';
import { SF_TYPE, type ResolvedEvent } from '../records/index.ts';
import type { Decl, FilterDecl, LoadProblem, PolicyFile, RuleDecl, Span } from './ast.ts';
import { techniqueIdOfTag, techniqueName } from './attack.ts';
import { buildCatalog, type Catalog } from './catalog.ts';
import { ConditionCompiler, type CompileOptions, type PolicyCompat, type PolicyNote, type Pred } from './compile.ts';
import { readPolicyFile } from './reader.ts';
import { readingDifferences, type ReadingNote } from './sf-processor/differences.ts';
import { parseGoBool, trimBoundingQuotes } from './sf-processor/go.ts';
import { sfProcessorScopes } from './sf-processor/scopes.ts';
import type { SfpState } from './sf-processor/fields.ts';

export type Severity = 'low' | 'medium' | 'high';
export type PolicyMode = 'alert' | 'enrich';

/** A policy file's text and where it came from. */
export interface PolicySource {
  readonly path: string;
  readonly text: string;
}

export interface TechniqueRef {
  readonly id: string;
  /** ATT&CK v18 name; undefined when the id is not in the table. */
  readonly name: string | undefined;
}

/**
 * What a match reports about its rule (one frozen object per rule, shared by all its matches). Structurally a
 * `RuleMatch` of the processor's contract (`processor/types.ts`: name, description, priority as written, tags,
 * source) plus the normalised severity, the ATT&CK techniques and the rule's place.
 */
export interface RuleInfo {
  readonly name: string;
  readonly description: string;
  /** The priority as written, lower-cased (`medium`, `warning`, …); `low` when the rule gives none. */
  readonly priority: string;
  /** low / medium / high, folded the way sf-processor folds Falco's levels. */
  readonly severity: Severity;
  readonly tags: readonly string[];
  readonly techniques: readonly TechniqueRef[];
  readonly actions: readonly string[];
  /** Record types the rule applies to; empty = all. */
  readonly prefilter: readonly string[];
  readonly source: string;
  readonly span: Span;
}

/** The decision for one record (the processor's `PolicyResult` contract, plus which filter dropped it). */
export interface PolicyResult {
  /** Rules whose condition held, in policy order; empty when none or when dropped. */
  readonly matches: readonly RuleInfo[];
  /** A drop filter matched: the record leaves the pipeline. */
  readonly drop: boolean;
  /** Name of the drop filter that dropped the record. */
  readonly droppedBy?: string;
}

/** A rule left out because its condition needs Falco fields (or operators) SysFlow cannot supply. */
export interface UnmappableRule {
  readonly rule: string;
  readonly source: string;
  readonly span: Span;
  readonly fields: readonly string[];
}

export interface EngineOptions extends CompileOptions {
  readonly mode?: PolicyMode;
}

export interface EngineCounts {
  readonly files: number;
  readonly rules: number;
  readonly macros: number;
  readonly lists: number;
  readonly filters: number;
  /** Rules compiled and enabled. */
  readonly active: number;
  readonly disabled: number;
  readonly unmappable: number;
}

const NO_MATCH: PolicyResult = Object.freeze({ matches: Object.freeze([]) as readonly RuleInfo[], drop: false });
/** Record kinds sf-processor's reader hands to no stage. */
const SFP_UNREAD: ReadonlySet<string> = new Set(['ProcessFlow', 'NetworkEvent']);
const SFP_UNREAD_RESULT: PolicyResult = Object.freeze({
  matches: NO_MATCH.matches,
  drop: true,
  droppedBy: '(sf-processor reads no process flows or network events)',
});

export function normalisePriority(label: string, compat?: PolicyCompat): Severity | undefined {
  switch (label.trim().toLowerCase()) {
    case 'alert':
      // sf-processor's table of Falco levels lacks `alert`: it defers to low.
      return compat === 'sf-processor' ? undefined : 'high';
    case 'high':
    case 'critical':
    case 'emergency':
    case 'error':
      return 'high';
    case 'medium':
    case 'warning':
      return 'medium';
    case 'low':
    case 'notice':
    case 'info':
    case 'informational':
    case 'debug':
      return 'low';
    default:
      return undefined;
  }
}

interface CompiledRule {
  readonly info: RuleInfo;
  readonly pred: Pred;
}

export class PolicyEngine {
  readonly mode: PolicyMode;
  readonly rules: readonly RuleInfo[];
  readonly filters: readonly string[];
  readonly unmappable: readonly UnmappableRule[];
  /** Compile-time findings: unknown attributes, undefined macros, … (the engine still runs). */
  readonly notes: readonly PolicyNote[];
  /** Rules and filters whose outcome depends on the reading (Peregrine's or sf-processor's), one entry each. */
  readonly readingNotes: readonly ReadingNote[];
  /** The reading in force; undefined for Peregrine's own. */
  readonly compat: PolicyCompat | undefined;
  /** Reader findings: declarations that could not be read. */
  readonly problems: readonly (LoadProblem & { source: string })[];
  readonly counts: EngineCounts;
  private readonly filterPreds: readonly { name: string; pred: Pred }[];
  private readonly byType: ReadonlyMap<string, readonly CompiledRule[]>;
  private readonly sfpState: SfpState | undefined;

  constructor(files: readonly PolicyFile[], options: EngineOptions = {}) {
    this.mode = options.mode ?? 'alert';
    this.compat = options.compat;
    const catalog = buildCatalog(files);
    const compiler = new ConditionCompiler(catalog, options);
    this.sfpState = compiler.sfpState;
    const scopes = options.compat === 'sf-processor' ? sfProcessorScopes(files) : undefined;
    const scopeOf = (d: Decl): Catalog => scopes?.get(d) ?? catalog;
    const enabled = (d: { enabled: boolean; enabledText?: string }): boolean => {
      if (!scopes || d.enabledText === undefined) return d.enabled;
      // Go's strconv.ParseBool; anything it does not read leaves the rule enabled.
      return parseGoBool(trimBoundingQuotes(d.enabledText)) ?? true;
    };
    const readingNotes: ReadingNote[] = [];
    const noteReading = (kind: 'rule' | 'filter', d: RuleDecl | FilterDecl, source: string): void => {
      const differences = readingDifferences(d.condition.root, source, scopeOf(d));
      if (differences.length) readingNotes.push({ rule: d.name, kind, source, span: d.span, differences });
    };
    const problems: (LoadProblem & { source: string })[] = [];
    for (const f of files) for (const p of f.problems) problems.push({ ...p, source: f.source });
    const notes: PolicyNote[] = [];
    const unmappable: UnmappableRule[] = [];
    const compiled: CompiledRule[] = [];
    let disabled = 0;
    for (const { decl, source } of catalog.rules) {
      const c = compiler.compile(decl.condition.root, source, scopeOf(decl));
      if (enabled(decl)) noteReading('rule', decl, source);
      if (c.unmappable.length > 0) {
        unmappable.push({ rule: decl.name, source, span: decl.span, fields: c.unmappable });
        continue;
      }
      if (!enabled(decl)) {
        disabled++;
        continue;
      }
      let severity = normalisePriority(decl.priority, options.compat);
      if (!severity) {
        notes.push({
          severity: 'warning',
          code: 'W_PRIORITY',
          message: decl.priority ? `unknown priority '${decl.priority}' of rule '${decl.name}'; using low` : `rule '${decl.name}' has no priority; using low`,
          source,
          span: decl.span,
        });
        severity = 'low';
      }
      const techniques = decl.tags
        .map(techniqueIdOfTag)
        .filter((t): t is string => t !== undefined)
        .map((id) => Object.freeze({ id, name: techniqueName(id) }));
      const info: RuleInfo = Object.freeze({
        name: decl.name,
        description: decl.desc,
        priority: decl.priority.trim().toLowerCase() || 'low',
        severity,
        tags: decl.tags,
        techniques: Object.freeze(techniques),
        actions: decl.actions,
        prefilter: decl.prefilter,
        source,
        span: decl.span,
      });
      compiled.push({ info, pred: c.pred });
    }
    const filterPreds: { name: string; pred: Pred }[] = [];
    for (const { decl, source } of catalog.filters) {
      const c = compiler.compile(decl.condition.root, source, scopeOf(decl));
      if (enabled(decl)) noteReading('filter', decl, source);
      if (c.unmappable.length > 0) {
        unmappable.push({ rule: decl.name, source, span: decl.span, fields: c.unmappable });
        continue;
      }
      if (enabled(decl)) filterPreds.push({ name: decl.name, pred: c.pred });
    }
    // Rules by record kind (the prefilter applied once, here): evaluate() does one Map lookup per event.
    const byType = new Map<string, CompiledRule[]>();
    for (const [kind, t] of Object.entries(SF_TYPE)) {
      byType.set(
        kind,
        compiled.filter((r) => r.info.prefilter.length === 0 || r.info.prefilter.includes(t)),
      );
    }
    this.rules = Object.freeze(compiled.map((r) => r.info));
    this.filters = Object.freeze(filterPreds.map((f) => f.name));
    this.filterPreds = filterPreds;
    this.byType = byType;
    this.unmappable = Object.freeze(unmappable);
    this.notes = Object.freeze([...compiler.notes, ...notes]);
    this.readingNotes = Object.freeze(readingNotes);
    this.problems = Object.freeze(problems);
    this.counts = Object.freeze({
      files: files.length,
      rules: catalog.rules.length,
      macros: files.reduce((n, f) => n + f.decls.filter((d) => d.kind === 'macro').length, 0),
      lists: files.reduce((n, f) => n + f.decls.filter((d) => d.kind === 'list').length, 0),
      filters: catalog.filters.length,
      active: compiled.length,
      disabled,
      unmappable: unmappable.length,
    });
  }

  /** Runs the drop filters, then the rules, on one event. Never throws; allocates only when a rule matches. */
  evaluate(ev: ResolvedEvent): PolicyResult {
    if (this.sfpState) {
      if (SFP_UNREAD.has(ev.record.kind)) return SFP_UNREAD_RESULT;
      this.sfpState.observe(ev);
    }
    const fs = this.filterPreds;
    for (let i = 0; i < fs.length; i++) {
      if (fs[i].pred(ev)) return { matches: NO_MATCH.matches, drop: true, droppedBy: fs[i].name };
    }
    const rules = this.byType.get(ev.record.kind);
    if (!rules) return NO_MATCH;
    let out: RuleInfo[] | undefined;
    for (let i = 0; i < rules.length; i++) {
      if (rules[i].pred(ev)) (out ??= []).push(rules[i].info);
    }
    return out ? { matches: out, drop: false } : NO_MATCH;
  }

  /** The processor's `PolicyStage` entry point; the same as {@link evaluate}. */
  process(ev: ResolvedEvent): PolicyResult {
    return this.evaluate(ev);
  }

  /** Whether the processor passes the record on: alert mode → it matched a rule; enrich mode → it was not dropped. */
  emits(result: PolicyResult): boolean {
    return !result.drop && (this.mode === 'enrich' || result.matches.length > 0);
  }
}

/** Parses and compiles policy files into an engine. Files are read with {@link readPolicyFile}; nothing throws. */
export function compilePolicies(sources: readonly (PolicySource | PolicyFile)[], options: EngineOptions = {}): PolicyEngine {
  const files = sources.map((s) => ('kind' in s ? s : readPolicyFile(s.path, s.text)));
  return new PolicyEngine(files, options);
}

/**
 * Reads policy files; a directory contributes its `*.yaml`/`*.yml` files (recursively, sorted by path) — or, with
 * `compat: 'sf-processor'`, only the `*.yaml` files directly in it, as sf-processor lists a policy directory.
 */
export async function loadPolicySources(paths: readonly string[], options: CompileOptions = {}): Promise<PolicySource[]> {
  const sfp = options.compat === 'sf-processor';
  const out: PolicySource[] = [];
  const visit = async (p: string, top = true): Promise<void> => {
    let st;
    try {
      st = await stat(p);
    } catch (err) {
      throw new InputError('E_POLICY_FILE', `cannot read policy ${p}: ${(err as Error).message}`, { hint: 'give a policy file or a directory of *.yaml files', cause: err });
    }
    if (st.isDirectory()) {
      if (!top && sfp) return;
      const names = (await readdir(p)).sort();
      for (const n of names) {
        const child = join(p, n);
        const cst = await stat(child);
        if (cst.isDirectory() || (sfp ? n.endsWith('.yaml') : /\.ya?ml$/i.test(n))) await visit(child, false);
      }
      return;
    }
    out.push({ path: p, text: await readFile(p, 'utf8') });
  };
  for (const p of paths) await visit(p);
  return out;
}
