/**
 * Kestrel's test bundles seen through a path of fixed length. Error positions and table widths in the fixture
 * cases depend on how long the bundle's path is, and a checkout can live anywhere; so the tests reach
 * `../shared/data/kestrel/test-data` through a symlink in the temp directory whose name does not depend on where
 * the checkout is (its suffix is a hash of the real folder, so two checkouts side by side do not collide).
 */
import { createHash } from 'node:crypto';
import { readlinkSync, renameSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REAL = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'kestrel', 'test-data');

function linkTo(real: string): string {
  const link = join('/tmp', `peregrine-td-${createHash('sha256').update(real).digest('hex').slice(0, 8)}`);
  try {
    if (readlinkSync(link) === real) return link;
  } catch {
    // missing: create it below
  }
  const tmp = `${link}.${process.pid}`;
  symlinkSync(real, tmp);
  renameSync(tmp, link); // atomic: concurrent test processes all end with the same link
  return link;
}

/** The folder of Kestrel's test bundles, as a path of fixed length. */
export const KESTREL_TEST_DATA = linkTo(REAL);
