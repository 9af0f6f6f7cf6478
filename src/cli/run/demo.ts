/**
 * The demo: `demo/hello.hf` hunts `data/demo/test_bundle.json` (Kestrel's test bundle, Apache-2.0). The huntflow names
 * the bundle relative to the repository root, so the demo runs from there whatever the working directory.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHuntflow } from './run-file.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export async function runDemo(flags: { format?: string }): Promise<void> {
  const file = join(REPO_ROOT, 'demo', 'hello.hf');
  process.chdir(REPO_ROOT);
  process.stdout.write(`# Peregrine demo — ${file}\n\n${readFileSync(file, 'utf8')}\n`);
  await runHuntflow(readFileSync(file, 'utf8'), 'demo/hello.hf', flags, 'run');
}
