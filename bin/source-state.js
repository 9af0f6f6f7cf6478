// Whether dist/ (the compiled JavaScript that `npm install` builds from src/) still matches the sources.
// Shared by bin/peregrine.js (which runs dist/ only when it is fresh) and scripts/build.js (which writes the stamp).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The stamp file the build writes last, inside the dist directory. */
export const STAMP = '.build-stamp.json';

/**
 * The newest modification time and the number of files under src/, plus the build script's own time (a changed build
 * makes every output stale). About 2 ms of CPU for src/'s ~360 files: a stat per file, no reading.
 */
export function sourceState(root) {
  let newest = statSync(join(root, 'scripts', 'build.js')).mtimeMs;
  let files = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${e.name}`; // not path.join: its normalising is half the walk's time
      if (e.isDirectory()) walk(p);
      else {
        files++;
        const m = statSync(p).mtimeMs;
        if (m > newest) newest = m;
      }
    }
  };
  walk(join(root, 'src'));
  return { newest, files };
}

/**
 * Why `dist` cannot stand in for src/ (missing, unreadable stamp, a source newer than the build, a file added or
 * removed), or undefined when it can.
 */
export function staleReason(root, dist = join(root, 'dist')) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(dist, STAMP), 'utf8'));
  } catch {
    return 'dist/ is not built';
  }
  const now = sourceState(root);
  if (now.newest > stamp.newest) return 'a source file is newer than dist/';
  if (now.files !== stamp.files) return `src/ holds ${now.files} files, dist/ was built from ${stamp.files}`;
  return undefined;
}
