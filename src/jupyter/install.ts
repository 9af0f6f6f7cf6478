/**
 * `peregrine kernel install`: writes the kernelspec directory `<jupyter data dir>/kernels/peregrine/` with
 * `kernel.json` (argv runs this checkout's `bin/peregrine.js` with the current node), `kernel.js` (classic Notebook
 * highlighting) and the logos, and copies the prebuilt JupyterLab 4 / Notebook 7 extension (`labextension/prebuilt/`,
 * huntflow highlighting) to `<jupyter data dir>/labextensions/@peregrine/jupyterlab-kestrel/`, where JupyterLab finds
 * prebuilt extensions without a build. Where they go follows Jupyter's own rules for `--user`, `--prefix` and
 * `--sys-prefix`.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors/index.ts';
import { kernelJs } from './highlight.ts';
import { DISPLAY_NAME, KERNEL_NAME, LANGUAGE } from './language.ts';
import { logoPng, logoSvg } from './logo.ts';

export type InstallTarget =
  | { readonly kind: 'user' }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'sys-prefix' };

/** The absolute path of `bin/peregrine.js` in this checkout. */
export function peregrineBin(): string {
  return resolve(fileURLToPath(new URL('../../bin/peregrine.js', import.meta.url)));
}

/** The `kernel.json` Jupyter reads to start the kernel. */
export function kernelSpec(): Record<string, unknown> {
  return {
    argv: [process.execPath, peregrineBin(), 'kernel', 'start', '-f', '{connection_file}'],
    display_name: DISPLAY_NAME,
    language: LANGUAGE,
    interrupt_mode: 'message',
    env: {},
    metadata: { debugger: false },
  };
}

/** Jupyter's per-user data directory (what `jupyter --data-dir` prints). */
function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Jupyter');
  if (platform() === 'win32')
    return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'jupyter');
  return join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'jupyter');
}

/** `sys.prefix` of the Python that runs Jupyter: the active virtualenv/conda env, else asks `python3`. */
function sysPrefix(): string {
  const env = process.env.VIRTUAL_ENV ?? process.env.CONDA_PREFIX;
  if (env) return env;
  for (const python of ['python3', 'python']) {
    try {
      return execFileSync(python, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new InputError('E_KERNEL_INSTALL', 'cannot find Python to resolve --sys-prefix', {
    hint: 'activate the environment that runs Jupyter, or use --user or --prefix PATH',
  });
}

/** The Jupyter data directory of a target (holds `kernels/` and `labextensions/`). */
export function dataDir(target: InstallTarget): string {
  switch (target.kind) {
    case 'user':
      return userDataDir();
    case 'prefix':
      return join(resolve(target.prefix), 'share', 'jupyter');
    case 'sys-prefix':
      return join(sysPrefix(), 'share', 'jupyter');
  }
}

/** The kernelspec directory for a target. */
export function kernelDir(target: InstallTarget): string {
  return join(dataDir(target), 'kernels', KERNEL_NAME);
}

/** The name of the JupyterLab extension (its folder under `labextensions/`). */
export const LABEXTENSION_NAME = '@peregrine/jupyterlab-kestrel';

/** The committed prebuilt extension in this checkout (built by `labextension/build.js`). */
export function prebuiltLabextension(): string {
  return resolve(fileURLToPath(new URL('../../labextension/prebuilt', import.meta.url)));
}

/** Where the prebuilt extension goes for a target. */
export function labextensionDir(target: InstallTarget): string {
  return join(dataDir(target), 'labextensions', ...LABEXTENSION_NAME.split('/'));
}

/** Writes the kernelspec and the JupyterLab extension; returns the directories written. */
export async function installKernelSpec(
  target: InstallTarget,
): Promise<{ kernel: string; labextension: string }> {
  const dir = kernelDir(target);
  const lab = labextensionDir(target);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'kernel.json'), JSON.stringify(kernelSpec(), null, 2) + '\n');
    await writeFile(join(dir, 'kernel.js'), kernelJs());
    await writeFile(join(dir, 'logo-svg.svg'), logoSvg());
    await writeFile(join(dir, 'logo-32x32.png'), logoPng(32));
    await writeFile(join(dir, 'logo-64x64.png'), logoPng(64));
    // A new build has new content-hashed file names: replace the folder rather than add to it.
    await rm(lab, { recursive: true, force: true });
    await cp(prebuiltLabextension(), lab, { recursive: true });
    await writeFile(
      join(lab, 'install.json'),
      JSON.stringify({
        packageManager: 'npm',
        packageName: 'peregrine',
        uninstallInstructions: `remove ${lab} and ${dir}`,
      }) + '\n',
    );
  } catch (cause) {
    throw new InputError('E_KERNEL_INSTALL', `cannot write the kernelspec to ${dir} and ${lab}`, {
      cause,
      hint: 'use --user, or --prefix PATH with a directory you can write',
    });
  }
  return { kernel: dir, labextension: lab };
}
