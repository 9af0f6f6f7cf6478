/**
 * The subset of the Elasticsearch/OpenSearch query DSL the compiler emits: structured leaf queries and `bool`.
 * No `query_string`: values are never spliced into query text (house rule 4). Plain JSON, so EXPLAIN prints it and
 * the client sends it as is.
 */
export type Scalar = string | number | boolean;

export type DslQuery =
  | { readonly term: Readonly<Record<string, { readonly value: Scalar }>> }
  | { readonly terms: Readonly<Record<string, readonly Scalar[]>> }
  | { readonly range: Readonly<Record<string, RangeBounds>> }
  | { readonly wildcard: Readonly<Record<string, { readonly value: string }>> }
  | {
      readonly regexp: Readonly<
        Record<string, { readonly value: string; readonly flags: 'NONE'; readonly case_insensitive?: true }>
      >;
    }
  | { readonly exists: { readonly field: string } }
  | { readonly bool: BoolQuery }
  | { readonly match_all: Record<string, never> }
  | { readonly match_none: Record<string, never> };

export interface RangeBounds {
  readonly gt?: Scalar;
  readonly gte?: Scalar;
  readonly lt?: Scalar;
  readonly lte?: Scalar;
  readonly format?: string;
}

export interface BoolQuery {
  readonly filter?: readonly DslQuery[];
  readonly should?: readonly DslQuery[];
  readonly must_not?: readonly DslQuery[];
  readonly minimum_should_match?: number;
}

export const term = (field: string, value: Scalar): DslQuery => ({ term: { [field]: { value } } });
export const terms = (field: string, values: readonly Scalar[]): DslQuery => ({ terms: { [field]: values } });
export const range = (field: string, bounds: RangeBounds): DslQuery => ({ range: { [field]: bounds } });
export const wildcard = (field: string, value: string): DslQuery => ({ wildcard: { [field]: { value } } });
export const regexp = (field: string, value: string, caseInsensitive = false): DslQuery => ({
  regexp: {
    [field]: caseInsensitive ? { value, flags: 'NONE', case_insensitive: true } : { value, flags: 'NONE' },
  },
});
export const exists = (field: string): DslQuery => ({ exists: { field } });
export const matchAll = (): DslQuery => ({ match_all: {} });
export const matchNone = (): DslQuery => ({ match_none: {} });

function isMatchAll(q: DslQuery): boolean {
  return 'match_all' in q;
}
function isMatchNone(q: DslQuery): boolean {
  return 'match_none' in q;
}

/** Conjunction, flattened and simplified (match_all dropped, match_none absorbs, repeated clauses once). */
export function and(qs: readonly DslQuery[]): DslQuery {
  const out: DslQuery[] = [];
  const seen = new Set<string>();
  const push = (q: DslQuery): void => {
    const k = JSON.stringify(q);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(q);
    }
  };
  for (const q of qs) {
    if (isMatchAll(q)) continue;
    if (isMatchNone(q)) return matchNone();
    const b = 'bool' in q ? q.bool : undefined;
    if (b && b.filter && !b.should && !b.must_not) b.filter.forEach(push);
    else push(q);
  }
  if (out.length === 0) return matchAll();
  if (out.length === 1) return out[0];
  return { bool: { filter: out } };
}

/** Disjunction, flattened and simplified (match_none dropped, match_all absorbs). */
export function or(qs: readonly DslQuery[]): DslQuery {
  const out: DslQuery[] = [];
  for (const q of qs) {
    if (isMatchNone(q)) continue;
    if (isMatchAll(q)) return matchAll();
    const b = 'bool' in q ? q.bool : undefined;
    if (b && b.should && !b.filter && !b.must_not && b.minimum_should_match === 1) out.push(...b.should);
    else out.push(q);
  }
  if (out.length === 0) return matchNone();
  if (out.length === 1) return out[0];
  return { bool: { should: out, minimum_should_match: 1 } };
}

export function not(q: DslQuery): DslQuery {
  if (isMatchAll(q)) return matchNone();
  if (isMatchNone(q)) return matchAll();
  return { bool: { must_not: [q] } };
}
