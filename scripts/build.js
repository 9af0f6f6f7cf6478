#!/usr/bin/env node
// `npm run build` (also the `prepare` script, so a plain `npm install` runs it): compiles src/**/*.ts into dist/ with
// esbuild, one output file per source at the same depth (dist/cli/main.js for src/cli/main.ts), so that paths a
// module resolves from its own place — ./data/*.json, bridge.py, ../../bin, ../../../../data — hold from dist/ too.
// Relative imports stay imports (`./x.ts` becomes `./x.js`); JSON imported with `with { type: 'json' }` is inlined;
// packages stay external. Every other file under src/ is copied beside its module. The build writes into a scratch
// directory and swaps it in, so a `peregrine` started meanwhile sees the old dist/ or none, never half of one; the
// stamp it writes (bin/source-state.js) lets bin/peregrine.js run dist/ only while no source is newer.
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { sourceState, STAMP } from '../bin/source-state.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
// At the root, beside src/ and dist/: the same depth, so the swap is a rename on one file system.
const scratch = join(root, `.dist-build-${process.pid}`);

// Read before compiling: a source saved during the build is then newer than the stamp, and dist/ counts as stale.
const state = sourceState(root);

const ts = [];
const other = [];
(function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) ts.push(p);
    else other.push(p);
  }
})(src);

/** Relative imports of TypeScript modules stay imports of the compiled sibling. */
const relativeModules = {
  name: 'relative-modules',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.(ts|js|mjs)$/ }, (args) => ({
      path: args.path.replace(/\.ts$/, '.js'),
      external: true,
    }));
  },
};

rmSync(scratch, { recursive: true, force: true });
try {
  await build({
    entryPoints: ts,
    outdir: scratch,
    outbase: src,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [relativeModules],
  });
  for (const f of other) {
    const to = join(scratch, relative(src, f));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(f, to);
  }
  writeFileSync(join(scratch, STAMP), JSON.stringify(state) + '\n');
  const old = join(root, `.dist-old-${process.pid}`);
  let moved = false;
  try {
    renameSync(dist, old);
    moved = true;
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  renameSync(scratch, dist);
  if (moved) rmSync(old, { recursive: true, force: true });
} catch (e) {
  rmSync(scratch, { recursive: true, force: true });
  throw e;
}
if (!process.argv.includes('--quiet'))
  process.stdout.write(`dist/: ${ts.length} modules compiled, ${other.length} data files copied\n`);
