/**
 * `python://NAME`: Kestrel 1.x's Python analytic interface. The profile's function is called in a Python
 * subprocess (`bridge.py`) with one pandas DataFrame per input variable and the WITH arguments as environment
 * variables; the DataFrames it returns update the inputs' entities, an HTML string or a matplotlib figure is its
 * display. `$PEREGRINE_PYTHON` names the interpreter (default `python3`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeControls } from '../../common/index.ts';
import { AnalyticsError, CancelledError } from '../../errors/index.ts';
import type { Analytic, AnalyticDisplay, AttributeUpdate } from '../contract.ts';
import { openExchange, readDisplay, readOutput } from '../exchange.ts';
import type { PythonProfile } from './profiles.ts';

export { loadPythonProfiles, profileFiles, type PythonProfile } from './profiles.ts';

const BRIDGE = join(import.meta.dirname, 'bridge.py');

/** WITH arguments as Kestrel hands them to analytics: environment variables, lists joined by commas. */
export function argsEnvironment(args: Readonly<Record<string, unknown>>): Record<string, string> {
  const text = (v: unknown): string => {
    if (Array.isArray(v)) return v.map(text).join(',');
    if (v && typeof v === 'object' && 'variable' in v)
      return `${String((v as Record<string, unknown>).variable)}.${String((v as Record<string, unknown>).attribute)}`;
    return String(v);
  };
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, text(v)]));
}

interface BridgeResult {
  readonly missing?: string;
  readonly nofunc?: string;
  readonly failed?: string;
  readonly outputs?: readonly { readonly input: number; readonly path: string }[];
  readonly displays?: readonly string[];
  readonly seconds?: number;
  /** Seconds each step of the bridge took (`start`: from spawn to the bridge's main). */
  readonly phases?: Readonly<Record<string, number | null>>;
}

/** Runs `cmd args` and resolves with its exit code and the end of its stderr; `signal` kills it. */
export function runProcess(
  cmd: string,
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal; who: string; missingHint: string },
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new CancelledError());
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const keep = (b: Buffer): void => {
      stderr = (stderr + b.toString('utf8')).slice(-16_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(
        e.code === 'ENOENT'
          ? new AnalyticsError(
              'E_ANALYTICS_RUNTIME',
              `${opts.who}: "${cmd}" is not installed or not on PATH`,
              {
                hint: opts.missingHint,
              },
            )
          : new AnalyticsError('E_ANALYTICS_RUNTIME', `${opts.who}: cannot start "${cmd}": ${e.message}`, {
              cause: e,
            }),
      );
    });
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) reject(new CancelledError());
      else resolve({ code, stderr });
    });
  });
}

/** The last lines of a process's stderr, escaped for terminals (an analytic may print attacker-controlled data). */
export function tail(stderr: string, lines = 12): string {
  return escapeControls(stderr.trimEnd().split('\n').slice(-lines).join('\n'));
}

/**
 * The last python:// run: seconds the analytic's function itself took, and each step of the bridge (the bench
 * compares them with the whole APPLY).
 */
export const lastPythonRun: { seconds: number; phases: Readonly<Record<string, number | null>> } = {
  seconds: 0,
  phases: {},
};

export function pythonAnalytic(name: string, profile: PythonProfile): Analytic {
  const who = `python://${name}`;
  return {
    name: who,
    description: `Kestrel Python analytic ${profile.module} (${profile.func})`,
    args: [],
    async run(ctx) {
      if (!existsSync(profile.module))
        throw new AnalyticsError(
          'E_ANALYTICS_MODULE',
          `${who}: the module ${profile.module} does not exist`,
          {
            hint: `fix the profile "${name}" in ${profile.file}`,
          },
        );
      const ex = await openExchange(ctx);
      try {
        await writeFile(
          join(ex.dir, 'request.json'),
          JSON.stringify({
            module: profile.module,
            func: profile.func,
            inputs: ex.inputs.map((i) => i.path),
          }),
        );
        const python = process.env.PEREGRINE_PYTHON || 'python3';
        const env = {
          ...process.env,
          ...argsEnvironment(ctx.args),
          MPLBACKEND: 'Agg',
          PYTHONDONTWRITEBYTECODE: '1',
          PYTHONIOENCODING: 'utf-8',
          PEREGRINE_BRIDGE_SPAWNED: String(Date.now() / 1000),
        };
        const { code, stderr } = await runProcess(python, [BRIDGE, ex.dir], {
          env,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          who,
          missingHint:
            'install Python 3 (with pandas and pyarrow), or set PEREGRINE_PYTHON to the interpreter to use',
        });
        let result: BridgeResult = {};
        try {
          result = JSON.parse(await readFile(join(ex.dir, 'result.json'), 'utf8')) as BridgeResult;
        } catch {
          throw new AnalyticsError(
            'E_ANALYTICS_FAILED',
            `${who}: Python exited with ${code ?? 'a signal'} before the analytic returned${stderr ? `:\n${tail(stderr)}` : ''}`,
            { hint: `check that ${python} is Python 3 and can run the analytic` },
          );
        }
        if (result.missing)
          throw new AnalyticsError(
            'E_PYTHON_PACKAGE',
            `${who} needs the Python package "${result.missing}", which ${python} cannot import`,
            {
              hint: `install it: ${python} -m pip install ${result.missing === 'lark' ? 'lark-parser' : result.missing === 'business_rules' ? 'business-rules' : result.missing}`,
            },
          );
        if (result.nofunc)
          throw new AnalyticsError(
            'E_ANALYTICS_MODULE',
            `${who}: ${profile.module} has no function "${result.nofunc}"`,
            {
              hint: `fix func: in the profile "${name}" (${profile.file})`,
            },
          );
        if (result.failed)
          throw new AnalyticsError('E_ANALYTICS_FAILED', `${who} failed: ${escapeControls(result.failed)}`, {
            hint: stderr.trim() ? `the analytic's output:\n${tail(stderr)}` : 'it printed nothing',
          });
        lastPythonRun.seconds = result.seconds ?? 0;
        lastPythonRun.phases = result.phases ?? {};
        const updates: AttributeUpdate[] = [];
        for (const o of result.outputs ?? []) {
          const u = await readOutput(ctx, ex, o.input, o.path, who);
          if (u) updates.push(u);
        }
        const displays: AnalyticDisplay[] = [];
        for (const p of result.displays ?? []) {
          const d = await readDisplay(p, who);
          if (d) displays.push(d);
        }
        return { updates, displays };
      } finally {
        await ex.dispose();
      }
    },
  };
}
