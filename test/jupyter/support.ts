/**
 * Helpers for the Jupyter client tests: install the kernelspec into a temporary prefix (JUPYTER_PATH points there,
 * so the user's own kernels are never touched) and run a Python driver under `test/jupyter/py/` that prints one JSON
 * report. Missing Python packages fail the test with the pip line to run — never a silent skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KESTREL_TEST_DATA } from '../support/data.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PY_DIR = join(ROOT, 'test', 'jupyter', 'py');
export const BIN = join(ROOT, 'bin', 'peregrine.js');
export const TEST_BUNDLE = join(KESTREL_TEST_DATA, 'test_bundle.json');

export interface JupyterEnv {
  readonly prefix: string;
  readonly env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** Checks the Python packages once, with a message naming the fix. */
export function requirePythonPackages(): void {
  const r = spawnSync('python3', ['-c', 'import jupyter_client, nbclient, nbformat'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      'the Jupyter client tests need Python 3 with jupyter_client, nbclient and nbformat: ' +
        'run `python3 -m pip install jupyter_client nbclient nbformat` (.ci/run does)\n' +
        (r.error?.message ?? r.stderr),
    );
  }
}

/** Installs the kernelspec with `peregrine kernel install --prefix` into a fresh temporary directory. */
export function installKernel(): JupyterEnv {
  requirePythonPackages();
  const prefix = mkdtempSync(join(tmpdir(), 'peregrine-jupyter-'));
  const r = spawnSync(process.execPath, [BIN, 'kernel', 'install', '--prefix', prefix], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`peregrine kernel install failed:\n${r.stdout}${r.stderr}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: join(prefix, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: join(prefix, 'data'),
    JUPYTER_RUNTIME_DIR: join(prefix, 'runtime'),
    JUPYTER_CONFIG_DIR: join(prefix, 'config'),
    JUPYTER_PLATFORM_DIRS: '1',
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
  return { prefix, env, cleanup: () => rmSync(prefix, { recursive: true, force: true }) };
}

/** Runs `python3 test/jupyter/py/<script>` and parses the JSON it prints. */
export async function runDriver<T = Record<string, unknown>>(
  script: string,
  jenv: JupyterEnv,
  extraEnv: Record<string, string> = {},
  args: readonly string[] = [],
): Promise<T> {
  const child = spawn('python3', [join(PY_DIR, script), ...args], {
    cwd: PY_DIR,
    env: { ...jenv.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0)
    throw new Error(`${script} exited with ${code}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`);
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new Error(`${script} printed no JSON report\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`);
  }
}
