/** Paths for the SysFlow tests: the real traces vendored under test/data/sysflow. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSFLOW_DATA } from '../../support/data.ts';

export const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
export const TRACES = join(SYSFLOW_DATA, 'sf-processor', 'resources', 'traces');

/** Every `.sf` file under test/data/sysflow, sorted, as [relative name, absolute path]. */
export function allTraces(): [string, string][] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.sf')) out.push(p);
    }
  };
  walk(SYSFLOW_DATA);
  return out.sort().map((p) => [relative(SYSFLOW_DATA, p), p]);
}
