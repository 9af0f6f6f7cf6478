/**
 * Parity of the embedded store with OpenSearch: the same documents are ingested (with `peregrine ingest`'s API) into
 * a real OpenSearch (started by `npm test` via scripts/opensearch.sh) and into a store file; every conformance
 * pattern (test/cases/sql) and every huntflow below must give identical observations and identical tables through a
 * `local` profile and an `elastic_ecs` profile.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSource } from '../../src/connectors/index.ts';
import type { DataSource } from '../../src/connectors/types.ts';
import type { Observation } from '../../src/stix/observation.ts';
import { HuntSession } from '../../src/hunt/session/index.ts';
import { ingest } from '../../src/ingest/index.ts';
import { renderDisplayText } from '../../src/render/index.ts';
import { parsePattern } from '../../src/stix/index.ts';
import { parseCases } from '../support/fixtures.ts';
import { readFileSync } from 'node:fs';
import { corpusNdjson } from '../store/ecs/corpus.ts';
import { tempDir } from '../store/ecs/helpers.ts';
import { KESTREL_TEST_DATA } from '../support/data.ts';

const url = new URL(process.env.PEREGRINE_OPENSEARCH_URL ?? 'http://127.0.0.1:9200');
const run = `parity-${process.pid}`;

function profiles(name: string, index: string, store: string): void {
  process.env[`STIXSHIFTER_${name}OS_CONNECTION`] = JSON.stringify({
    host: url.hostname,
    port: Number(url.port || 9200),
    scheme: url.protocol.replace(':', ''),
    indices: index,
    options: { time_range: 0 },
  });
  process.env[`STIXSHIFTER_${name}LOC_CONNECTOR`] = 'local';
  process.env[`STIXSHIFTER_${name}LOC_CONNECTION`] = JSON.stringify({
    path: store,
    indices: index,
    options: { time_range: 0 },
  });
}

async function collect(src: DataSource, pattern: string): Promise<string[]> {
  const out: Observation[] = [];
  for await (const o of src.query({ entityType: 'process', pattern: parsePattern(pattern) })) out.push(o);
  return out.map((o) => JSON.stringify(o)).sort();
}

describe('embedded store ↔ OpenSearch parity', { timeout: 600_000 }, () => {
  const dir = tempDir('peregrine-parity-');
  const store = join(dir, 'store.duckdb');

  before(async () => {
    const corpusFile = join(dir, 'corpus.ndjson');
    writeFileSync(corpusFile, corpusNdjson());
    profiles('PECS', `${run}-ecs`, store);
    profiles('PK', `${run}-kestrel-*`, store);
    const kestrel = [
      join(KESTREL_TEST_DATA, 'test_bundle.json'),
      join(KESTREL_TEST_DATA, 'doctored-1k.json'),
    ];
    for (const to of [{ to: 'PECSOS', refresh: true }, { store }]) {
      const a = await ingest({ files: [corpusFile], index: `${run}-ecs`, ...to });
      assert.deepEqual(a.rejections, []);
      const b = await ingest({ files: kestrel, index: `${run}-kestrel-a`, ...to });
      assert.deepEqual(b.rejections, []);
    }
  });

  after(async () => {
    await fetch(new URL(`/${run}-*`, url), { method: 'DELETE' }).catch(() => undefined);
  });

  test('every conformance pattern selects the same observations', async () => {
    const os = await openSource('stixshifter://PECSOS');
    const loc = await openSource('stixshifter://PECSLOC');
    const cases = parseCases(
      readFileSync(join(import.meta.dirname, '..', 'backends', 'sql', 'cases', 'patterns.txt'), 'utf8'),
    );
    const mismatches: string[] = [];
    let nonEmpty = 0;
    for (const c of cases) {
      const run = (src: DataSource) => collect(src, c.input).catch((e: Error) => [`error: ${e.message}`]);
      const [a, b] = [await run(os), await run(loc)];
      if (a.length) nonEmpty++;
      if (JSON.stringify(a) !== JSON.stringify(b))
        mismatches.push(
          `${c.name}: opensearch ${a.length} ${a[0]?.slice(0, 300)}, local ${b.length} ${b[0]?.slice(0, 300)}`,
        );
    }
    await os.close?.();
    await loc.close?.();
    assert.deepEqual(mismatches, []);
    assert.ok(nonEmpty >= cases.length - 4, 'the corpus makes almost every pattern select something');
  });

  const W = "START t'2020-06-01T00:00:00Z' STOP t'2020-08-01T00:00:00Z'";
  const huntflows: Record<string, string> = {
    'GET with WHERE, DISP sorted': `conns = GET network-traffic FROM $SRC WHERE dst_port = 22 ${W}\nDISP conns ATTR src_ref.value, src_port, dst_port SORT BY src_port LIMIT 20`,
    'FIND ipv4 CREATED traffic': `conns = GET network-traffic FROM $SRC WHERE dst_port = 22 ${W}\nsrcs = FIND ipv4-addr CREATED conns\nDISP srcs ATTR value SORT BY value`,
    'GROUP with aggregations': `conns = GET network-traffic FROM $SRC WHERE [network-traffic:dst_port > 0] ${W}\ng = GROUP conns BY dst_port WITH MAX(src_port), MIN(src_port) AS lo, NUNIQUE(src_ref.value) AS clients\nDISP g`,
    SORT: `conns = GET network-traffic FROM $SRC WHERE dst_port = 22 ${W}\ns = SORT conns BY src_port ASC\nDISP s ATTR src_port LIMIT 5 OFFSET 1`,
    'processes and FIND network-traffic CREATED BY': `procs = GET process FROM $SRC WHERE name LIKE '%.exe' START t'2019-01-01T00:00:00Z' STOP t'2022-01-01T00:00:00Z'\nconns = FIND network-traffic CREATED BY procs\ng = GROUP procs BY name WITH COUNT(pid) AS n\nDISP g SORT BY name`,
    'multi-source: FIND on a second GET source': `a = GET network-traffic FROM $SRC WHERE dst_port = 22 ${W}\nb = GET network-traffic FROM $SRC WHERE dst_port = 80 ${W}\nDISP a ATTR dst_port, src_port SORT BY src_port LIMIT 3\nDISP b ATTR dst_port, src_port SORT BY src_port LIMIT 3`,
  };

  for (const [name, flow] of Object.entries(huntflows)) {
    test(`huntflow: ${name}`, async () => {
      const results: string[] = [];
      for (const src of ['stixshifter://PKOS', 'stixshifter://PKLOC']) {
        const session = await HuntSession.create();
        try {
          const r = await session.execute(flow.replaceAll('$SRC', src));
          const out = r.summary.map((v) => `${v.name} ${v.type} ${v.entities} ${v.records}`);
          for (const d of r.displays) out.push(renderDisplayText(d, { maxCell: 0 }));
          results.push(out.join('\n'));
        } finally {
          await session.close();
        }
      }
      assert.equal(results[1], results[0]);
      assert.match(results[0], /\S/);
    });
  }
});
