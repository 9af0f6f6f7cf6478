/**
 * `peregrine sysflow collect`: live capture into `.sf` files (with rotation), JSON lines, or straight into the
 * processor (policies + exporters) in the same process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, TelemetryError } from '../../errors/index.ts';
import { writeSysFlowFile } from '../sysflow/format/index.ts';
import { bigintReplacer, type SysFlowRecord } from '../sysflow/records/index.ts';
import { captureCommand, captureTree, chooseDriver, type CaptureHandle, type DriverName } from './capture.ts';

export interface CollectOptions {
  driver?: string;
  fromScap?: string;
  output?: string;
  format?: string;
  pid?: number;
  rotateMb?: number;
  flowTimeout?: number;
  duration?: number;
  container?: string;
  policy?: string[];
  export?: string[];
  mode?: string;
  index?: string;
  store?: string;
}

function pickDriver(requested: string | undefined): DriverName {
  if (requested === 'ebpf' || requested === 'strace') return requested;
  if (requested && requested !== 'auto') {
    throw new InputError('E_INPUT_FLAG', `unknown --driver ${requested}`, { hint: 'ebpf, strace or auto' });
  }
  const { driver, reasons } = chooseDriver();
  if (!driver)
    throw new TelemetryError('E_NO_DRIVER', 'no capture driver works here', { hint: reasons.join('\n') });
  if (reasons.length) process.stderr.write(`collect: using ${driver} (${reasons.join('; ')})\n`);
  return driver;
}

/** Starts the capture of `--pid P` or of `command` (launched here, released once the probes are live). */
async function startCapture(
  command: string[],
  opts: CollectOptions,
  driver: DriverName,
): Promise<{ cap: CaptureHandle; done: Promise<void> }> {
  const lifter = {
    flowTimeoutMs: opts.flowTimeout,
    container: opts.container
      ? { id: opts.container, name: opts.container, image: opts.container }
      : undefined,
  };
  if (opts.pid !== undefined) {
    if (command.length)
      throw new InputError('E_INPUT_FLAG', 'give either --pid or a command after --, not both');
    const cap = await captureTree({ driver, rootPid: opts.pid, ...lifter });
    const done = new Promise<void>((resolve) => {
      const t = setInterval(() => {
        try {
          process.kill(opts.pid!, 0);
        } catch {
          clearInterval(t);
          resolve();
        }
      }, 200);
    });
    return { cap, done };
  }
  if (!command.length) {
    throw new InputError('E_INPUT_MISSING', 'nothing to watch', {
      hint: 'peregrine sysflow collect --pid P, or … -- CMD ARGS…',
    });
  }
  if (driver === 'strace') {
    const cap = captureCommand(command, lifter);
    return { cap, done: Promise.resolve() };
  }
  // eBPF: launch the command behind a FIFO gate so that nothing it does happens before the probes are live
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-collect-'));
  const gate = join(dir, 'gate');
  spawnSync('mkfifo', [gate]);
  const child = spawn('sh', ['-c', 'read -r _ 0<> "$0"; exec "$@"', gate, ...command], { stdio: 'inherit' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let cap: CaptureHandle;
  try {
    cap = await captureTree({ driver, rootPid: child.pid!, ...lifter });
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  writeFileSync(gate, 'go\n');
  rmSync(dir, { recursive: true, force: true });
  return { cap, done: exited };
}

/** Splits a record stream into files of at most `bytes` (approximate, by record count estimate). */
async function writeRotating(
  records: AsyncIterable<SysFlowRecord>,
  base: string,
  rotateMb: number | undefined,
): Promise<string[]> {
  if (!rotateMb) {
    await writeSysFlowFile(base, records);
    return [base];
  }
  // ~120 bytes per encoded record before compression is a safe over-estimate for rotation by size
  const perFile = Math.max(1000, Math.floor((rotateMb * 1024 * 1024) / 120));
  const files: string[] = [];
  const it = records[Symbol.asyncIterator]();
  let done = false;
  let entities: SysFlowRecord[] = [];
  while (!done) {
    const path = files.length === 0 ? base : base.replace(/(\.sf)?$/, `.${files.length}.sf`);
    let n = 0;
    const chunk = async function* (): AsyncGenerator<SysFlowRecord> {
      // every file starts with the entities seen so far, so each can be read alone
      yield* entities;
      while (n < perFile) {
        const r = await it.next();
        if (r.done) {
          done = true;
          return;
        }
        n++;
        if (
          r.value.kind === 'Header' ||
          r.value.kind === 'Container' ||
          r.value.kind === 'Process' ||
          r.value.kind === 'File'
        ) {
          entities.push(r.value);
          if (entities.length > 50_000) entities = entities.slice(-25_000);
        }
        yield r.value;
      }
    };
    await writeSysFlowFile(path, chunk());
    files.push(path);
  }
  return files;
}

/** A replay of a sysdig capture, shaped like a live capture. */
async function scapCapture(
  file: string,
  opts: CollectOptions,
): Promise<{ cap: CaptureHandle; done: Promise<void> }> {
  const { replayScap } = await import('./drivers/scap.ts');
  const { Lifter, lift } = await import('./index.ts');
  const lifter = new Lifter({ useProc: false, flowTimeoutMs: opts.flowTimeout, filename: file });
  return {
    cap: { records: lift(replayScap(file), lifter), stats: () => lifter.stats, stop: async () => {} },
    done: new Promise(() => {}),
  };
}

export async function runCollect(command: string[], opts: CollectOptions): Promise<void> {
  const toProcessor = Boolean(opts.policy?.length || opts.export?.length);
  if (!opts.output && !toProcessor && opts.format !== 'jsonl') {
    throw new InputError('E_INPUT_MISSING', 'where should the records go?', {
      hint: '-o FILE.sf, --format jsonl (standard output), or --policy/--export to process them here',
    });
  }
  const driver = opts.fromScap ? 'scap replay' : pickDriver(opts.driver);
  const { cap, done } = opts.fromScap
    ? await scapCapture(opts.fromScap, opts)
    : await startCapture(command, opts, driver as DriverName);
  process.stderr.write(`collect: capturing with ${driver}\n`);
  const stop = async () => {
    await cap.stop();
  };
  process.once('SIGINT', () => void stop());
  const timer = opts.duration ? setTimeout(() => void stop(), opts.duration * 1000) : undefined;
  void done.then(async () => {
    // let the last events drain before ending the capture
    await new Promise((r) => setTimeout(r, 300));
    await stop();
  });

  if (toProcessor) {
    const { runProcess } = await import('../sysflow/processor/command.ts');
    await runProcess([{ kind: 'records', name: `collect:${driver}`, records: cap.records }], {
      policy: opts.policy,
      export: opts.export,
      mode: opts.mode,
      index: opts.index,
      store: opts.store,
      output: opts.output,
    });
  } else if (opts.output) {
    const files = await writeRotating(cap.records, opts.output, opts.rotateMb);
    process.stderr.write(`collect: wrote ${files.join(', ')}\n`);
  } else {
    for await (const r of cap.records) process.stdout.write(JSON.stringify(r, bigintReplacer) + '\n');
  }
  if (timer) clearTimeout(timer);
  const s = cap.stats();
  process.stderr.write(
    `collect: ${s.rawEvents} system-call events → ${s.records} records (${s.processes} processes, ${s.fileFlows} file flows, ` +
      `${s.networkFlows} network flows); ${s.lostEvents} events lost by the driver\n`,
  );
}
