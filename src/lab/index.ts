/**
 * The mini-stack: one command that starts the attack workload, watches it, tags it, stores it and hunts it.
 *
 *   workload (container1) ─ capture (eBPF › strace › recorded replay) ─ lifter ─ SysFlow records
 *     ─ processor (ttps.yaml, enrich) ─ ECS ─ embedded store (or OpenSearch) ─ stixshifter://container1 ─ huntflows
 *
 * The capture of this small scenario (a few hundred records) is buffered in memory so that it can also be saved as a
 * `.sf` file (`saveCapture`); everything downstream streams.
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProfileResolver } from '../connectors/index.ts';
import { resolveStixShifterProfile } from '../connectors/profiles/index.ts';
import { TelemetryError } from '../errors/index.ts';
import {
  captureTree,
  chooseDriver,
  lift,
  Lifter,
  straceArgv,
  straceFifo,
  type DriverName,
  type LifterStats,
} from '../telemetry/collector/index.ts';
import { readSysFlowFile, writeSysFlowFile } from '../telemetry/sysflow/format/index.ts';
import type { SysFlowRecord } from '../telemetry/sysflow/records/index.ts';
import { startWorkload, type Workload } from './workload.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The recorded capture of the same scenario, replayed when no live driver works here. */
export const RECORDED_CAPTURE = join(REPO_ROOT, 'data', 'lab', 'container1.sf');
export const TTP_POLICY = join(REPO_ROOT, 'data', 'policies', 'ttps.yaml');
export const INDEX_PREFIX = 'container1-sysflow';
const CONTAINER = { id: 'container1', name: 'container1', image: 'peregrine/container1-demo:latest' };

export type CaptureMode = DriverName | 'replay';

export interface StackOptions {
  /** Capture driver; `auto` tries eBPF, then strace, then the recorded capture. */
  driver?: CaptureMode | 'auto';
  /** Embedded store file (default: the stack's own file under the user's data directory). */
  store?: string;
  /** Export into OpenSearch/Elasticsearch at this URL instead of the embedded store. */
  elasticUrl?: string;
  /** Also write the capture as a `.sf` file. */
  saveCapture?: string;
  /** Progress lines (default: standard error). */
  log?: (line: string) => void;
  /** Also name the file that keeps the capture driver's own messages (bpftrace's compiler warnings). */
  verbose?: boolean;
}

export interface StackResult {
  mode: CaptureMode;
  /** Why live capture was not used (empty when it was). */
  fallbackReasons: string[];
  records: number;
  lifter?: LifterStats;
  window: { start: string; stop: string };
  store?: string;
  alerts: number;
  events: number;
  /** The environment that defines `stixshifter://container1`. */
  profileEnv: Record<string, string>;
  /** Profiles for a hunt session over the stack: `container1` from {@link profileEnv}, other names as usual. */
  profiles: ProfileResolver;
}

/** Where the stack keeps its state: the store and a state file `stack down` reads. */
export function stackDir(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'peregrine', 'stack');
}

function stateFile(): string {
  return join(stackDir(), 'state.json');
}

async function collectArray(it: AsyncIterable<SysFlowRecord>): Promise<SysFlowRecord[]> {
  const out: SysFlowRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

/** Runs the scenario against the workload: a benign request, then the trigger. */
async function playScenario(w: Workload, log: (l: string) => void): Promise<void> {
  await w.browse();
  log(
    `workload: container1 on 127.0.0.1:${w.appPort}${w.isolated ? ' (own pid/uts/mount namespaces)' : ''}; sending the trigger request`,
  );
  const r = await w.attack();
  if (r.status !== 200)
    throw new TelemetryError('E_WORKLOAD', `the attack request failed with HTTP ${r.status}`);
  // let the last exits and flows reach the capture
  await new Promise((res) => setTimeout(res, 400));
}

/**
 * Where the capture driver's own messages go (bpftrace's compiler warnings are no news to a demo's reader): beside
 * the store the user named, else in the stack's directory.
 */
export function captureLogFile(store?: string): string {
  return join(store ? dirname(store) : stackDir(), 'capture.log');
}

async function captureLive(
  mode: DriverName,
  log: (l: string) => void,
  logFile: string,
  verbose = false,
): Promise<{ records: SysFlowRecord[]; stats: LifterStats }> {
  if (mode === 'ebpf') {
    mkdirSync(dirname(logFile), { recursive: true });
    writeFileSync(logFile, '');
    if (verbose) log(`capture: bpftrace's messages are kept in ${logFile}`);
    const dir = mkdtempSync(join(tmpdir(), 'peregrine-stack-'));
    const gate = join(dir, 'gate');
    spawnSync('mkfifo', [gate]);
    let cap: Awaited<ReturnType<typeof captureTree>> | undefined;
    let recordsP: Promise<SysFlowRecord[]> | undefined;
    let w: Workload | undefined;
    try {
      w = await startWorkload({
        wrap: (argv) => ['sh', '-c', 'read -r _ 0<> "$0"; exec "$@"', gate, ...argv],
        onSpawn: async (pid) => {
          log('capture: attaching eBPF probes (bpftrace)…');
          cap = await captureTree({
            driver: 'ebpf',
            rootPid: pid,
            container: CONTAINER,
            onStderr: (l) => appendFileSync(logFile, l + '\n'),
          });
          recordsP = collectArray(cap.records);
          writeFileSync(gate, 'go\n');
        },
      });
      await playScenario(w, log);
    } finally {
      await w?.stop();
      await cap?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return { records: await recordsP!, stats: cap!.stats() };
  }
  const fifo = straceFifo();
  const lifter = new Lifter({ container: CONTAINER });
  const recordsP = collectArray(lift(fifo.events, lifter));
  let w: Workload | undefined;
  try {
    log('capture: tracing with strace (ptrace)…');
    w = await startWorkload({ wrap: (argv) => straceArgv(fifo.path, argv) });
    await playScenario(w, log);
  } finally {
    await w?.stop();
  }
  const records = await recordsP;
  fifo.cleanup();
  return { records, stats: lifter.stats };
}

/** Reads the recorded capture and shifts every timestamp so that it ends now. */
export async function replayRecorded(path = RECORDED_CAPTURE): Promise<SysFlowRecord[]> {
  if (!existsSync(path)) {
    throw new TelemetryError('E_NO_CAPTURE', `the recorded capture ${path} is missing`, {
      hint: 'reinstall Peregrine, or run with a live driver',
    });
  }
  const records = await collectArray(readSysFlowFile(path));
  let max = 0n;
  for (const r of records) {
    const t = (r as { endTs?: bigint }).endTs ?? (r as { ts?: bigint }).ts;
    if (typeof t === 'bigint' && t > max) max = t;
  }
  const delta = BigInt(Date.now()) * 1_000_000n - max;
  const shift = (v: unknown) => (typeof v === 'bigint' && v > 0n ? v + delta : v);
  return records.map((r) => {
    const o: Record<string, unknown> = { ...r };
    for (const k of ['ts', 'endTs']) if (k in o) o[k] = shift(o[k]);
    for (const k of ['oid', 'poid', 'procOID']) {
      const oid = o[k] as { createTS: bigint; hpid: number } | null | undefined;
      if (oid && typeof oid === 'object' && 'createTS' in oid)
        o[k] = { ...oid, createTS: shift(oid.createTS) };
    }
    return o as unknown as SysFlowRecord;
  });
}

function timeWindow(records: SysFlowRecord[]): { start: string; stop: string } {
  let min: bigint | undefined;
  let max: bigint | undefined;
  for (const r of records) {
    const t = (r as { ts?: bigint }).ts;
    if (typeof t !== 'bigint' || t <= 0n) continue;
    if (min === undefined || t < min) min = t;
    const e = (r as { endTs?: bigint }).endTs ?? t;
    if (max === undefined || e > max) max = e;
  }
  const now = Date.now();
  const lo = min === undefined ? now : Number(min / 1_000_000n);
  const hi = max === undefined ? now : Number(max / 1_000_000n);
  // whole minutes around the capture, STOP exclusive
  const start = new Date(Math.floor(lo / 60_000) * 60_000 - 60_000).toISOString();
  const stop = new Date(Math.ceil((hi + 1) / 60_000) * 60_000 + 60_000).toISOString();
  return { start, stop };
}

/** Starts the workload, captures, processes and stores it. The hunt is run by {@link seedHuntflows}. */
export async function stackUp(options: StackOptions = {}): Promise<StackResult> {
  const log = options.log ?? ((l: string) => process.stderr.write(l + '\n'));
  let mode: CaptureMode;
  const fallbackReasons: string[] = [];
  if (!options.driver || options.driver === 'auto') {
    const choice = chooseDriver();
    fallbackReasons.push(...choice.reasons);
    mode = choice.driver ?? 'replay';
  } else mode = options.driver;

  let records: SysFlowRecord[];
  let stats: LifterStats | undefined;
  if (mode === 'replay') {
    log('┌──────────────────────────────────────────────────────────────────────────────');
    log('│ No live capture here: replaying the recorded capture of the same scenario');
    log(`│ (${RECORDED_CAPTURE}), timestamps rebased to now.`);
    for (const r of fallbackReasons) log(`│   ${r}`);
    log('└──────────────────────────────────────────────────────────────────────────────');
    records = await replayRecorded();
  } else {
    try {
      ({ records, stats } = await captureLive(mode, log, captureLogFile(options.store), options.verbose));
    } catch (e) {
      if (options.driver && options.driver !== 'auto') throw e;
      const reason = `${mode}: ${e instanceof Error ? e.message : String(e)}`;
      fallbackReasons.push(reason);
      log(`capture with ${mode} failed (${reason}); replaying the recorded capture instead`);
      mode = 'replay';
      records = await replayRecorded();
    }
  }
  if (stats) {
    log(
      `capture: ${stats.rawEvents} system-call events → ${records.length} SysFlow records ` +
        `(${stats.processes} processes, ${stats.fileFlows} file flows, ${stats.networkFlows} network flows, ${stats.lostEvents} lost)`,
    );
  }
  if (options.saveCapture) {
    await writeSysFlowFile(options.saveCapture, records);
    log(`capture: saved to ${options.saveCapture}`);
  }

  const { runProcess } = await import('../telemetry/sysflow/processor/command.ts');
  let store: string | undefined;
  let profileEnv: Record<string, string>;
  const processOpts = { policy: [TTP_POLICY], mode: 'enrich', index: INDEX_PREFIX, quiet: true };
  let pstats;
  const input = [
    {
      kind: 'records' as const,
      name: `container1 (${mode})`,
      records: (async function* () {
        yield* records;
      })(),
    },
  ];
  if (options.elasticUrl) {
    pstats = await runProcess(input, { ...processOpts, export: ['elastic'], esUrl: options.elasticUrl });
    const u = new URL(options.elasticUrl);
    profileEnv = {
      STIXSHIFTER_CONTAINER1_CONNECTOR: 'elastic_ecs',
      STIXSHIFTER_CONTAINER1_CONNECTION: JSON.stringify({
        host: `${u.protocol}//${u.hostname}`,
        port: Number(u.port || 9200),
        indices: `${INDEX_PREFIX}-*`,
      }),
      STIXSHIFTER_CONTAINER1_CONFIG: JSON.stringify({ auth: {} }),
    };
  } else {
    store = options.store ?? join(stackDir(), 'container1.duckdb');
    mkdirSync(dirname(store), { recursive: true });
    if (!options.store) for (const f of [store, `${store}.wal`]) rmSync(f, { force: true });
    pstats = await runProcess(input, { ...processOpts, export: ['local'], store });
    profileEnv = {
      STIXSHIFTER_CONTAINER1_CONNECTOR: 'local',
      STIXSHIFTER_CONTAINER1_CONNECTION: JSON.stringify({ path: store, indices: `${INDEX_PREFIX}-*` }),
    };
  }
  const alerts = pstats.exporters.reduce((n, e) => n + e.alerts, 0);
  log(
    `processor: ${pstats.events} events, ${alerts} tagged by ttps.yaml → ${options.elasticUrl ?? store} (${INDEX_PREFIX}-events / -alerts)`,
  );
  mkdirSync(stackDir(), { recursive: true });
  writeFileSync(
    stateFile(),
    JSON.stringify(
      { store, elasticUrl: options.elasticUrl, profileEnv, at: new Date().toISOString() },
      null,
      2,
    ),
  );
  return {
    mode,
    fallbackReasons,
    records: records.length,
    lifter: stats,
    window: timeWindow(records),
    store,
    alerts,
    events: pstats.events,
    profileEnv,
    profiles: (name) => resolveStixShifterProfile(name, { ...process.env, ...profileEnv }),
  };
}

/** The seed's huntflows over `stixshifter://container1`, with the capture's time window. */
export function seedHuntflows(window: { start: string; stop: string }): { name: string; text: string }[] {
  const range = `START t'${window.start}' STOP t'${window.stop}'`;
  return [
    {
      name: 'hello',
      text: `# hello: did anything in container1 ping?\nhello = GET process FROM stixshifter://container1 WHERE [process:name = 'ping'] ${range}\nDISP hello ATTR pid, name, command_line`,
    },
    {
      name: 'exploits',
      text:
        `# the shells node spawned that the policies tagged as T1059 (Command and Scripting Interpreter)\n` +
        `exploits = GET process FROM stixshifter://container1\n` +
        `           WHERE [process:parent_ref.name = 'node' AND process:x_ttp_tags LIKE '%T1059%']\n` +
        `           ${range}\n` +
        `DISP exploits ATTR pid, name, command_line`,
    },
    {
      name: 'exp_spawn',
      text: `# what those shells started\nexp_spawn = FIND process CREATED BY exploits\nDISP exp_spawn ATTR pid, name, command_line`,
    },
    {
      name: 'exp_act',
      text:
        `# the attacker's actions, in order\n` +
        `exp_act = GET process FROM exp_spawn WHERE [process:name != 'bash']\n` +
        `exp_act = SORT exp_act BY created ASC\n` +
        `DISP exp_act ATTR created, pid, name, command_line`,
    },
  ];
}

/** Removes what `stack up` left: the embedded store and the state file. Returns what was removed. */
export function stackDown(): string[] {
  const removed: string[] = [];
  const f = stateFile();
  if (existsSync(f)) {
    try {
      const state = JSON.parse(readFileSync(f, 'utf8')) as { store?: string };
      if (state.store && state.store.startsWith(stackDir())) {
        for (const p of [state.store, `${state.store}.wal`, `${state.store}.lock`]) {
          if (existsSync(p)) {
            rmSync(p, { force: true });
            removed.push(p);
          }
        }
      }
    } catch {
      // a damaged state file is removed below
    }
    rmSync(f, { force: true });
    removed.push(f);
  }
  return removed;
}
