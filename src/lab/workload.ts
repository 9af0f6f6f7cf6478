/**
 * The demo's attack workload (see `workload/README.md`): a C&C server and the `container1` web app whose compromised
 * dependency, on a trigger request, spawns a shell that probes the host, downloads and runs a second stage.
 *
 * `startWorkload` launches both and returns handles; the collector watches each one's process tree.
 * When running as root and `isolate` is not false, they are two hosts: each in its own network, pid, uts and mount
 * namespaces (hostnames `container1` and `c2server`), joined by the lab's veth pair (`netns.ts`); the trigger
 * request is sent from inside container1's namespace. Otherwise both run on this host's loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TelemetryError } from '../errors/index.ts';
import { C2SERVER_IP, createLabNetwork, hostArgv, removeLabNetwork, type LabNetwork } from './netns.ts';

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
  /** As `wrap`, for the C&C server (the second host). */
  wrapServer?: (argv: string[]) => string[];
  /** As `onSpawn`, for the C&C server. */
  onSpawnServer?: (pid: number) => void | Promise<void>;
}

export interface Workload {
  /** Pid (host pid namespace) of the process spawned for the app: the root of the watched tree. */
  readonly rootPid: number;
  readonly appPort: number;
  readonly cncPort: number;
  readonly beaconPort: number;
  readonly workDir: string;
  /** Two hosts in the lab's namespaces (else both on this host's loopback). */
  readonly isolated: boolean;
  /** Pid (host pid namespace) of the process spawned for the C&C server: the root of the second host's tree. */
  readonly serverPid: number;
  /** The address container1 reaches the C&C server at. */
  readonly cncHost: string;
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

/** The same request sent from inside network namespace `ns` (curl there; its loopback is the app's). */
function httpCallIn(
  ns: string,
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const args = ['netns', 'exec', ns, 'curl', '-s', '-m', '30', '-w', '\n%{http_code}'];
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
    args.push(`http://127.0.0.1:${port}/`);
    const c = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.once('error', reject);
    c.once('close', () => {
      const i = out.lastIndexOf('\n');
      resolve({ status: Number(out.slice(i + 1)) || 0, body: out.slice(0, Math.max(0, i)) });
    });
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
  const net: LabNetwork | undefined = isolated ? createLabNetwork() : undefined;
  const cncHost = net ? C2SERVER_IP : '127.0.0.1';
  const serverArgs = [process.execPath, join(workloadDir, 'cnc-server.mjs')];
  const wrapServer = options.wrapServer ?? ((a: string[]) => a);
  const serverArgv = net
    ? hostArgv(net.c2server, 'c2server', serverArgs, wrapServer)
    : wrapServer(serverArgs);
  const cnc = spawn(serverArgv[0]!, serverArgv.slice(1), {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, CNC_LISTEN: cncHost, CNC_HOST: cncHost, CNC_WORK: join(workDir, 'c2server') },
  });
  const cleanUp = () => {
    if (net) removeLabNetwork(net);
    rmSync(workDir, { recursive: true, force: true });
  };
  let cncInfo: Record<string, number>;
  try {
    await options.onSpawnServer?.(cnc.pid!);
    cncInfo = await readJsonLine(cnc, 'the C&C server');
  } catch (e) {
    cnc.kill('SIGTERM');
    cleanUp();
    throw e;
  }

  mkdirSync(join(workDir, 'container1'), { recursive: true });
  const appArgs = [process.execPath, join(workloadDir, 'app', 'server.mjs')];
  const wrap = options.wrap ?? ((a: string[]) => a);
  const argv = net ? hostArgv(net.container1, 'container1', appArgs, wrap) : wrap(appArgs);
  const app = spawn(argv[0]!, argv.slice(1), {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      CNC_HTTP_PORT: String(cncInfo.http),
      CNC_HOST: cncHost,
      PEREGRINE_WORK: join(workDir, 'container1'),
    },
  });
  let appInfo: Record<string, number>;
  try {
    await options.onSpawn?.(app.pid!);
    appInfo = await readJsonLine(app, 'the container1 app');
  } catch (e) {
    cnc.kill('SIGTERM');
    app.kill('SIGTERM');
    cleanUp();
    throw e;
  }
  const call = (headers: Record<string, string>) =>
    net ? httpCallIn(net.container1, appInfo.port!, headers) : httpCall(appInfo.port!, headers);

  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => c.once('exit', () => r()));
  return {
    rootPid: app.pid!,
    serverPid: cnc.pid!,
    cncHost,
    appPort: appInfo.port!,
    cncPort: cncInfo.http!,
    beaconPort: cncInfo.beacon!,
    workDir,
    isolated,
    attack: () => call({ 'x-debug-token': 'f4c3b00k' }),
    browse: () => call({}),
    async stop() {
      app.stdin?.end();
      cnc.stdin?.end();
      const t = setTimeout(() => {
        app.kill('SIGKILL');
        cnc.kill('SIGKILL');
      }, 5000);
      await Promise.all([exited(app), exited(cnc)]);
      clearTimeout(t);
      cleanUp();
    },
  };
}
