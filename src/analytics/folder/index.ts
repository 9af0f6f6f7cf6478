/**
 * Kestrel 1.x's container contract, for `docker://NAME` (the image `kestrel-analytics-NAME`, its `/data` a folder
 * of ours) and `exec://PATH` (a local executable handed the same folder): `input/N.parquet.gz` per input variable
 * (N: its position after ON), updated tables back in `output/N.parquet.gz`, displays in `display/` (`.html`,
 * `.svg`, `.png`, `.md`, `.txt`, or a Vega-Lite `.json`). WITH arguments are environment variables.
 *
 * Containers run with `--network none` and `--pull=never` (images are built locally); `$PEREGRINE_CONTAINER_RUNTIME`
 * picks docker or podman (default: podman if on PATH, else docker). podman also gets {@link PODMAN_FLAGS} (what
 * Debian's podman 4.3 needed to run a container on the host it was verified on, docs/analytics.md);
 * `$PEREGRINE_CONTAINER_FLAGS`, when set, replaces those extra flags (empty: none).
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { AnalyticsError } from '../../errors/index.ts';
import type { Analytic, AnalyticContext, AnalyticResult, AttributeUpdate } from '../contract.ts';
import { openExchange, readDisplays, readOutput, type Exchange } from '../exchange.ts';
import { argsEnvironment, runProcess, tail } from '../python/index.ts';

const OUTPUT = /^(\d+)\.parquet(\.gz)?$/;

async function collect(ctx: AnalyticContext, ex: Exchange, who: string): Promise<AnalyticResult> {
  const updates: AttributeUpdate[] = [];
  for (const f of (await readdir(join(ex.dir, 'output'))).sort()) {
    const m = OUTPUT.exec(f);
    if (!m) continue;
    const u = await readOutput(ctx, ex, Number(m[1]), join(ex.dir, 'output', f), who);
    if (u) updates.push(u);
  }
  return { updates, displays: await readDisplays(join(ex.dir, 'display'), who) };
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));
}

/** The container runtime to use. */
export function containerRuntime(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PEREGRINE_CONTAINER_RUNTIME) return env.PEREGRINE_CONTAINER_RUNTIME;
  return onPath('podman') ? 'podman' : 'docker';
}

/** podman's extra flags unless `$PEREGRINE_CONTAINER_FLAGS` is set: runc as the OCI runtime, limits it accepts. */
export const PODMAN_FLAGS = [
  '--runtime',
  'runc',
  '--ulimit',
  'nofile=1024:1024',
  '--ulimit',
  'nproc=1024:1024',
];

/** The `run` command line of image `image` over exchange folder `dir`, for `runtime`. */
export function containerCommand(
  image: string,
  dir: string,
  args: Record<string, string>,
  runtime: string,
  env = process.env,
): string[] {
  const flags =
    env.PEREGRINE_CONTAINER_FLAGS !== undefined
      ? env.PEREGRINE_CONTAINER_FLAGS.split(/\s+/).filter(Boolean)
      : basename(runtime) === 'podman'
        ? PODMAN_FLAGS
        : [];
  const envFlags = Object.entries(args).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  return [
    'run',
    '--rm',
    '--pull=never',
    '--network',
    'none',
    ...flags,
    '-v',
    `${dir}:/data`,
    ...envFlags,
    image,
  ];
}

export function containerAnalytic(name: string): Analytic {
  const who = `docker://${name}`;
  const image = `kestrel-analytics-${name}`;
  return {
    name: who,
    description: `Kestrel container analytic (image ${image})`,
    args: [],
    async run(ctx) {
      const runtime = containerRuntime();
      const ex = await openExchange(ctx);
      try {
        const { code, stderr } = await runProcess(
          runtime,
          containerCommand(image, ex.dir, argsEnvironment(ctx.args), runtime),
          {
            env: process.env,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
            who,
            missingHint:
              'install podman or docker (or set PEREGRINE_CONTAINER_RUNTIME), or run the analytic through exec:// or python://',
          },
        );
        if (code !== 0)
          throw new AnalyticsError(
            'E_ANALYTICS_FAILED',
            `${who}: ${runtime} exited with ${code ?? 'a signal'}:\n${tail(stderr)}`,
            {
              hint: /image not known|No such image|Unable to find image|unable to find/i.test(stderr)
                ? `build the image locally first: ${runtime} build -t ${image} FOLDER (Peregrine never pulls images)`
                : 'the output above is the container’s',
            },
          );
        return await collect(ctx, ex, who);
      } finally {
        await ex.dispose();
      }
    },
  };
}

export function execAnalytic(path: string): Analytic {
  const who = `exec://${path}`;
  return {
    name: who,
    description: `local executable ${path} on the container folder contract`,
    args: [],
    async run(ctx) {
      if (!existsSync(path) || !statSync(path).isFile())
        throw new AnalyticsError('E_ANALYTICS_MODULE', `${who}: ${path} does not exist or is not a file`, {
          hint: 'relative paths resolve from the working directory, as GET file:// paths do',
        });
      try {
        accessSync(path, constants.X_OK);
      } catch {
        throw new AnalyticsError('E_ANALYTICS_MODULE', `${who}: ${path} is not executable`, {
          hint: `make it executable: chmod +x ${path}`,
        });
      }
      const ex = await openExchange(ctx);
      try {
        const { code, stderr } = await runProcess(path, [ex.dir], {
          env: { ...process.env, ...argsEnvironment(ctx.args), PEREGRINE_ANALYTIC_DIR: ex.dir },
          cwd: ex.dir,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          who,
          missingHint: 'check the path',
        });
        if (code !== 0)
          throw new AnalyticsError('E_ANALYTICS_FAILED', `${who} exited with ${code ?? 'a signal'}`, {
            hint: stderr ? `its output:\n${tail(stderr)}` : 'it printed nothing',
          });
        return await collect(ctx, ex, who);
      } finally {
        await ex.dispose();
      }
    },
  };
}
