#!/usr/bin/env node
// Entry point of the `peregrine` command. It runs the compiled JavaScript in dist/ (built from src/ by
// scripts/build.js when `npm install` runs the `prepare` script) while no source file is newer than that build;
// otherwise — a developer's edit, a checkout, no build yet — it runs the TypeScript sources through tsx, so a stale
// dist/ never runs. PEREGRINE_RUN=src forces the sources, PEREGRINE_RUN=dist insists on dist/ (an error when stale).
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import { staleReason } from './source-state.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const want = process.env.PEREGRINE_RUN;
const stale = want === 'src' ? 'PEREGRINE_RUN=src' : staleReason(root);
if (stale === undefined) {
  // Node 22+ keeps compiled code between runs (a no-op on Node 20, which has no such cache).
  module.enableCompileCache?.();
  await import('../dist/cli/main.js');
} else if (want === 'dist') {
  process.stderr.write(
    `error[E_DIST_STALE]: PEREGRINE_RUN=dist, but ${stale}\nhint: run \`npm run build\`\n`,
  );
  process.exitCode = 1;
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
