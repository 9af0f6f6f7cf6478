/**
 * The demo's attack workload (see `workload/README.md`): a C&C server and the `container1` web app whose compromised
 * dependency, on a trigger request, spawns a shell that probes the host, downloads and runs a second stage.
 *
 * `startWorkload` launches both and returns handles; the collector watches the app's process tree (`app.pid`).
 * When running as root and `isolate` is not false, the app runs as an isolated "container": its own pid, uts and
 * mount namespaces (`unshare`), hostname `container1`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TelemetryError } from '../errors/index.ts';

const workloadDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'workload');

export interface WorkloadOptions {
  /** Run the app in its own pid/uts/mount namespaces (root only). Default: when root. */
  isolate?: boolean;
  /**
   * Wraps the app's command line before it is spawned, e.g. to run it under `strace -f`. Receives argv, returns
   * argv. The app's ready line is still read from its stdout.
   */
  wrap?: (argv: string[]) => string[];
  /** Called with the pid of the process that was spawned for the app (before it is ready). */
  onSpawn?: (pid: number) => void | Promise<void>;
}

export interface Workload {
  /** Pid (host pid namespace) of the process spawned for the app: the root of the watched tree. */
  readonly rootPid: number;
  readonly appPort: number;
  readonly cncPort: number;
  readonly beaconPort: number;
  readonly workDir: string;
  readonly isolated: boolean;
  /** Sends the trigger request; resolves when the attack chain has finished. */
  attack(): Promise<{ status: number; body: string }>;
  /** A benign request (no attack). */
  browse(): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

function readJsonLine(
  child: ChildProcess,
  what: string,
  timeoutMs = 15_000,
): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      reject(
        new TelemetryError('E_WORKLOAD', `${what} did not start within ${timeoutMs / 1000}s`, {
          hint: stderr.trim() || undefined,
        }),
      );
    }, timeoutMs);
    rl.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as Record<string, number>);
      } catch {
        reject(new TelemetryError('E_WORKLOAD', `${what} printed an unexpected line: ${line}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new TelemetryError('E_WORKLOAD', `${what} exited with code ${code} before it was ready`, {
          hint: stderr.trim() || undefined,
        }),
      );
    });
  });
}

function httpCall(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
    req.end();
  });
}

export async function startWorkload(options: WorkloadOptions = {}): Promise<Workload> {
  const isRoot = process.getuid?.() === 0;
  const isolated = options.isolate ?? isRoot;
  if (isolated && !isRoot) {
    throw new TelemetryError('E_WORKLOAD', 'an isolated container needs root', {
      hint: 'run as root, or without isolation',
    });
  }
  const workDir = mkdtempSync(join(tmpdir(), 'peregrine-container1-'));
  const cnc = spawn(process.execPath, [join(workloadDir, 'cnc-server.mjs')], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let cncInfo: Record<string, number>;
  try {
    cncInfo = await readJsonLine(cnc, 'the C&C server');
  } catch (e) {
    cnc.kill('SIGTERM');
    throw e;
  }

  const appArgs = [process.execPath, join(workloadDir, 'app', 'server.mjs')];
  let argv = isolated
    ? [
        'unshare',
        '--fork',
        '--pid',
        '--uts',
        '--mount',
        '--mount-proc',
        '--',
        'sh',
        '-c',
        'hostname container1 && exec "$@"',
        'sh',
        ...appArgs,
      ]
    : appArgs;
  if (options.wrap) argv = options.wrap(argv);
  const app = spawn(argv[0]!, argv.slice(1), {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, CNC_HTTP_PORT: String(cncInfo.http), PEREGRINE_WORK: workDir },
  });
  await options.onSpawn?.(app.pid!);
  let appInfo: Record<string, number>;
  try {
    appInfo = await readJsonLine(app, 'the container1 app');
  } catch (e) {
    cnc.kill('SIGTERM');
    app.kill('SIGTERM');
    throw e;
  }

  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => c.once('exit', () => r()));
  return {
    rootPid: app.pid!,
    appPort: appInfo.port!,
    cncPort: cncInfo.http!,
    beaconPort: cncInfo.beacon!,
    workDir,
    isolated,
    attack: () => httpCall(appInfo.port!, { 'x-debug-token': 'f4c3b00k' }),
    browse: () => httpCall(appInfo.port!, {}),
    async stop() {
      app.stdin?.end();
      cnc.stdin?.end();
      const t = setTimeout(() => {
        app.kill('SIGKILL');
        cnc.kill('SIGKILL');
      }, 5000);
      await Promise.all([exited(app), exited(cnc)]);
      clearTimeout(t);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
