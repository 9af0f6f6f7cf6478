/**
 * Which analytic an APPLY URI names (house rule 9: a typed registry the CLI lists):
 * - `NAME` or `analytics://NAME`: a built-in (`builtins/index.ts`), else the profile of that name (a Python
 *   analytic, or a TypeScript/JavaScript module when the profile's module is one);
 * - `python://NAME`: a Kestrel 1.x Python analytic from a profile (`python/profiles.ts`);
 * - `docker://NAME`: the container image `kestrel-analytics-NAME` (Kestrel's container contract);
 * - `exec://PATH`: a local executable on the same folder contract;
 * - `file://PATH.ts|.js|.mjs`: a TypeScript/JavaScript module exporting an analytic function.
 */
import { isAbsolute, resolve } from 'node:path';
import { didYouMean } from '../common/index.ts';
import { AnalyticsError } from '../errors/index.ts';
import { BUILTINS } from './builtins/index.ts';
import type { Analytic } from './contract.ts';
import { containerAnalytic, execAnalytic } from './folder/index.ts';
import { MODULE_FILE, moduleAnalytic } from './module.ts';
import { loadPythonProfiles, pythonAnalytic, type PythonProfile } from './python/index.ts';

/** The interfaces (URI schemes) APPLY understands, for listings and hints. */
export const INTERFACES: readonly { readonly scheme: string; readonly description: string }[] = [
  { scheme: 'analytics://NAME', description: 'a built-in analytic (NAME alone works too)' },
  { scheme: 'python://NAME', description: 'a Kestrel Python analytic from a profile (pythonanalytics.yaml)' },
  { scheme: 'docker://NAME', description: 'the container image kestrel-analytics-NAME (docker or podman)' },
  { scheme: 'exec://PATH', description: 'a local executable on the container folder contract' },
  { scheme: 'file://PATH', description: 'a TypeScript/JavaScript module exporting an analytic function' },
];

const registered = new Map<string, Analytic>(BUILTINS.map((a) => [a.name, a]));

/** Adds an analytic under its name (a later one of the same name replaces the earlier). */
export function registerAnalytic(a: Analytic): void {
  registered.set(a.name, a);
}

/** The built-in and registered analytics, by name. */
export function listAnalytics(): Analytic[] {
  return [...registered.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The analytic of profile `name`: a TypeScript/JavaScript module when its module is `.ts`, `.mts`, `.js` or `.mjs`
 * (how a module of one's own gets a name: `APPLY NAME ON x`), else a Kestrel Python analytic.
 */
function profileAnalytic(name: string, p: PythonProfile): Promise<Analytic> | Analytic {
  return MODULE_FILE.test(p.module) ? moduleAnalytic(p.module, name) : pythonAnalytic(name, p);
}

function pathOf(rest: string, baseDir: string): string {
  return isAbsolute(rest) ? rest : resolve(baseDir, rest);
}

/** The analytic `uri` names; paths resolve from `baseDir`. */
export async function resolveAnalytic(uri: string, baseDir: string): Promise<Analytic> {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(uri);
  const scheme = m ? m[1]!.toLowerCase() : 'analytics';
  const rest = m ? m[2]! : uri;
  if (!rest)
    throw new AnalyticsError('E_ANALYTICS_URI', `"${uri}" names no analytic`, {
      hint: `write ${INTERFACES.map((i) => i.scheme).join(', ')}`,
    });
  switch (scheme) {
    case 'analytics': {
      const a = registered.get(rest);
      if (a) return a;
      const profiles = await loadPythonProfiles();
      const p = profiles.get(rest);
      if (p) return profileAnalytic(rest, p);
      const names = [...registered.keys(), ...profiles.keys()];
      throw new AnalyticsError('E_UNKNOWN_ANALYTICS', `unknown analytic "${rest}"`, {
        hint:
          didYouMean(rest, names) ??
          `built-in analytics: ${[...registered.keys()].sort().join(', ')}; \`peregrine analytics\` lists them with their arguments`,
      });
    }
    case 'python': {
      const profiles = await loadPythonProfiles();
      const p = profiles.get(rest);
      if (!p)
        throw new AnalyticsError('E_UNKNOWN_ANALYTICS', `no Python analytic profile "${rest}"`, {
          hint:
            didYouMean(rest, profiles.keys()) ??
            (profiles.size
              ? `profiles: ${[...profiles.keys()].join(', ')}`
              : 'add it to ~/.config/kestrel/pythonanalytics.yaml (profiles: NAME: {module: PATH, func: NAME}) or to the Peregrine file named in docs/analytics.md'),
        });
      return profileAnalytic(rest, p);
    }
    case 'docker':
      return containerAnalytic(rest);
    case 'exec':
      return execAnalytic(pathOf(rest, baseDir));
    case 'file':
      return moduleAnalytic(pathOf(rest, baseDir));
    default:
      throw new AnalyticsError('E_ANALYTICS_URI', `unknown analytics interface "${scheme}://"`, {
        hint: `use one of ${INTERFACES.map((i) => i.scheme).join(', ')}`,
      });
  }
}
