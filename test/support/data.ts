/**
 * The third-party data the tests and benchmarks read, vendored under `test/data/<source>/` (each folder keeps its
 * upstream licence; its README names the origin and commit). Every test and benchmark reaches that data through the
 * names exported here, never through a path of its own: a clone of the repository must be complete by itself.
 */
import { createHash } from 'node:crypto';
import { readlinkSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** `test/data`: the vendored folders, one per source. */
export const TEST_DATA = join(import.meta.dirname, '..', 'data');

/** Kestrel 1.x's Python analytics (`analytics/<name>/analytics.py`), run unchanged by the python:// tests. */
export const KESTREL_ANALYTICS = join(TEST_DATA, 'kestrel-analytics', 'analytics');

/** STIX-shifter: the elastic_ecs vectors and maps, the splunk pattern cases, the connectors' cybox bundles. */
export const STIX_SHIFTER_DATA = join(TEST_DATA, 'stix-shifter');

/** OASIS's STIX 2.1 JSON schemas (`common/`, `observables/`, `sdos/`, `sros/`). */
export const STIX2_SCHEMAS = join(TEST_DATA, 'stix2-json-schemas', 'schemas');

/** SysFlow: sf-processor's traces and policies, sf-collector's captures, the ECS exporter examples. */
export const SYSFLOW_DATA = join(TEST_DATA, 'sysflow');

/** Falco's rule files (`rules/*.yaml`). */
export const FALCO_DATA = join(TEST_DATA, 'falco');

/** OTRF Security-Datasets: Windows event recordings of attacks, JSON lines zipped. */
export const OTRF_DATA = join(TEST_DATA, 'otrf');

/** SigmaHQ: the regression cases (`regression_data/`), the rules they name, and the rule corpus (`corpus/`). */
export const SIGMA_DATA = join(TEST_DATA, 'sigma');

/**
 * A path of fixed length for `real`. Error positions and table widths in the fixture cases depend on how long a
 * bundle's path is, and a checkout can live anywhere; so the tests reach such data through a symlink in /tmp whose
 * name does not depend on where the checkout is (its suffix is a hash of the real folder, so two checkouts side by
 * side do not collide).
 */
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

/** Kestrel 1.x's test bundles and LOAD inputs (`test/data/kestrel/test-data`), as a path of fixed length. */
export const KESTREL_TEST_DATA = linkTo(join(TEST_DATA, 'kestrel', 'test-data'));
