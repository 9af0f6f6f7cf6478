/**
 * The SysFlow collector: watches a process tree with a capture driver (`drivers/`) and lifts the system calls it sees
 * into SysFlow records (`lifter.ts`); `capture.ts` starts a capture and yields the records as an async iterable.
 */
export {
  captureCommand,
  captureTree,
  chooseDriver,
  lift,
  type CaptureHandle,
  type DriverName,
} from './capture.ts';
export { ebpfReadiness, startEbpfCapture } from './drivers/ebpf.ts';
export { straceArgv, straceFifo } from './drivers/strace.ts';
export { Lifter, type LifterStats } from './lifter.ts';
