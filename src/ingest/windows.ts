/**
 * `peregrine ingest` of Windows events files (OTRF JSON lines, Event.System/EventData JSON, Event XML in syslog
 * rows, winlogbeat documents; plain or zipped): each event becomes its ECS document through the Windows → ECS map
 * (winlogbeat documents are ECS already), and every event is counted by source, event id and whether the map
 * describes it — the summary lists the counts, so an event the map does not describe is seen, not silently
 * flattened (its fields are kept under `winlog.event_data`).
 */
import { isPeregrineError } from '../errors/index.ts';
import { readEventRecords, windowsToEcs } from '../connectors/windows/index.ts';
import type { IngestRecord } from './formats.ts';

/** Events of one kind seen by an ingest. */
export interface EventCount {
  /** `sysmon`, `security`, `powershell`, `ecs` (a document already in ECS), or the event's provider. */
  readonly source: string;
  readonly id: number | string;
  readonly count: number;
  /** Whether the Windows → ECS map has an entry for it (ECS documents: true). */
  readonly described: boolean;
}

/** Counts of events, by source and id, kept while records are read. */
export class EventCounts {
  private readonly m = new Map<
    string,
    { source: string; id: number | string; count: number; described: boolean }
  >();

  add(source: string, id: number | string, described: boolean): void {
    const k = `${source}\0${id}`;
    const c = this.m.get(k);
    if (c) c.count++;
    else this.m.set(k, { source, id, count: 1, described });
  }

  /** The counts, most frequent first. */
  list(): EventCount[] {
    return [...this.m.values()].sort(
      (a, b) =>
        b.count - a.count || a.source.localeCompare(b.source) || String(a.id).localeCompare(String(b.id)),
    );
  }
}

/** The ECS documents of a Windows events file; `counts` is told of every event. */
export async function* windowsRecords(path: string, counts: EventCounts): AsyncGenerator<IngestRecord> {
  let last = 0;
  try {
    for await (const r of readEventRecords(path)) {
      last = r.line;
      const where =
        r.source === path
          ? { line: r.line }
          : { line: r.line, id: `${r.source.slice(path.length + 1)}:${r.line}` };
      if (r.kind === 'rejected') {
        yield { ...where, reject: r.reason };
        continue;
      }
      if (r.kind === 'ecs') {
        const w = r.doc.winlog as Record<string, unknown> | undefined;
        const ev = r.doc.event as Record<string, unknown> | undefined;
        counts.add('ecs', String(w?.event_id ?? ev?.code ?? '-'), true);
        yield { ...where, source: JSON.stringify(r.doc) };
        continue;
      }
      const c = windowsToEcs(r.event);
      counts.add(
        c.module ?? String(r.event.Provider ?? r.event.Channel ?? 'unknown provider'),
        r.event.EventID,
        c.described,
      );
      yield { ...where, source: JSON.stringify(c.doc) };
    }
  } catch (e) {
    // a file whose values cannot be cut any more ends with one rejection saying where; what came before is kept
    if (!isPeregrineError(e)) throw e;
    yield {
      line: e.span?.line ?? last + 1,
      reject: `${e.message}${e.span ? ` (at ${e.span.line}:${e.span.col})` : ''}`,
    };
  }
}

/** The summary lines of the counts: what was described by the map, and what was only kept. */
export function formatEventCounts(counts: readonly EventCount[]): string[] {
  if (counts.length === 0) return [];
  const fmt = (cs: readonly EventCount[]) => cs.map((c) => `${c.source} ${c.id} ×${c.count}`).join(', ');
  const described = counts.filter((c) => c.described);
  const kept = counts.filter((c) => !c.described);
  const total = (cs: readonly EventCount[]) => cs.reduce((n, c) => n + c.count, 0);
  const lines: string[] = [];
  if (described.length) lines.push(`events mapped to ECS (${total(described)}): ${fmt(described)}`);
  if (kept.length)
    lines.push(
      `events with no ECS mapping, fields kept under winlog.event_data (${total(kept)}): ${fmt(kept)}`,
    );
  return lines;
}
