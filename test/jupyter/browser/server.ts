/**
 * A JupyterLab server (from pip) for the browser tests: on a free loopback port with a random token, serving a
 * scratch root folder, with the kernelspec and the prebuilt extension installed by `peregrine kernel install` into a
 * temporary prefix (support.ts). It serves JupyterLab at /lab and Notebook 7 at /tree and /notebooks.
 *
 * Nothing in it reaches the network: news and update checks are off, the extension manager is read-only (the PyPI
 * one searches the index), and the server listens on 127.0.0.1 only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { JupyterEnv } from '../support.ts';

/** Fails with the install line when JupyterLab or Notebook 7 is missing (never a silent skip). */
export function requireJupyterLab(): void {
  const r = spawnSync('python3', ['-c', 'import jupyterlab, notebook'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(
      'the JupyterLab tests need Python 3 with jupyterlab and notebook: ' +
        'run `python3 -m pip install jupyterlab notebook` (.ci/run does)\n' +
        (r.error?.message ?? r.stderr),
    );
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export interface LabServer {
  readonly url: string;
  readonly token: string;
  /** What the server printed (for failures). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts `jupyter lab` over `root` with the environment of an installed kernelspec; resolves when it answers. */
export async function startLab(jenv: JupyterEnv, root: string): Promise<LabServer> {
  requireJupyterLab();
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const configDir = jenv.env.JUPYTER_CONFIG_DIR!;
  mkdirSync(configDir, { recursive: true });
  const config = {
    ServerApp: {
      ip: '127.0.0.1',
      port,
      port_retries: 0,
      open_browser: false,
      root_dir: root,
      allow_remote_access: false,
      // CI runs as root
      allow_root: process.getuid?.() === 0,
    },
    IdentityProvider: { token },
    LabApp: {
      news_url: null,
      check_for_updates_class: 'jupyterlab.handlers.announcements.NeverCheckForUpdate',
      extension_manager: 'readonly',
    },
  };
  writeFileSync(join(configDir, 'jupyter_server_config.json'), JSON.stringify(config, null, 2));
  // the news plugin asks whether to fetch news: off, and its toast would cover the outputs in screenshots
  mkdirSync(join(configDir, 'labconfig'), { recursive: true });
  writeFileSync(
    join(configDir, 'labconfig', 'page_config.json'),
    JSON.stringify({ disabledExtensions: { '@jupyterlab/apputils-extension:announcements': true } }),
  );
  const child: ChildProcess = spawn('python3', ['-m', 'jupyterlab', '--no-browser'], {
    cwd: root,
    env: { ...jenv.env, JUPYTER_NO_CONFIG: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString('utf8')));
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    const timer = setTimeout(() => !exited && process.kill(-child.pid!, 'SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`jupyter lab exited before answering:\n${output}`);
    try {
      const r = await fetch(`${url}/api/status`, { headers: { Authorization: `token ${token}` } });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter lab did not answer on ${url} within 90 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, token, log: () => output, stop };
}
