/**
 * Following references between cached records (FIND). Relations hold at entity level: a reference from or to any
 * record of an input entity counts, so the input is the set of its records' entity keys (`eid`).
 */
import type { HuntCache } from './cache.ts';
import { fromSql, recordsFrom } from './records.ts';

/** One step along references: their names, and which side holds them. */
export interface ReferenceHop {
  /** Reference names, e.g. `parent_ref`, `opened_connection_refs`. */
  readonly refs: readonly string[];
  /** `result`: the found record references an input entity's record; `input`: an input record references it. */
  readonly holder: 'result' | 'input';
}

/** Which records are related to a records variable's entities. */
export interface RelatedSelection {
  /** The records variable whose entities are the input. */
  readonly input: number;
  /** Records of this STIX type only. */
  readonly entityType: string;
  readonly hops: readonly ReferenceHop[];
  /** Also every record seen in the same observation as an input entity (Kestrel 1.x's LINKED). */
  readonly sameObservation: boolean;
}

/** Fills records variable `into` with the related records, each once, in record order. Nothing to follow: empty. */
export async function selectRelated(
  cache: HuntCache,
  into: number,
  s: RelatedSelection,
  signal?: AbortSignal,
): Promise<void> {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const hop of s.hops) {
    if (!hop.refs.length) continue;
    const marks = hop.refs.map(() => '?').join(', ');
    parts.push(
      hop.holder === 'result'
        ? `SELECT e.src AS rid FROM edge e JOIN rec t ON t.rid = e.dst WHERE e.ref IN (${marks}) AND t.eid IN (SELECT eid FROM inp)`
        : `SELECT e.dst AS rid FROM edge e JOIN rec t ON t.rid = e.src WHERE e.ref IN (${marks}) AND t.eid IN (SELECT eid FROM inp)`,
    );
    params.push(...hop.refs);
  }
  if (s.sameObservation)
    parts.push(
      `SELECT x.rid FROM rec x WHERE x.oid IN (SELECT t.oid FROM rec t WHERE t.eid IN (SELECT eid FROM inp))`,
    );
  if (!parts.length) return;
  await cache.run(
    `INSERT INTO member WITH inp AS (SELECT DISTINCT r.eid FROM ${fromSql(recordsFrom({ kind: 'variable', vid: s.input }))})
       SELECT ${Math.trunc(into)}, x.rid, row_number() OVER (ORDER BY x.rid) FROM (SELECT DISTINCT l.rid FROM (${parts.join(' UNION ALL ')}) l
         JOIN rec rr ON rr.rid = l.rid WHERE rr.type = ?) x`,
    [s.input, ...params, s.entityType],
    signal,
  );
}
