/**
 * SysFlow records as typed plain data — the contract between the `.sf` reader/writer (`format/`), the processor
 * (`processor/`), the policy engine (`policy/`), the exporters (`export/`, `ecs/`) and the collector's lifter.
 *
 * Field names follow the SysFlow Avro schema (sf-apis `avsc/`, schema version 5) so that a record reads like the
 * specification. Every record carries a `kind` naming its type; the set of kinds is closed ({@link SysFlowRecord}).
 *
 * Number representation (fixed, do not change without telling every consumer):
 * - Timestamps (`ts`, `endTs`, `createTS`, Pod `ts`) are nanoseconds since the epoch as `bigint` — they exceed 2^53.
 * - Process ids, thread ids, counters (`numRRecvOps`, bytes, …) and `restartCount` are `number` (they fit exactly).
 * - IPv4 addresses (`sip`, `dip`) are the raw Avro `int` (signed 32-bit) whose LOW byte is the FIRST octet
 *   (`ipv4ToString(0x0100007f) === '127.0.0.1'`). Pod IP lists are raw Avro longs as `number`, same byte order.
 * - File object ids (`FOID`, 20 bytes, SHA-1 of path + container) are lowercase hex strings (40 characters).
 *
 * Records are immutable by convention: consumers never mutate them (the reader shares entity records between events).
 */
export type {
  Container,
  ContainerType,
  EntityRecord,
  File,
  Header,
  K8sAction,
  K8sComponent,
  OID,
  ObjectState,
  Pod,
  Process,
  Service,
} from './entities.ts';
export {
  EVENT_KINDS,
  RECORD_KINDS,
  SF_TYPE,
  isEntityRecord,
  type EventRecord,
  type FileFlow,
  type K8sEvent,
  type NetworkFlow,
  type ProcessEvent,
  type RecordKind,
  type SysFlowRecord,
} from './events.ts';
export {
  FILE_TYPES,
  OP_FLAG_NAMES,
  OpFlag,
  OpenFlag,
  fileTypeChar,
  openFlagNames,
  opFlagNames,
} from './flags.ts';
export type { ResolvedEvent } from './resolved.ts';
export { baseName, bigintReplacer, ipv4FromString, ipv4ToString, oidKey, transportName } from './values.ts';
