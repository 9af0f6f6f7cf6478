/** The resolved event: an event record with the entities it refers to — what the policy engine and exporters consume. */
import type { Container, File, Header, Pod, Process } from './entities.ts';
import type { EventRecord } from './events.ts';

/**
 * An event or flow record together with the entities it refers to, resolved by the reader from the entity records
 * seen so far in the stream (processes by OID, files by FOID, containers by id, pods by id).
 *
 * How `sf.*` attributes read from it (sf-processor semantics):
 * - `sf.type` = `SF_TYPE[record.kind]`; `sf.opflags` = `opFlagNames(record.opFlags)`; `sf.ts` = `record.ts`;
 *   `sf.endts` = `record.endTs` (flows; else 0); `sf.ret` = `record.ret` (events; else 0).
 * - `sf.proc.*` from `process` (pid = `record.procOID.hpid`, tid = `record.tid`, name = baseName(exe),
 *   cmdline = exe + ' ' + exeArgs, createts = oid.createTS); `sf.pproc.*` from `parent`.
 * - `sf.proc.aname` / `sf.proc.apid` / `sf.proc.aexe` … from `ancestors` (parent first, root last).
 * - `sf.file.*` from `file` (FF, FE); `sf.file.newpath` from `newFile` (FE with a target); `sf.file.fd` and
 *   `sf.file.openflags` from the FileFlow record.
 * - `sf.net.*` and `sf.flow.*` from the NetworkFlow / NetworkEvent / FileFlow record itself.
 * - `sf.container.*` from `container` (of the process; for a file-only record, of the file);
 *   `sf.pod.*` from `pod` (the container's pod); `sf.ke.*` from a K8sEvent record.
 * - `sf.node.id` / `sf.node.ip` / `sf.schema.version` from `header`.
 * Any of the entities may be missing (undefined) when the trace never described it — e.g. events of processes
 * that started before a file split; attributes then read as their zero value ("" / 0 / false).
 */
export interface ResolvedEvent {
  readonly record: EventRecord;
  /** The process the record's `procOID` names (undefined for K8sEvent or an unknown process). */
  readonly process: Process | undefined;
  /** The process's parent (by `poid`). */
  readonly parent: Process | undefined;
  /** The parent, grandparent, … up to the oldest known ancestor. Empty when there is no known parent. */
  readonly ancestors: readonly Process[];
  /** FileFlow / FileEvent: the file `fileOID` names. */
  readonly file: File | undefined;
  /** FileEvent with a `newFileOID` (rename, link, symlink): the target. */
  readonly newFile: File | undefined;
  /** The container of the process (or of the file when there is no process); undefined on the host. */
  readonly container: Container | undefined;
  /** The pod of the container. */
  readonly pod: Pod | undefined;
  /** The header of the trace the record came from. */
  readonly header: Header | undefined;
  /** Where it came from: file path (or "-" for stdin, or a stream name) — informational. */
  readonly source: string;
}
