/**
 * The SysFlow format: `.sf` (Avro object container) reading and writing, and the entity tables that resolve each
 * event to its process, parent, ancestors, file(s), container and pod.
 */
export {
  readSysFlowFile,
  readSysFlowStream,
  readSysFlowBatches,
  readSysFlowFileBatches,
  decodeBlock,
  branchesOf,
} from './reader.ts';
export { expandInputs, inputName, recordsOf, batchesOf, type SysFlowInput } from './inputs.ts';
export {
  writeSysFlowFile,
  encodeSysFlow,
  encodeRecord,
  SYSFLOW_SCHEMA,
  type WriterOptions,
} from './writer.ts';
export { EntityTables, resolveEvents, readItems, type ReadItem } from './resolver.ts';
export { readContainer, type ContainerBlock, type ContainerHeader } from './container.ts';
export { sysflowLongType, type AvroLong } from './long-type.ts';
