/**
 * Capturing a process tree: choosing a driver, starting it, and lifting its raw events into SysFlow records as an
 * async iterable; the caller decides where they go (a `.sf` file through the SysFlow writer, the processor, JSON
 * lines). Drivers: `ebpf` (bpftrace on tracepoints) and `strace` (ptrace; a launched command only).
 */
import { spawnSync } from 'node:child_process';
import { TelemetryError } from '../../errors/index.ts';
import type { SysFlowRecord } from '../sysflow/records/index.ts';
import { ebpfReadiness, startEbpfCapture } from './drivers/ebpf.ts';
import { startStraceCapture } from './drivers/strace.ts';
import { Lifter, type LifterOptions, type LifterStats } from './lifter.ts';
import { snapshotTree } from './proc.ts';
import type { RawEvent } from './raw.ts';

export type DriverName = 'ebpf' | 'strace';

/** Which driver `auto` picks here, and why not the others. */
export function chooseDriver(): { driver: DriverName | null; reasons: string[] } {
  const reasons: string[] = [];
  const ebpf = ebpfReadiness();
  if (ebpf.ok) return { driver: 'ebpf', reasons };
  reasons.push(`ebpf: ${ebpf.problems.join('; ')}`);
  if (spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0) return { driver: 'strace', reasons };
  reasons.push('strace: not installed (apt-get install strace)');
  return { driver: null, reasons };
}

export interface CaptureHandle {
  /** Records in order; ends after `stop()`. */
  records: AsyncIterable<SysFlowRecord>;
  stats(): LifterStats;
  stop(): Promise<void>;
}

export interface TreeCaptureOptions extends Omit<LifterOptions, 'snapshot'> {
  driver: DriverName;
  /** eBPF only: a tree that is already running. */
  rootPid?: number;
  onStderr?: (line: string) => void;
}

/**
 * Captures the process tree rooted at `rootPid` (eBPF). Resolves once the probes are attached, so that the caller can
 * release the workload.
 */
export async function captureTree(options: TreeCaptureOptions & { rootPid: number }): Promise<CaptureHandle> {
  if (options.driver !== 'ebpf') {
    throw new TelemetryError(
      'E_DRIVER',
      `the ${options.driver} driver can only capture a command it launches`,
      {
        hint: 'use --driver ebpf with --pid, or launch the workload with `-- CMD…`',
      },
    );
  }
  const snapshot = snapshotTree(options.rootPid);
  const cap = startEbpfCapture({ rootPid: options.rootPid, onStderr: options.onStderr });
  await cap.ready;
  const lifter = new Lifter({ ...options, snapshot });
  return { records: lift(cap.events, lifter), stats: () => lifter.stats, stop: () => cap.stop() };
}

/** Launches `argv` under the strace driver and captures it until it exits (or `stop()`). */
export function captureCommand(
  argv: string[],
  options: Omit<TreeCaptureOptions, 'driver' | 'rootPid'> & { env?: NodeJS.ProcessEnv },
): CaptureHandle & { pid: Promise<number> } {
  const cap = startStraceCapture(argv, { env: options.env });
  const lifter = new Lifter({ ...options, useProc: options.useProc ?? true });
  return {
    records: lift(cap.events, lifter),
    stats: () => lifter.stats,
    stop: () => cap.stop(),
    pid: cap.pid,
  };
}

/** Lifts a raw event stream (any driver) into SysFlow records; open flows are written when the stream ends. */
export async function* lift(events: AsyncIterable<RawEvent>, lifter: Lifter): AsyncGenerator<SysFlowRecord> {
  let last = 0n;
  for await (const ev of events) {
    last = ev.ts;
    for (const r of lifter.push(ev)) yield r;
  }
  for (const r of lifter.finish(last || BigInt(Date.now()) * 1_000_000n)) yield r;
}
