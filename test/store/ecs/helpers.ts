/** Shared set-up of the store tests: temporary store files, and the corpus loaded into one. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openStore } from '../../../src/store/ecs/index.ts';
import { corpus } from './corpus.ts';

/** A fresh directory removed after the test file. */
export function tempDir(prefix = 'peregrine-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A store file holding the corpus in index `corpus-a` (first half) and `corpus-b` (second half). */
export async function corpusStore(dir = tempDir()): Promise<string> {
  const path = join(dir, 'corpus.duckdb');
  const docs = corpus();
  const half = Math.ceil(docs.length / 2);
  const store = await openStore(path, { mode: 'write' });
  try {
    await store.append('corpus-a', docs.slice(0, half), {
      idOf: (d) => `doc-${docs.indexOf(d as Record<string, unknown>)}`,
    });
    await store.append('corpus-b', docs.slice(half), {
      idOf: (d) => `doc-${docs.indexOf(d as Record<string, unknown>)}`,
    });
  } finally {
    await store.close();
  }
  return path;
}
