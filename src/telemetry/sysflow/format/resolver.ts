/**
 * Entity tables: the containers, processes, files and pods a SysFlow stream has described so far, and the
 * resolution of each event/flow record against them into a {@link ResolvedEvent}. One table per stream of files
 * read in order (entities carry over from one file of a series to the next, as in sf-processor's cache).
 */
import {
  isEntityRecord,
  type Container,
  type EntityRecord,
  type EventRecord,
  type File,
  type Header,
  type OID,
  type Pod,
  type Process,
  type ResolvedEvent,
  type SysFlowRecord,
} from '../records/index.ts';

const MAX_ANCESTORS = 64;
const NO_ANCESTORS: readonly Process[] = Object.freeze([]);

export class EntityTables {
  header: Header | undefined;
  readonly containers = new Map<string, Container>();
  /** hpid → createTS → process (two-level so no key string is built per event). */
  readonly processes = new Map<number, Map<bigint, Process>>();
  readonly files = new Map<string, File>();
  readonly pods = new Map<string, Pod>();
  private ancestorCache = new Map<Process, readonly Process[]>();

  /** Records an entity (a later version of an entity replaces the earlier one). */
  add(r: EntityRecord): void {
    switch (r.kind) {
      case 'Header':
        this.header = r;
        return;
      case 'Container':
        this.containers.set(r.id, r);
        return;
      case 'Process': {
        let byTs = this.processes.get(r.oid.hpid);
        if (!byTs) this.processes.set(r.oid.hpid, (byTs = new Map()));
        byTs.set(r.oid.createTS, r);
        if (this.ancestorCache.size > 0) this.ancestorCache = new Map();
        return;
      }
      case 'File':
        this.files.set(r.oid, r);
        return;
      case 'Pod':
        this.pods.set(r.id, r);
        return;
    }
  }

  process(oid: OID | null | undefined): Process | undefined {
    return oid ? this.processes.get(oid.hpid)?.get(oid.createTS) : undefined;
  }

  /** Parent first, oldest last; stops at an unknown parent, a cycle or 64 levels. */
  ancestors(p: Process | undefined): readonly Process[] {
    if (!p || !p.poid) return NO_ANCESTORS;
    const hit = this.ancestorCache.get(p);
    if (hit) return hit;
    const out: Process[] = [];
    const seen = new Set<Process>([p]);
    let cur = this.process(p.poid);
    while (cur && !seen.has(cur) && out.length < MAX_ANCESTORS) {
      out.push(cur);
      seen.add(cur);
      cur = this.process(cur.poid);
    }
    const frozen = Object.freeze(out);
    this.ancestorCache.set(p, frozen);
    return frozen;
  }

  /** Resolves an event/flow record against the tables as they stand. */
  resolve(record: EventRecord, source: string): ResolvedEvent {
    let process: Process | undefined;
    let file: File | undefined;
    let newFile: File | undefined;
    if (record.kind !== 'K8sEvent') process = this.process(record.procOID);
    if (record.kind === 'FileFlow' || record.kind === 'FileEvent') file = this.files.get(record.fileOID);
    if (record.kind === 'FileEvent' && record.newFileOID !== null)
      newFile = this.files.get(record.newFileOID);
    const ancestors = this.ancestors(process);
    const containerId = process ? process.containerId : file?.containerId;
    const container = containerId ? this.containers.get(containerId) : undefined;
    const pod = container?.podId ? this.pods.get(container.podId) : undefined;
    return {
      record,
      process,
      parent: ancestors[0],
      ancestors,
      file,
      newFile,
      container,
      pod,
      header: this.header,
      source,
    };
  }
}

/** Events of a record stream, each resolved; entity records update the tables and are not yielded. */
export async function* resolveEvents(
  records: AsyncIterable<SysFlowRecord>,
  source: string,
  tables: EntityTables = new EntityTables(),
): AsyncGenerator<ResolvedEvent> {
  for await (const item of readItems(records, source, tables)) if (item.event) yield item.event;
}

/** A record of a stream with, for events, its resolution — what `sysflow read` prints. */
export type ReadItem =
  | { readonly record: EntityRecord; readonly event?: undefined }
  | { readonly record: EventRecord; readonly event: ResolvedEvent };

/** Every record of a stream (entities too), events resolved. */
export async function* readItems(
  records: AsyncIterable<SysFlowRecord>,
  source: string,
  tables: EntityTables = new EntityTables(),
): AsyncGenerator<ReadItem> {
  for await (const r of records) {
    if (isEntityRecord(r)) {
      tables.add(r);
      yield { record: r };
    } else yield { record: r, event: tables.resolve(r, source) };
  }
}
