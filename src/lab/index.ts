/**
 * The mini-stack: one command that starts the attack workload on two hosts, watches both, tags, stores and hunts it.
 *
 *   workload (container1, c2server: namespaces joined by a veth pair) ─ capture of each host (eBPF › strace ›
 *     recorded replay) ─ lifter ─ SysFlow records ─ processor (ttps.yaml, enrich) ─ ECS ─ embedded store (or
 *     OpenSearch) ─ stixshifter://container1, stixshifter://c2server ─ huntflows
 *
 * The capture of this small scenario (a few hundred records a host) is buffered in memory so that it can also be
 * saved as `.sf` files (`saveCapture`); everything downstream streams.
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
import { dirname, join, relative } from 'node:path';
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
import { labNetworkProblem } from './netns.ts';
import { startWorkload, type Workload } from './workload.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The lab's hosts: each is a container in SysFlow's records, a data source and an index prefix. */
export const HOSTS = [
  { id: 'container1', name: 'container1', image: 'peregrine/container1-demo:latest' },
  { id: 'c2server', name: 'c2server', image: 'peregrine/c2server-demo:latest' },
] as const;
export type HostId = (typeof HOSTS)[number]['id'];
/** The recorded capture of the same scenario (one `.sf` file a host), replayed when no live capture works here. */
export const RECORDED_DIR = join(REPO_ROOT, 'data', 'lab');
export const TTP_POLICY = join(REPO_ROOT, 'data', 'policies', 'ttps.yaml');
/** The index prefix of a host's documents. */
export const indexPrefix = (host: HostId) => `${host}-sysflow`;

export type CaptureMode = DriverName | 'replay';

export interface StackOptions {
  /** Capture driver; `auto` tries eBPF, then strace, then the recorded capture. */
  driver?: CaptureMode | 'auto';
  /** Embedded store file (default: the stack's own file under the user's data directory). */
  store?: string;
  /** Export into OpenSearch/Elasticsearch at this URL instead of the embedded store. */
  elasticUrl?: string;
  /** Also write the capture into this directory, one `.sf` file a host (`container1.sf`, `c2server.sf`). */
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
  /** The live capture's figures, summed over the hosts. */
  lifter?: LifterStats;
  /** SysFlow records a host. */
  hostRecords: Record<string, number>;
  window: { start: string; stop: string };
  store?: string;
  alerts: number;
  events: number;
  /** The environment that defines `stixshifter://container1` and `stixshifter://c2server`. */
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
    w.isolated
      ? `workload: container1 (app on its 127.0.0.1:${w.appPort}) and c2server (${w.cncHost}), each in its own network/pid/uts/mount namespaces, joined by the lab's veth pair; sending the trigger request`
      : `workload: container1 on 127.0.0.1:${w.appPort}, C&C on loopback; sending the trigger request`,
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

/** A host's capture while the workload runs: how its command is wrapped, what to do once spawned, its records. */
interface HostCapture {
  wrap(argv: string[]): string[];
  onSpawn?(pid: number): Promise<void>;
  finish(): Promise<{ records: SysFlowRecord[]; stats?: LifterStats }>;
}

/** eBPF: the host's command waits behind a FIFO gate until bpftrace's probes on its tree are attached. */
function ebpfHost(
  host: (typeof HOSTS)[number],
  dir: string,
  log: (l: string) => void,
  logFile: string,
): HostCapture {
  const gate = join(dir, `gate-${host.id}`);
  spawnSync('mkfifo', [gate]);
  let cap: Awaited<ReturnType<typeof captureTree>> | undefined;
  let recordsP: Promise<SysFlowRecord[]> | undefined;
  return {
    wrap: (argv) => ['sh', '-c', 'read -r _ 0<> "$0"; exec "$@"', gate, ...argv],
    async onSpawn(pid) {
      log(`capture: attaching eBPF probes to ${host.name} (bpftrace)…`);
      cap = await captureTree({
        driver: 'ebpf',
        rootPid: pid,
        container: host,
        onStderr: (l) => appendFileSync(logFile, `${host.name}: ${l}\n`),
      });
      recordsP = collectArray(cap.records);
      writeFileSync(gate, 'go\n');
    },
    async finish() {
      await cap?.stop();
      return { records: (await recordsP) ?? [], ...(cap ? { stats: cap.stats() } : {}) };
    },
  };
}

/** strace: the host's command runs under strace writing into a FIFO the lifter reads. */
function straceHost(host: (typeof HOSTS)[number]): HostCapture {
  const fifo = straceFifo();
  const lifter = new Lifter({ container: host });
  const recordsP = collectArray(lift(fifo.events, lifter));
  return {
    wrap: (argv) => straceArgv(fifo.path, argv),
    async finish() {
      const records = await recordsP;
      fifo.cleanup();
      return { records, stats: lifter.stats };
    },
  };
}

function sumStats(all: (LifterStats | undefined)[]): LifterStats | undefined {
  const some = all.filter((x): x is LifterStats => !!x);
  if (!some.length) return undefined;
  const out = { ...some[0]! };
  for (const s of some.slice(1)) for (const k of Object.keys(out) as (keyof LifterStats)[]) out[k] += s[k];
  return out;
}

async function captureLive(
  mode: DriverName,
  log: (l: string) => void,
  logFile: string,
  verbose = false,
): Promise<{ records: Record<HostId, SysFlowRecord[]>; stats?: LifterStats }> {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-stack-'));
  let app: HostCapture;
  let server: HostCapture;
  if (mode === 'ebpf') {
    mkdirSync(dirname(logFile), { recursive: true });
    writeFileSync(logFile, '');
    if (verbose) log(`capture: bpftrace's messages are kept in ${logFile}`);
    app = ebpfHost(HOSTS[0], dir, log, logFile);
    server = ebpfHost(HOSTS[1], dir, log, logFile);
  } else {
    log('capture: tracing both hosts with strace (ptrace)…');
    app = straceHost(HOSTS[0]);
    server = straceHost(HOSTS[1]);
  }
  let w: Workload | undefined;
  try {
    w = await startWorkload({
      wrap: (argv) => app.wrap(argv),
      wrapServer: (argv) => server.wrap(argv),
      ...(app.onSpawn ? { onSpawn: (pid: number) => app.onSpawn!(pid) } : {}),
      ...(server.onSpawn ? { onSpawnServer: (pid: number) => server.onSpawn!(pid) } : {}),
    });
    await playScenario(w, log);
  } finally {
    await w?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const a = await app.finish();
  const b = await server.finish();
  return { records: { container1: a.records, c2server: b.records }, stats: sumStats([a.stats, b.stats]) };
}

/**
 * Reads the recorded capture of each host and shifts every timestamp by one delta so that the last record of either
 * ends now: the two hosts' records stay as far apart as they were (a pivot matches flows by time).
 */
export async function replayRecorded(dir = RECORDED_DIR): Promise<Record<HostId, SysFlowRecord[]>> {
  const out = {} as Record<HostId, SysFlowRecord[]>;
  let max = 0n;
  for (const h of HOSTS) {
    const path = join(dir, `${h.id}.sf`);
    if (!existsSync(path)) {
      throw new TelemetryError('E_NO_CAPTURE', `the recorded capture ${path} is missing`, {
        hint: 'reinstall Peregrine, or run with a live driver',
      });
    }
    out[h.id] = await collectArray(readSysFlowFile(path));
    for (const r of out[h.id]) {
      const t = (r as { endTs?: bigint }).endTs ?? (r as { ts?: bigint }).ts;
      if (typeof t === 'bigint' && t > max) max = t;
    }
  }
  const delta = BigInt(Date.now()) * 1_000_000n - max;
  const shift = (v: unknown) => (typeof v === 'bigint' && v > 0n ? v + delta : v);
  for (const h of HOSTS) {
    out[h.id] = out[h.id].map((r) => {
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
  return out;
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
  const auto = !options.driver || options.driver === 'auto';
  if (auto) {
    const choice = chooseDriver();
    fallbackReasons.push(...choice.reasons);
    mode = choice.driver ?? 'replay';
  } else mode = options.driver as CaptureMode;
  // a live capture needs the lab's two hosts: network, pid, uts and mount namespaces
  const netProblem = mode === 'replay' ? undefined : labNetworkProblem();
  if (netProblem) {
    if (!auto)
      throw new TelemetryError('E_LAB_NETWORK', `--driver ${mode}: ${netProblem}`, {
        hint: 'run as root, or --driver replay (the recorded capture of the same scenario)',
      });
    fallbackReasons.push(netProblem);
    mode = 'replay';
  }

  let records: Record<HostId, SysFlowRecord[]>;
  let stats: LifterStats | undefined;
  const replayBanner = () => {
    log('┌──────────────────────────────────────────────────────────────────────────────');
    log('│ No live capture here: replaying the recorded capture of the same scenario');
    log(`│ (${RECORDED_DIR}: container1.sf, c2server.sf), timestamps rebased to now.`);
    for (const r of fallbackReasons) log(`│   ${r}`);
    log('└──────────────────────────────────────────────────────────────────────────────');
  };
  if (mode === 'replay') {
    replayBanner();
    records = await replayRecorded();
  } else {
    try {
      ({ records, stats } = await captureLive(mode, log, captureLogFile(options.store), options.verbose));
    } catch (e) {
      if (!auto) throw e;
      fallbackReasons.push(`${mode}: ${e instanceof Error ? e.message : String(e)}`);
      mode = 'replay';
      replayBanner();
      records = await replayRecorded();
    }
  }
  const all = HOSTS.flatMap((h) => records[h.id]);
  if (stats) {
    log(
      `capture: ${stats.rawEvents} system-call events → ${all.length} SysFlow records on ${HOSTS.length} hosts ` +
        `(${stats.processes} processes, ${stats.fileFlows} file flows, ${stats.networkFlows} network flows, ${stats.lostEvents} lost)`,
    );
  }
  if (options.saveCapture) {
    mkdirSync(options.saveCapture, { recursive: true });
    for (const h of HOSTS) await writeSysFlowFile(join(options.saveCapture, `${h.id}.sf`), records[h.id]);
    log(`capture: saved to ${options.saveCapture} (${HOSTS.map((h) => `${h.id}.sf`).join(', ')})`);
  }

  const { runProcess } = await import('../telemetry/sysflow/processor/command.ts');
  let store: string | undefined;
  const profileEnv: Record<string, string> = {};
  if (!options.elasticUrl) {
    store = options.store ?? join(stackDir(), 'container1.duckdb');
    mkdirSync(dirname(store), { recursive: true });
    if (!options.store) for (const f of [store, `${store}.wal`]) rmSync(f, { force: true });
  }
  let alerts = 0;
  let events = 0;
  // The shipped ttps.yaml draws the same warnings for every host (misspelt attributes upstream): a demo's reader gets
  // their count and the command that lists them; --verbose prints each once.
  const policyWarnings = new Set<string>();
  const onWarning = (line: string): void => {
    if (options.verbose && !policyWarnings.has(line)) log(line);
    policyWarnings.add(line);
  };
  for (const h of HOSTS) {
    const index = indexPrefix(h.id);
    const input = [
      {
        kind: 'records' as const,
        name: `${h.id} (${mode})`,
        records: (async function* () {
          yield* records[h.id];
        })(),
      },
    ];
    const opts = { policy: [TTP_POLICY], mode: 'enrich', index, quiet: true, onWarning };
    const env = `STIXSHIFTER_${h.id.toUpperCase()}`;
    let pstats;
    if (options.elasticUrl) {
      pstats = await runProcess(input, { ...opts, export: ['elastic'], esUrl: options.elasticUrl });
      const u = new URL(options.elasticUrl);
      profileEnv[`${env}_CONNECTOR`] = 'elastic_ecs';
      profileEnv[`${env}_CONNECTION`] = JSON.stringify({
        host: `${u.protocol}//${u.hostname}`,
        port: Number(u.port || 9200),
        indices: `${index}-*`,
      });
      profileEnv[`${env}_CONFIG`] = JSON.stringify({ auth: {} });
    } else {
      pstats = await runProcess(input, { ...opts, export: ['local'], store });
      profileEnv[`${env}_CONNECTOR`] = 'local';
      profileEnv[`${env}_CONNECTION`] = JSON.stringify({ path: store, indices: `${index}-*` });
    }
    const tagged = pstats.exporters.reduce((n, e) => n + e.alerts, 0);
    alerts += tagged;
    events += pstats.events;
    log(
      `processor: ${h.id}: ${pstats.events} events, ${tagged} tagged by ttps.yaml → ${options.elasticUrl ?? store} (${index}-events / -alerts)`,
    );
  }
  if (policyWarnings.size > 0 && !options.verbose)
    log(
      `policy: ${policyWarnings.size} warnings about ttps.yaml's rules (misspelt attributes read as false, terms sf-processor reads otherwise); \`peregrine sysflow lint ${relative(process.cwd(), TTP_POLICY) || TTP_POLICY}\` lists them, --verbose prints them`,
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
    records: all.length,
    hostRecords: Object.fromEntries(HOSTS.map((h) => [h.id, records[h.id].length])),
    lifter: stats,
    window: timeWindow(all),
    store,
    alerts,
    events,
    profileEnv,
    profiles: (name) => resolveStixShifterProfile(name, { ...process.env, ...profileEnv }),
  };
}

/** The seed's huntflows over `stixshifter://container1`, then across to `stixshifter://c2server`, with the capture's time window. */
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
    {
      name: 'conns',
      text:
        `# their network traffic: the second stage's download, the C&C beacon, the exfiltration\n` +
        `conns = FIND network-traffic CREATED BY exp_spawn\n` +
        `DISP conns ATTR src_ref.value, src_port, dst_ref.value, dst_port`,
    },
    {
      name: 'c2',
      text:
        `# pivot to the other host: the process on c2server at the other end of those connections\n` +
        `c2 = FIND process PEER OF conns FROM stixshifter://c2server\n` +
        `DISP c2 ATTR pid, name, command_line`,
    },
    {
      name: 'c2_act',
      text:
        `# and what it did there: everything it started, to the leaves\n` +
        `c2_act = FIND process CREATED BY c2 DEPTH *\n` +
        `DISP c2_act ATTR pid, name, command_line`,
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
