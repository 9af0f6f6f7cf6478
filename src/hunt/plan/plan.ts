/**
 * The planner: for each statement that reads data, what is pushed to the data source (the STIX pattern with its
 * time range and the record limit) and what is evaluated on the hunt cache (centered selection of the asked entity
 * type, local time filter, LIMIT in records, relations followed through cached references). Plans are plain data;
 * {@link explainLines} renders one, including each source's native query value (`QueryExplainer.explain`).
 */
import type { QueryExplainer, SourceQuery } from './source-query.ts';
import type { ObservationExpr, Pattern } from '../../stix/ast.ts';
import { printPattern } from '../../stix/printer.ts';
import { dispatch, type ObservationVisitor } from '../../stix/visitor.ts';
import { abbreviateArrays, abbreviateLists, SHOWN_VALUES } from './abbreviate.ts';

export interface TimeWindow {
  readonly start: string;
  readonly stop: string;
  /** Where the window came from: `START/STOP`, `LAST`, or `inferred from procs ±5 min`. */
  readonly origin: string;
}

/** GET from a data source: push the pattern, then select centered records of the new batch locally. */
export interface SourcePlan {
  readonly kind: 'SourcePlan';
  readonly uri: string;
  readonly query: SourceQuery;
  readonly local: LocalPlan;
}

/** Evaluation on the cache (GET FROM a variable, filters, FIND's WHERE). */
export interface LocalPlan {
  readonly kind: 'LocalPlan';
  readonly entityType: string;
  readonly pattern: Pattern | null;
  /** `centered`: only comparisons on the entity type narrow (the source matched the rest). */
  readonly mode: 'centered' | 'full';
  readonly time?: TimeWindow;
  readonly limit?: number;
  readonly notes: readonly string[];
}

/** FIND: follow references in the cache, then filter locally. */
export interface FindPlan {
  readonly kind: 'FindPlan';
  readonly refs: readonly string[];
  readonly local: LocalPlan;
}

export type Plan = SourcePlan | LocalPlan | FindPlan;

/** Which kinds that span several observations a pattern uses (the cache evaluates one record at a time). */
function multiObservationKinds(e: ObservationExpr, found: Set<'WITHIN/REPEATS' | 'FOLLOWEDBY'>): void {
  const table: ObservationVisitor<void> = {
    Observation: () => undefined,
    ObservationBinary: (b) => {
      if (b.op === 'FOLLOWEDBY') found.add('FOLLOWEDBY');
      multiObservationKinds(b.left, found);
      multiObservationKinds(b.right, found);
    },
    Qualified: (q) => {
      if (q.qualifier.kind !== 'StartStop') found.add('WITHIN/REPEATS');
      multiObservationKinds(q.expr, found);
    },
  };
  dispatch<ObservationExpr, void>(table, e);
}

function localNotes(pattern: Pattern | null): string[] {
  if (!pattern) return [];
  const found = new Set<'WITHIN/REPEATS' | 'FOLLOWEDBY'>();
  multiObservationKinds(pattern.expr, found);
  const notes: string[] = [];
  if (found.has('WITHIN/REPEATS'))
    notes.push('WITHIN/REPEATS qualifiers are evaluated by data sources only; ignored on the cache');
  if (found.has('FOLLOWEDBY')) notes.push('FOLLOWEDBY is evaluated as AND on the cache');
  return notes;
}

export function planGetFromSource(
  uri: string,
  entityType: string,
  pattern: Pattern | null,
  time: TimeWindow | undefined,
  limit: number | undefined,
): SourcePlan {
  const query: SourceQuery = {
    entityType,
    pattern,
    ...(time ? { timeRange: { start: time.start, stop: time.stop } } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
  return {
    kind: 'SourcePlan',
    uri,
    query,
    local: {
      kind: 'LocalPlan',
      entityType,
      pattern,
      mode: 'centered',
      ...(time ? { time } : {}),
      ...(limit !== undefined ? { limit } : {}),
      notes: [],
    },
  };
}

export function planLocal(
  entityType: string,
  pattern: Pattern | null,
  time: TimeWindow | undefined,
  limit: number | undefined,
): LocalPlan {
  return {
    kind: 'LocalPlan',
    entityType,
    pattern,
    mode: 'full',
    ...(time ? { time } : {}),
    ...(limit !== undefined ? { limit } : {}),
    notes: localNotes(pattern),
  };
}

function localLines(p: LocalPlan, indent: string): string[] {
  const out = [
    `${indent}on the cache (${p.mode === 'centered' ? 'select matched ' + p.entityType + ' objects' : 'evaluate locally'}):`,
  ];
  out.push(`${indent}  type: ${p.entityType}`);
  if (p.pattern) {
    const { pattern, cut } = abbreviateLists(p.pattern);
    out.push(`${indent}  where: ${printPattern(pattern)}`);
    for (const n of cut) out.push(`${indent}  (a list of ${n} values, shown by its first ${SHOWN_VALUES})`);
  }
  if (p.time)
    out.push(`${indent}  time: first_observed in [${p.time.start}, ${p.time.stop}) (${p.time.origin})`);
  if (p.limit !== undefined) out.push(`${indent}  limit: ${p.limit} records`);
  for (const n of p.notes) out.push(`${indent}  note: ${n}`);
  return out;
}

/** Human-readable plan lines; `source` adds the source's native query value. */
export function explainLines(plan: Plan, source?: QueryExplainer): string[] {
  switch (plan.kind) {
    case 'SourcePlan': {
      const out = [`pushed to ${plan.uri}${source ? ` (connector ${source.connector})` : ''}:`];
      if (plan.query.pattern) {
        const { pattern, cut } = abbreviateLists(plan.query.pattern);
        out.push(`  pattern: ${printPattern(pattern)}`);
        for (const n of cut) out.push(`  (a list of ${n} values, shown by its first ${SHOWN_VALUES})`);
      } else out.push(`  pattern: (every ${plan.query.entityType})`);
      if (plan.query.timeRange)
        out.push(`  time range: [${plan.query.timeRange.start}, ${plan.query.timeRange.stop})`);
      if (plan.query.limit !== undefined) out.push(`  limit: ${plan.query.limit} records`);
      if (source) {
        let native: unknown;
        try {
          native = source.explain(plan.query);
        } catch (e) {
          native = `(cannot explain: ${(e as Error).message})`;
        }
        const text = typeof native === 'string' ? native : JSON.stringify(native, abbreviateArrays, 2);
        out.push('  native query:');
        for (const l of (text ?? '').split('\n')) out.push(`    ${l}`);
      }
      out.push(...localLines(plan.local, ''));
      return out;
    }
    case 'LocalPlan':
      return localLines(plan, '');
    case 'FindPlan':
      return [
        `on the cache: follow ${plan.refs.join(', ') || '(no references)'} from the input's entities`,
        ...localLines(plan.local, ''),
      ];
  }
}
