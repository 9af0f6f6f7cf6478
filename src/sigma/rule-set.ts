/**
 * Many compiled rules matched against events without trying them one by one: each rule's required literals
 * (`required-literals.ts`: up to three clauses of keys) are indexed by field, each indexed field gets one automaton
 * over all its literals (`literal-automaton.ts`), and an event's fields are scanned once; a rule is evaluated only
 * when every one of its clauses had a key found — and the few rules that promise nothing are evaluated always. The
 * answer is exactly the one-by-one answer (clauses are necessary conditions), which the tests and the bench check.
 */
import { LiteralAutomaton } from './literal-automaton.ts';
import { EventView, type EventSource } from './match.ts';
import { requiredLiterals, type LiteralKey, type Requirement } from './required-literals.ts';
import type { CompiledRule } from './rule.ts';

interface FieldIndex {
  readonly field: string;
  readonly automaton: LiteralAutomaton;
  /** Offset of this field's literal ids in the rule set's literal numbering. */
  readonly base: number;
}

/** How the rules were indexed (for `sigma list` and the bench). */
export interface RuleSetStats {
  readonly rules: number;
  /** Rules reached only through their literals. */
  readonly indexed: number;
  /** Rules evaluated on every event (their detection promises no literal). */
  readonly always: number;
  /** Rules no event can match (a clause without keys). */
  readonly never: number;
  readonly fields: number;
  readonly literals: number;
}

const ascending = (a: number, b: number): number => a - b;

/** Characters of a required literal the automaton looks for (a window of it, see {@link windowChooser}). */
export const MAX_LITERAL = 10;

/**
 * Any part of a required literal is required too, so the automaton looks for a window of at most
 * {@link MAX_LITERAL} characters of each: fewer, shallower states stay in the processor's cache. The window is the
 * one that occurs in the fewest of the rule set's literals of that field — the rules themselves are the measure of
 * what is common (`\system32\` is in hundreds of them; the space of `c:\windows \system32\` in few).
 */
function windowChooser(reqs: readonly Requirement[]): (k: LiteralKey) => string {
  const seen = new Map<string, number>();
  const windowsOf = (lit: string): string[] => {
    const out: string[] = [];
    for (let i = 0; i + MAX_LITERAL <= lit.length; i++) out.push(lit.slice(i, i + MAX_LITERAL));
    return [...new Set(out)];
  };
  for (const req of reqs)
    for (const clause of req)
      for (const k of clause)
        if (k.literal.length > MAX_LITERAL)
          for (const w of windowsOf(k.literal))
            seen.set(`${k.field}\0${w}`, (seen.get(`${k.field}\0${w}`) ?? 0) + 1);
  return (k) => {
    if (k.literal.length <= MAX_LITERAL) return k.literal;
    let best = '';
    let bestN = Infinity;
    for (const w of windowsOf(k.literal)) {
      const n = seen.get(`${k.field}\0${w}`) ?? 0;
      // on a tie the later window: a literal's end (a file name, an option) is its most specific part
      if (n <= bestN) {
        best = w;
        bestN = n;
      }
    }
    return best;
  };
}

export class RuleSet {
  private readonly fields: readonly FieldIndex[];
  private readonly always: readonly number[];
  /** Per literal id: the clause ids it meets. */
  private readonly literalClauses: readonly (readonly number[])[];
  /** Per clause id: its rule. */
  private readonly clauseRule: Int32Array;
  /** Per rule: how many clauses it has. */
  private readonly clauseCount: Int32Array;
  private readonly literalStamp: Int32Array;
  private readonly clauseStamp: Int32Array;
  private readonly ruleStamp: Int32Array;
  private readonly ruleMet: Int32Array;
  private readonly found: number[] = [];
  private readonly buffer: number[] = [];
  private generation = 0;
  readonly stats: RuleSetStats;

  constructor(readonly rules: readonly CompiledRule[]) {
    const reqs = rules.map((rule) => requiredLiterals(rule.expr));
    const windows = windowChooser(reqs);
    const byField = new Map<string, Map<string, number[]>>();
    const always: number[] = [];
    const clauseRule: number[] = [];
    const clauseCount = new Int32Array(rules.length);
    let never = 0;
    reqs.forEach((req, r) => {
      if (req.length === 0) {
        always.push(r);
        return;
      }
      if (req.some((c) => c.length === 0)) {
        never++;
        return;
      }
      clauseCount[r] = req.length;
      for (const clause of req) {
        const cid = clauseRule.length;
        clauseRule.push(r);
        for (const k of clause) {
          let lits = byField.get(k.field);
          if (!lits) byField.set(k.field, (lits = new Map()));
          const lit = windows(k);
          let cs = lits.get(lit);
          if (!cs) lits.set(lit, (cs = []));
          if (cs[cs.length - 1] !== cid) cs.push(cid);
        }
      }
    });
    const fields: FieldIndex[] = [];
    const literalClauses: number[][] = [];
    for (const [field, lits] of byField) {
      fields.push({ field, automaton: new LiteralAutomaton([...lits.keys()]), base: literalClauses.length });
      literalClauses.push(...lits.values());
    }
    this.fields = fields;
    this.always = always;
    this.literalClauses = literalClauses;
    this.clauseRule = Int32Array.from(clauseRule);
    this.clauseCount = clauseCount;
    this.literalStamp = new Int32Array(literalClauses.length);
    this.clauseStamp = new Int32Array(clauseRule.length);
    this.ruleStamp = new Int32Array(rules.length);
    this.ruleMet = new Int32Array(rules.length);
    this.stats = {
      rules: rules.length,
      indexed: rules.length - always.length - never,
      always: always.length,
      never,
      fields: fields.length,
      literals: literalClauses.length,
    };
  }

  /** The rules worth evaluating on `ev` (rule numbers, ascending): those all of whose clauses it meets, and the always ones. */
  candidates(ev: EventView): number[] {
    return this.collect(ev).slice();
  }

  /** {@link candidates} into a buffer of the rule set, valid until the next call (no allocation per event). */
  private collect(ev: EventView): number[] {
    const gen = ++this.generation;
    const found = this.found;
    found.length = 0;
    const fields = this.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const values = ev.lower(f.field);
      for (let j = 0; j < values.length; j++)
        f.automaton.collect(values[j], f.base, this.literalStamp, gen, found);
    }
    const out = this.buffer;
    out.length = 0;
    for (let i = 0; i < this.always.length; i++) out.push(this.always[i]);
    const { literalClauses, clauseStamp, clauseRule, clauseCount, ruleStamp, ruleMet } = this;
    for (let i = 0; i < found.length; i++) {
      const cs = literalClauses[found[i]];
      for (let j = 0; j < cs.length; j++) {
        const c = cs[j];
        if (clauseStamp[c] === gen) continue;
        clauseStamp[c] = gen;
        const r = clauseRule[c];
        if (ruleStamp[r] !== gen) {
          ruleStamp[r] = gen;
          ruleMet[r] = 0;
        }
        if (++ruleMet[r] === clauseCount[r]) out.push(r);
      }
    }
    return out.length > 1 ? out.sort(ascending) : out;
  }

  /** The rules that match the event, in the order they were given. */
  match(ev: EventView | EventSource): CompiledRule[] {
    const view = ev instanceof EventView ? ev : new EventView(ev);
    const out: CompiledRule[] = [];
    const cs = this.collect(view);
    for (let i = 0; i < cs.length; i++) if (this.rules[cs[i]].predicate(view)) out.push(this.rules[cs[i]]);
    return out;
  }

  /** The same answer, trying every rule one by one (the baseline the index is measured against). */
  matchEach(ev: EventView | EventSource): CompiledRule[] {
    const view = ev instanceof EventView ? ev : new EventView(ev);
    return this.rules.filter((r) => r.predicate(view));
  }
}
