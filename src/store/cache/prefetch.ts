/**
 * The cache's half of Kestrel's prefetch: after a source returned every record of a variable's entities (one ingest
 * batch), which of the batch's records join the variable. Temp tables `pf_*` and `renum` are this module's own:
 * created and dropped within one call.
 */
import type { HuntCache } from './cache.ts';
import { fromSql, recordsFrom, type RecordsFrom } from './records.ts';
import type { RecordPredicate } from './schema.ts';

/** How a fetched record is recognised as one of the variable's entities. */
export type FetchedSameness =
  /** The same entity key (`eid`): a file is its hash, else its name in its directory, … */
  | { readonly kind: 'entity' }
  /** The same value of a top-level attribute (`value`, `name`, …). */
  | { readonly kind: 'value'; readonly attr: string }
  /**
   * Processes as Kestrel 1.x identifies them: the same `x_unique_id`, kept as is; or the same `pid`, then only the
   * records that pass {@link SAME_PROCESS} against a found record ("anchors") and those that pass it against an
   * anchor — all of them when none passes. `where` (a compiled centered WHERE on processes) filters first.
   */
  | { readonly kind: 'process'; readonly attr: 'x_unique_id' | 'pid'; readonly where: RecordPredicate };

export interface FetchedRecords {
  /** The ingest batch the prefetch query delivered. */
  readonly batch: number;
  readonly entityType: string;
  readonly same: FetchedSameness;
  /**
   * `false`: the matched records follow the variable's own (in record order). `true`: the variable becomes the
   * matched records (Kestrel's LIMIT on the prefetch; process identification), its own ones keeping their order.
   */
  readonly replace: boolean;
}

/** Merges the fetched records of `f` that are the same entities as records variable `vid`'s into it. */
export async function mergeFetched(
  cache: HuntCache,
  vid: number,
  f: FetchedRecords,
  signal?: AbortSignal,
): Promise<void> {
  const batch = recordsFrom({ kind: 'batch', batch: f.batch });
  if (f.same.kind === 'process') await processHits(cache, vid, batch, f.same, signal);
  else {
    const same =
      f.same.kind === 'entity'
        ? `r.eid IN (SELECT DISTINCT r2.eid FROM member m2 JOIN rec r2 ON r2.rid = m2.rid WHERE m2.vid = ?)`
        : `json_extract_string(r.attrs, ?) IN (SELECT json_extract_string(r2.attrs, ?) FROM member m2 JOIN rec r2 ON r2.rid = m2.rid WHERE m2.vid = ?)`;
    const path = f.same.kind === 'value' ? [`$.${f.same.attr}`, `$.${f.same.attr}`] : [];
    await cache.run(
      `CREATE OR REPLACE TEMP TABLE pf_hit AS SELECT r.rid FROM ${fromSql(batch)} AND r.type = ? AND ${same}`,
      [...batch.parameters, f.entityType, ...path, vid],
      signal,
    );
  }
  await mergeHits(cache, vid, f.replace, signal);
}

/**
 * Puts the records of temp table `pf_hit` into `vid`: after its current records (union), or instead of them
 * (`replace`). The found records keep their order; the others follow by rid.
 */
async function mergeHits(
  cache: HuntCache,
  vid: number,
  replace: boolean,
  signal?: AbortSignal,
): Promise<void> {
  const v = Math.trunc(vid);
  await cache.run(
    `CREATE OR REPLACE TEMP TABLE renum AS
     SELECT rid, row_number() OVER (ORDER BY grp, ord) AS ord FROM (
       SELECT m.rid, 0 AS grp, m.ord FROM member m WHERE m.vid = ${v}
         ${replace ? 'AND m.rid IN (SELECT rid FROM pf_hit)' : ''}
       UNION ALL
       SELECT h.rid, 1 AS grp, h.rid AS ord FROM (SELECT DISTINCT rid FROM pf_hit) h
         WHERE h.rid NOT IN (SELECT rid FROM member WHERE vid = ${v}))`,
    [],
    signal,
  );
  await cache.run(`DELETE FROM member WHERE vid = ?`, [vid], signal);
  await cache.run(`INSERT INTO member SELECT ?, rid, ord FROM renum`, [vid], signal);
  await cache.run(`DROP TABLE renum`);
  await cache.run(`DROP TABLE pf_hit`);
}

/** One process record as Kestrel's process identification sees it: pid, name, parent pid, time span. */
function processRowsSql(from: RecordsFrom): string {
  return `SELECT r.rid, json_extract_string(r.attrs, '$.pid') AS pid, json_extract_string(r.attrs, '$.name') AS name,
      json_extract_string(p.attrs, '$.pid') AS ppid, o.first_observed AS st, coalesce(o.last_observed, o.first_observed) AS ed
    FROM ${fromSql(from, ` LEFT JOIN edge e ON e.src = r.rid AND e.ref = 'parent_ref' LEFT JOIN rec p ON p.rid = e.dst`)}
      AND r.type = 'process'`;
}

/**
 * Kestrel 1.x's test that a prefetched process record `f` is the same process as a known record `k` with the same
 * pid (`relations.py` `_identical_process_check` with the default `process_identification` offsets): same name and
 * parent pid starting within a day of `k`'s time span, same name or same parent pid within an hour, or any record
 * starting or ending within 5 seconds of it (a Linux fork+exec changes the name).
 */
const SAME_PROCESS = `(
  (coalesce(f.name, '') <> '' AND coalesce(f.ppid, '0') NOT IN ('0', '') AND f.name = k.name AND f.ppid = k.ppid
    AND f.st > k.st - INTERVAL 1 DAY AND f.st < k.ed + INTERVAL 1 DAY)
  OR (coalesce(f.name, '') <> '' AND f.name = k.name AND f.st > k.st - INTERVAL 1 HOUR AND f.st < k.ed + INTERVAL 1 HOUR)
  OR (coalesce(f.ppid, '0') NOT IN ('0', '') AND f.ppid = k.ppid AND f.st > k.st - INTERVAL 1 HOUR AND f.st < k.ed + INTERVAL 1 HOUR)
  OR (f.st > k.st - INTERVAL 5 SECOND AND f.st < k.ed + INTERVAL 5 SECOND)
  OR (f.ed > k.st - INTERVAL 5 SECOND AND f.ed < k.ed + INTERVAL 5 SECOND))`;

/** Fills temp table `pf_hit` with the fetched process records that are the variable's processes. */
async function processHits(
  cache: HuntCache,
  vid: number,
  batch: RecordsFrom,
  same: Extract<FetchedSameness, { kind: 'process' }>,
  signal?: AbortSignal,
): Promise<void> {
  const { attr, where } = same;
  await cache.run(
    `CREATE OR REPLACE TEMP TABLE pf_fil AS ${processRowsSql(batch)}
       AND json_extract_string(r.attrs, ?) IN (SELECT json_extract_string(r2.attrs, ?) FROM member m2 JOIN rec r2 ON r2.rid = m2.rid WHERE m2.vid = ?)
       AND ${where.sql}`,
    [...batch.parameters, `$.${attr}`, `$.${attr}`, vid, ...where.parameters],
    signal,
  );
  if (attr === 'pid') {
    const own = recordsFrom({ kind: 'variable', vid });
    await cache.run(`CREATE OR REPLACE TEMP TABLE pf_ref AS ${processRowsSql(own)}`, own.parameters, signal);
    const pass = (known: string): string =>
      `SELECT f.* FROM pf_fil f WHERE coalesce(f.pid, '0') NOT IN ('0', '') AND EXISTS (SELECT 1 FROM ${known} k WHERE k.pid = f.pid AND ${SAME_PROCESS})`;
    await cache.run(`CREATE OR REPLACE TEMP TABLE pf_anchor AS ${pass('pf_ref')}`, [], signal);
    await cache.run(
      `CREATE OR REPLACE TEMP TABLE pf_hit AS SELECT rid FROM (${pass('pf_anchor')})`,
      [],
      signal,
    );
    const kept = await cache.all(`SELECT count(*) AS n FROM pf_hit`);
    if (Number(kept[0]?.n ?? 0) === 0) await cache.run(`INSERT INTO pf_hit SELECT rid FROM pf_fil`);
    await cache.run(`DROP TABLE pf_ref`);
    await cache.run(`DROP TABLE pf_anchor`);
  } else {
    await cache.run(`CREATE OR REPLACE TEMP TABLE pf_hit AS SELECT rid FROM pf_fil`);
  }
  await cache.run(`DROP TABLE pf_fil`);
}
