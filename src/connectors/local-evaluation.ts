/**
 * What a remote source's native query cannot express is evaluated here, on the fetched stream (EXPLAIN says so):
 * `observation` — each observation must match the pattern by itself; `set` — the pattern's set semantics (AND across
 * observations, FOLLOWEDBY, WITHIN, REPEATS) must hold over everything fetched, or nothing matches.
 */
import type { Pattern } from '../stix/ast.ts';
import { compileObservationFilter, findPatternBinding } from '../stix/index.ts';
import type { Observation } from '../stix/observation.ts';

export type LocalEvaluation = 'none' | 'observation' | 'set';

export async function* evaluateLocally(
  fetched: AsyncIterable<Observation>,
  pattern: Pattern | null,
  mode: LocalEvaluation,
  limit = Infinity,
): AsyncGenerator<Observation> {
  if (mode === 'none' || !pattern) {
    yield* fetched;
    return;
  }
  const filter = compileObservationFilter(pattern);
  let n = 0;
  if (mode === 'observation') {
    for await (const obs of fetched) {
      if (!filter(obs)) continue;
      yield obs;
      if (++n >= limit) return;
    }
    return;
  }
  const all: Observation[] = [];
  for await (const obs of fetched) if (filter(obs)) all.push(obs);
  if (all.length === 0 || findPatternBinding(pattern, all) === null) return;
  for (const obs of all) {
    yield obs;
    if (++n >= limit) return;
  }
}
