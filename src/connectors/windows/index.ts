/**
 * Windows events as hunt data: readers for the shapes Windows events come in (OTRF Security-Datasets JSON lines,
 * `Event.System`/`Event.EventData` JSON, Event XML, winlogbeat/Elastic Agent ECS documents; plain or zipped, from
 * files or http(s), streamed), each event made a flat record (`event.ts`).
 */
export {
  SYSTEM_FIELDS,
  eventIdOf,
  fromEventJson,
  fromFlat,
  isEventJson,
  isFlatEvent,
  windowsTime,
  type WindowsEvent,
} from './event.ts';
export { parseEventXml, XmlError } from './xml.ts';
export { JsonValueSplitter, type JsonValue } from './json-values.ts';
export { classify, fromWinlogbeat, isEcsDocument, type EventRecord } from './records.ts';
export {
  entryName,
  entryRecordBatches,
  evtxUnsupported,
  malformed,
  readEventRecords,
  readWindowsEvents,
  type ReadOptions,
} from './reader.ts';
export {
  WINDOWS_ECS_MAP_PATH,
  compileWindowsEcs,
  parseWindowsEcsMap,
  splitCommandLine,
  windowsEcsMap,
  windowsToEcs,
  type Conversion,
  type WindowsEcsMap,
} from './ecs/index.ts';
export { eventObservationBatches, type ObservationReadOptions } from './observations.ts';
