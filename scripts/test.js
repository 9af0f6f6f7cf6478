#!/usr/bin/env node
// `npm test`: finds every test/**/*.test.ts and runs it with node's test runner through tsx.
// Integration tests that need OpenSearch get one started here (scripts/opensearch.sh) unless one already answers
// on PEREGRINE_OPENSEARCH_URL; it is stopped again at the end if this script started it.
// Usage: npm test [-- PATH_FILTER…]   e.g. npm test -- stix hunt/syntax
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const filters = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = walk(join(root, 'test'), [])
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

const needsOpenSearch = files.some((f) => f.includes('integration') || f.includes('opensearch'));
let startedOpenSearch = false;
if (needsOpenSearch && process.env.PEREGRINE_SKIP_OPENSEARCH_START !== '1') {
  const probe = spawnSync('bash', [join(root, 'scripts/opensearch.sh'), 'status'], { stdio: 'pipe' });
  if (probe.status !== 0) {
    const r = spawnSync('bash', [join(root, 'scripts/opensearch.sh'), 'start'], { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error('could not start OpenSearch for the integration tests (see above)');
      process.exit(1);
    }
    startedOpenSearch = true;
  }
}

const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, PEREGRINE_TEST: '1' } },
);
if (startedOpenSearch) spawnSync('bash', [join(root, 'scripts/opensearch.sh'), 'stop'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
