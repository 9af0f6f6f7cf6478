/**
 * Long IN lists on Elasticsearch/OpenSearch (a prefetch or FIND of N entities is `[type:attr IN (N values)]`): one
 * search carrying every value is one huge request that each shard evaluates alone, and a `terms` clause takes at
 * most the index's `index.max_terms_count` values. The longest positive IN list of the pattern is cut into batches;
 * each batch is one search (its `terms` clauses within the limit), a few run at a time, and their hits are merged
 * with each document once. Cutting is exact because the list appears once, un-negated: a document matches the
 * pattern with the whole list when it matches it with one of the batches (an IN is an OR over its values).
 */
import type { ComparisonExpr, Literal, ObservationExpr, Pattern } from '../../stix/ast.ts';

/** `index.max_terms_count` when the cluster does not say (Elasticsearch's and OpenSearch's default). */
export const DEFAULT_MAX_TERMS = 65_536;
/** Searches of one query in flight at once. */
export const PARALLEL_BATCHES = 4;
/** Lists up to this long are sent whole (cutting them buys no parallelism worth a request). */
export const MIN_BATCH = 10_000;

type ListLiteral = Extract<Literal, { kind: 'List' }>;

/**
 * The longest IN list compared positively, if any. Walked with an explicit stack: a pattern's depth (OR chains a
 * user wrote) does not reach the call stack.
 */
export function longestInList(p: Pattern | null | undefined): ListLiteral | undefined {
  if (!p) return undefined;
  let best: ListLiteral | undefined;
  const stack: (ObservationExpr | ComparisonExpr)[] = [p.expr];
  while (stack.length) {
    const e = stack.pop()!;
    switch (e.kind) {
      case 'ObservationBinary':
      case 'ComparisonBinary':
        stack.push(e.left, e.right);
        break;
      case 'Qualified':
      case 'Observation':
        stack.push(e.expr);
        break;
      case 'Comparison':
        if (e.op === 'IN' && !e.negated && e.value?.kind === 'List')
          if (!best || e.value.values.length > best.values.length) best = e.value;
        break;
    }
  }
  return best;
}

/** How many values one batch carries for a list of `n`: at most `maxTerms`, spread over the parallel searches. */
export function batchSize(n: number, maxTerms: number): number {
  return Math.max(1, Math.min(maxTerms, Math.max(MIN_BATCH, Math.ceil(n / PARALLEL_BATCHES))));
}

function replaceIn<T extends ObservationExpr | ComparisonExpr>(
  e: T,
  list: ListLiteral,
  values: readonly Literal[],
): T;
function replaceIn(
  e: ObservationExpr | ComparisonExpr,
  list: ListLiteral,
  values: readonly Literal[],
): ObservationExpr | ComparisonExpr {
  switch (e.kind) {
    case 'ObservationBinary':
    case 'ComparisonBinary':
      return {
        ...e,
        left: replaceIn(e.left, list, values),
        right: replaceIn(e.right, list, values),
      } as typeof e;
    case 'Qualified':
      return { ...e, expr: replaceIn(e.expr, list, values) };
    case 'Observation':
      return { ...e, expr: replaceIn(e.expr, list, values) };
    case 'Comparison':
      return e.value === list ? { ...e, value: { ...list, values } } : e;
  }
}

/** The pattern once per batch of `list`'s values (`list` itself when it fits in one). */
export function patternBatches(p: Pattern, list: ListLiteral, size: number): Pattern[] {
  if (list.values.length <= size) return [p];
  const out: Pattern[] = [];
  for (let i = 0; i < list.values.length; i += size)
    out.push({ ...p, expr: replaceIn(p.expr, list, list.values.slice(i, i + size)) });
  return out;
}

/**
 * The items of every stream, each stream started when fewer than `parallel` are running, yielded as they arrive.
 * A consumer that stops early closes the running streams.
 */
export async function* mergeStreams<T>(
  streams: readonly (() => AsyncIterator<T>)[],
  parallel: number,
): AsyncGenerator<T> {
  let next = 0;
  const running = new Map<number, { it: AsyncIterator<T>; pending: Promise<[number, IteratorResult<T>]> }>();
  const start = (): void => {
    const k = next++;
    const it = streams[k]!();
    running.set(k, { it, pending: it.next().then((r) => [k, r] as [number, IteratorResult<T>]) });
  };
  try {
    while (next < streams.length && running.size < parallel) start();
    while (running.size) {
      const [k, r] = await Promise.race([...running.values()].map((x) => x.pending));
      const entry = running.get(k)!;
      if (r.done) {
        running.delete(k);
        if (next < streams.length) start();
        continue;
      }
      entry.pending = entry.it.next().then((x) => [k, x] as [number, IteratorResult<T>]);
      yield r.value;
    }
  } finally {
    await Promise.allSettled([...running.values()].map((x) => x.it.return?.()));
  }
}
