/**
 * What an event must contain for a rule to have a chance, as clauses of (field, literal) keys: whenever the rule
 * matches, every clause has a key whose field holds the literal (lower-cased, anywhere in the value). Computed from
 * the IR: a string test needs its literal (a glob its longest literal run, a regex the runs `regex-literals.ts`
 * finds); an `or` needs one key of each branch (one clause, the union of each branch's best clause); an `and` needs
 * the clauses of all its branches (the most selective few are kept); `not`, numbers, networks and the like promise
 * nothing (no clause: the rule is evaluated on every event). The rule index (`rule-set.ts`) scans each event's
 * fields for every rule's keys at once and evaluates only the rules all of whose clauses were met.
 */
import { visit, type Expr } from './ir.ts';
import { regexLiterals } from './regex-literals.ts';

export interface LiteralKey {
  readonly field: string;
  /** Lower-cased, never empty. */
  readonly literal: string;
}

/** One key of the clause must be found. An empty clause can never be met (the rule cannot match). */
export type Clause = readonly LiteralKey[];

/** Every clause must be met; no clause means no requirement. */
export type Requirement = readonly Clause[];

/** Clauses kept per rule: enough to rule out most events, few enough to stay cheap. */
export const MAX_CLAUSES = 3;

/** How likely a clause is to be met by an event: lower is more selective. */
export function clauseCost(keys: Clause): number {
  let c = 0;
  for (const k of keys) c += 2 ** -Math.min(k.literal.length, 16);
  return c;
}

function longestRun(tokens: readonly (string | { wild: string })[]): string {
  let best = '';
  for (const t of tokens) if (typeof t === 'string' && t.length > best.length) best = t;
  return best;
}

const byCost = (a: Clause, b: Clause): number => clauseCost(a) - clauseCost(b);

/** Combinations of the branches' clauses an `or` distributes over, at most (beyond: the best clause of each). */
const MAX_COMBINATIONS = 16;

/**
 * `(A1 ∧ A2) ∨ B` is `(A1 ∨ B) ∧ (A2 ∨ B)`: every choice of one clause per branch, joined, is a clause of the `or`.
 * The two best clauses of each branch are combined while the choices stay few; else one clause, the best of each.
 */
function orClauses(parts: readonly Requirement[]): Requirement {
  const choices = parts.map((p) => p.slice(0, 2));
  const count = choices.reduce((n, c) => n * c.length, 1);
  if (count > MAX_COMBINATIONS) return [parts.flatMap((p) => p[0])];
  let combos: LiteralKey[][] = [[]];
  for (const c of choices) combos = combos.flatMap((prefix) => c.map((clause) => [...prefix, ...clause]));
  return combos.sort(byCost).slice(0, MAX_CLAUSES);
}

/** The clauses a match of `e` requires (see the module comment). */
export function requiredLiterals(e: Expr): Requirement {
  return visit<Requirement>(
    {
      test: (x) => {
        const m = x.match;
        if (m.kind === 're') {
          // a one-character run (`-` of `-(W|R)…`) rules out nothing worth the lookup
          const lits = regexLiterals(m.pattern, m.flags.ignoreCase);
          return lits && lits.every((l) => l.length > 1)
            ? [lits.map((literal) => ({ field: x.field, literal }))]
            : [];
        }
        const lit = m.kind === 'str' ? m.value : m.kind === 'glob' ? longestRun(m.tokens) : '';
        return lit === '' ? [] : [[{ field: x.field, literal: lit.toLowerCase() }]];
      },
      keyword: () => [],
      const: (x) => (x.value ? [] : [[]]),
      not: () => [],
      or: (x) => {
        const parts: Requirement[] = [];
        for (const a of x.args) {
          const r = requiredLiterals(a);
          if (r.length === 0) return [];
          parts.push([...r].sort(byCost));
        }
        return orClauses(parts);
      },
      and: (x) => {
        const clauses = x.args.flatMap((a) => requiredLiterals(a));
        return clauses.sort(byCost).slice(0, MAX_CLAUSES);
      },
    },
    e,
  );
}
