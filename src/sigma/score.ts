/**
 * Ranking suspiciousness: an entity's records (a process's start, its network and file events, …) matched against
 * a rule set; the score is the sum over the distinct rules that matched any record of the rule's level weight
 * ({@link LEVEL_WEIGHT}), and the entity carries the matched rules (id, title, level) and the ATT&CK techniques of
 * their `attack.tNNNN` tags. This is the library side of `APPLY …sigma ON procs` (x_sigma_score, x_sigma_rules,
 * x_attack_techniques); sorting by the score is the ranking.
 */
import { LEVELS, type Level } from './ast.ts';
import { ecsEvent } from './events.ts';
import type { EventSource, EventView } from './match.ts';
import { LEVEL_WEIGHT, type CompiledRule } from './rule.ts';
import { RuleSet } from './rule-set.ts';

/** A rule that matched, as an entity reports it. */
export interface RuleHit {
  readonly id?: string;
  readonly title: string;
  readonly level: Level;
  readonly techniques: readonly string[];
  /** How many of the entity's records it matched. */
  readonly records: number;
}

export interface EntityScore {
  /** Σ level weight over the distinct matched rules (0: nothing matched). */
  readonly score: number;
  /** Matched rules, highest level first, then by title. */
  readonly rules: readonly RuleHit[];
  /** ATT&CK technique ids of the matched rules, sorted, distinct. */
  readonly techniques: readonly string[];
  readonly records: number;
}

const NO_HITS: readonly never[] = Object.freeze([]);

/** The ATT&CK technique id a Sigma tag names (`attack.t1059.001` → `T1059.001`), or undefined. */
export function techniqueOfTag(tag: string): string | undefined {
  const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag.trim());
  return m ? m[1].toUpperCase() : undefined;
}

/** A rule's level, `medium` when it names none (Sigma's default reading of an unlevelled rule). */
export function levelOf(rule: CompiledRule): Level {
  return rule.rule.level ?? 'medium';
}

/** True when `level` is at least `min`. */
export function atLeast(level: Level, min: Level): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(min);
}

/** Scores one entity from its records against `rules`. */
export function scoreRecords(rules: RuleSet, records: Iterable<EventSource | EventView>): EntityScore {
  let counts: Map<CompiledRule, number> | undefined;
  let n = 0;
  for (const rec of records) {
    n++;
    const hits = rules.match(rec);
    if (hits.length === 0) continue;
    counts ??= new Map();
    for (const r of hits) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  if (counts === undefined)
    return { score: 0, rules: NO_HITS, techniques: NO_HITS as readonly never[], records: n };
  const hits: RuleHit[] = [];
  const techniques = new Set<string>();
  let score = 0;
  for (const [r, records] of counts) {
    const level = levelOf(r);
    score += LEVEL_WEIGHT[level];
    const ts = r.rule.tags.map(techniqueOfTag).filter((t): t is string => t !== undefined);
    for (const t of ts) techniques.add(t);
    hits.push({
      ...(r.rule.id ? { id: r.rule.id } : {}),
      title: r.rule.title,
      level,
      techniques: ts,
      records,
    });
  }
  hits.sort((a, b) => LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) || a.title.localeCompare(b.title));
  return { score, rules: hits, techniques: [...techniques].sort(), records: n };
}

/**
 * The Sigma product (`windows`, `linux`, `macos`) an ECS record comes from: `host.os.type`/`host.os.family` when
 * present, a Windows event log's `winlog`, else the style of the executable's path; undefined when nothing says.
 */
export function productOfEcs(doc: Record<string, unknown>): string | undefined {
  const host = doc.host as { os?: { type?: unknown; family?: unknown } } | undefined;
  for (const v of [host?.os?.type, host?.os?.family])
    if (typeof v === 'string' && ['windows', 'linux', 'macos'].includes(v.toLowerCase()))
      return v.toLowerCase();
  if (doc.winlog !== undefined) return 'windows';
  const exe = (doc.process as { executable?: unknown } | undefined)?.executable;
  if (typeof exe === 'string') {
    if (/^[A-Za-z]:\\|^\\\\|\\/.test(exe)) return 'windows';
    if (exe.startsWith('/')) return 'linux';
  }
  return undefined;
}

/**
 * Rule sets per (entity type, product), built on first use: an entity's records are matched only against the
 * rules of its logsource — a Linux process is not scored by Windows rules, whose filters would not apply to it.
 */
export class Scorer {
  private readonly sets = new Map<string, Map<string | undefined, RuleSet>>();
  constructor(readonly rules: readonly CompiledRule[]) {}

  /** The rules for records of `entity` from `product` (every product's when undefined). */
  ruleSet(entity: string, product: string | undefined): RuleSet {
    let byProduct = this.sets.get(entity);
    if (!byProduct) this.sets.set(entity, (byProduct = new Map()));
    let set = byProduct.get(product);
    if (!set) {
      set = new RuleSet(
        this.rules.filter(
          (r) => r.logsource.entity === entity && (product === undefined || r.logsource.product === product),
        ),
      );
      byProduct.set(product, set);
    }
    return set;
  }

  /** Scores one entity of type `entity` from its ECS records (each matched against its own product's rules). */
  score(entity: string, records: readonly Record<string, unknown>[]): EntityScore {
    if (records.length === 1)
      return scoreRecords(this.ruleSet(entity, productOfEcs(records[0])), [ecsEvent(records[0])]);
    const byProduct = new Map<string | undefined, EventSource[]>();
    for (const doc of records) {
      const p = productOfEcs(doc);
      let list = byProduct.get(p);
      if (!list) byProduct.set(p, (list = []));
      list.push(ecsEvent(doc));
    }
    const parts = [...byProduct].map(([p, recs]) => scoreRecords(this.ruleSet(entity, p), recs));
    return parts.length === 1 ? parts[0] : mergeScores(parts);
  }
}

/** One score from the scores of disjoint record groups (a rule matched in two groups counts once). */
function mergeScores(parts: readonly EntityScore[]): EntityScore {
  const byRule = new Map<string, RuleHit>();
  for (const p of parts)
    for (const h of p.rules) {
      const key = h.id ?? h.title;
      const seen = byRule.get(key);
      byRule.set(key, seen ? { ...seen, records: seen.records + h.records } : h);
    }
  const rules = [...byRule.values()].sort(
    (a, b) => LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) || a.title.localeCompare(b.title),
  );
  return {
    score: rules.reduce((s, h) => s + LEVEL_WEIGHT[h.level], 0),
    rules,
    techniques: [...new Set(rules.flatMap((h) => h.techniques))].sort(),
    records: parts.reduce((n, p) => n + p.records, 0),
  };
}
