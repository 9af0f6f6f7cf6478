/**
 * Python analytic profiles, as Kestrel 1.x reads them: YAML `profiles: {NAME: {module: PATH, func: NAME}}` in
 * `~/.config/kestrel/pythonanalytics.yaml`, and the same shape in Peregrine's own file — `$PEREGRINE_ANALYTICS_CONFIG`,
 * else `$XDG_CONFIG_HOME/peregrine/analytics.yaml` (`~/.config/…`) — whose profiles win over Kestrel's of the same
 * name. `~` in a module path is the home folder; a relative path resolves from the file's folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { AnalyticsError } from '../../errors/index.ts';

export interface PythonProfile {
  readonly module: string;
  readonly func: string;
  /** The file the profile comes from. */
  readonly file: string;
}

const FILE = z.object({
  profiles: z
    .record(
      z.object({ module: z.string().min(1), func: z.string().min(1).default('analytics') }).passthrough(),
    )
    .default({}),
});

/** The profile files, lowest precedence first. */
export function profileFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME || homedir();
  const kestrel = join(home, '.config', 'kestrel', 'pythonanalytics.yaml');
  const own =
    env.PEREGRINE_ANALYTICS_CONFIG ||
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'peregrine', 'analytics.yaml');
  return [kestrel, own];
}

function expand(path: string, file: string, home: string): string {
  const p = path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
  return isAbsolute(p) ? p : resolve(dirname(file), p);
}

/** Every profile of the profile files (an explicit `$PEREGRINE_ANALYTICS_CONFIG` must exist). */
export async function loadPythonProfiles(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Map<string, PythonProfile>> {
  const out = new Map<string, PythonProfile>();
  const home = env.HOME || homedir();
  for (const file of profileFiles(env)) {
    if (!existsSync(file)) {
      if (file === env.PEREGRINE_ANALYTICS_CONFIG)
        throw new AnalyticsError(
          'E_ANALYTICS_CONFIG',
          `PEREGRINE_ANALYTICS_CONFIG names ${file}, which does not exist`,
          {
            hint: 'point it at a YAML file of analytic profiles, or unset it',
          },
        );
      continue;
    }
    let data: unknown;
    try {
      data = parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new AnalyticsError(
        'E_ANALYTICS_CONFIG',
        `cannot read analytic profiles ${file}: ${(e as Error).message}`,
        {
          cause: e,
          hint: 'the file is YAML: profiles: {NAME: {module: PATH, func: NAME}}',
        },
      );
    }
    const parsed = FILE.safeParse(data ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AnalyticsError(
        'E_ANALYTICS_CONFIG',
        `analytic profiles ${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`,
        { hint: 'each profile is NAME: {module: PATH, func: NAME}' },
      );
    }
    for (const [name, p] of Object.entries(parsed.data.profiles))
      out.set(name, { module: expand(p.module, file, home), func: p.func, file });
  }
  return out;
}
