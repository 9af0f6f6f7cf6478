// The store's two ways in: records one by one, and runs of NDJSON lines split by DuckDB (what `peregrine ingest`
// uses for NDJSON files). Both must store the same documents under the same ids and reject the same lines.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ndjsonRecords } from '../../../src/ingest/formats.ts';
import { readLineRuns, readLines } from '../../../src/ingest/index.ts';
import {
  withStore,
  type AppendResult,
  type StoreLines,
  type StoreRecord,
} from '../../../src/store/ecs/index.ts';
import { corpusNdjson } from './corpus.ts';
import { tempDir } from './helpers.ts';

/** Every awkward line an NDJSON file can have, with the corpus around them. */
function awkwardFile(): Buffer {
  const text =
    '\uFEFF{"bom":"a byte-order mark at the start of the file is dropped"}\n' +
    corpusNdjson() +
    '{"crlf":true}\r\n' +
    '{"two_cr":true}\r\r\n' +
    '\n' +
    '   \t \r\n' +
    '\u00a0\u2028\u3000\n' +
    '  {"padded": "keeps its spaces"}  \n' +
    '{"broken": \n' +
    '[1, 2]\n' +
    '"text"\n' +
    'null\n' +
    '{"unicode":"ça — 漢字 😀"}\n' +
    '{"same":1}\n' +
    '{"same":1}\n' +
    '{"dotted.key":{"a":1},"process":{"parent.name":"x"}}\n' +
    '{"last":"no newline after me"}';
  // malformed UTF-8 inside a document: replaced on reading, the same way by both readers
  const cut = text.indexOf('\n') + 1;
  return Buffer.concat([
    Buffer.from(text.slice(0, cut)),
    Buffer.from('{"bad_utf8":"\xff\xfe"}\n', 'latin1'),
    Buffer.from(text.slice(cut)),
  ]);
}

async function ingestWith(
  path: string,
  records: AsyncIterable<StoreRecord | StoreLines>,
): Promise<{ result: AppendResult; rows: Record<string, unknown>[] }> {
  return withStore(path, 'write', async (s) => {
    const result = await s.appendRecords(records, { index: 'awk', files: ['in.ndjson'], batchSize: 7 });
    const rows = await s.all(
      `SELECT * EXCLUDE ("@timestamp", "event.start", "event.end", "process.start"), ` +
        `"@timestamp"::VARCHAR AS ts FROM ecs_docs ORDER BY _id`,
    );
    return { result, rows };
  });
}

const texts0 = (rows: Record<string, unknown>[]) => new Map(rows.map((r) => [String(r._source), r]));

describe('NDJSON runs', () => {
  const dir = tempDir();
  const file = join(dir, 'in.ndjson');
  writeFileSync(file, awkwardFile());

  test('readLineRuns gives readLines’ lines with the same numbers, whatever the run size', async () => {
    const want: string[] = [];
    for await (const l of readLines(file)) want.push(`${l.n}:${l.text}`);
    for (const bytes of [1, 64, 1000, 1 << 20]) {
      const got: string[] = [];
      let next = 1;
      for await (const r of readLineRuns(file, bytes)) {
        assert.equal(r.first, next, 'runs follow one another');
        const lines = r.text.split('\n');
        assert.equal(lines.length, r.count);
        lines.forEach((t, i) => got.push(`${r.first + i}:${t.endsWith('\r') ? t.slice(0, -1) : t}`));
        next = r.first + r.count;
      }
      // a file ending in a newline has no line after it; a run's text never ends with the cut newline
      assert.deepEqual(got, want, `runs of ${bytes} bytes`);
    }
  });

  test('runs and single records store the same documents under the same ids, and reject the same lines', async () => {
    const one = await ingestWith(
      join(dir, 'one.duckdb'),
      (async function* () {
        for await (const r of ndjsonRecords(file)) yield { source: r.source!, line: r.line, file: 0 };
      })(),
    );
    const runs = await ingestWith(
      join(dir, 'runs.duckdb'),
      (async function* () {
        for await (const r of readLineRuns(file, 300))
          yield { lines: r.text, count: r.count, line: r.first, file: 0 };
      })(),
    );
    assert.deepEqual(runs.rows, one.rows);
    const summary = (r: AppendResult) => ({
      accepted: r.accepted,
      created: r.created,
      updated: r.updated,
      repeated: r.repeated,
      rejected: r.rejected,
      rejections: r.rejections.map((x) => `${x.file}:${x.line} ${x.reason}`),
    });
    assert.deepEqual(summary(runs.result), summary(one.result));
    // the twin came earlier in the same ingest: a repeat, not a replacement of a stored document (issue 17)
    assert.deepEqual([runs.result.updated, runs.result.repeated], [0, 1], 'the repeated document is counted apart');
    const broken = awkwardFile().toString('utf8').split('\n').indexOf('{"broken": ') + 1;
    assert.deepEqual(
      runs.result.rejections.map((x) => `${x.line} ${x.reason.replace(/:.*/, '')}`),
      [
        `${broken} malformed JSON`,
        `${broken + 1} the document is an array, not a JSON object`,
        `${broken + 2} the document is a string, not a JSON object`,
        `${broken + 3} the document is null, not a JSON object`,
      ],
    );
    assert.ok(texts0(runs.rows).has('{"bom":"a byte-order mark at the start of the file is dropped"}'));
    const texts = texts0(runs.rows);
    assert.ok(texts.has('  {"padded": "keeps its spaces"}  '), 'a document is kept exactly as given');
    assert.ok(texts.has('{"two_cr":true}\r'), 'only one CR is a line ending');
    assert.ok(texts.has('{"last":"no newline after me"}'));
    assert.equal(texts.get('{"bad_utf8":"\uFFFD\uFFFD"}')?._irregular, false);
    assert.equal(texts.get('{"dotted.key":{"a":1},"process":{"parent.name":"x"}}')?._irregular, true);
  });

  test('a run whose index is not valid is rejected line by line', async () => {
    await withStore(join(dir, 'bad-index.duckdb'), 'write', async (s) => {
      const r = await s.appendRecords(
        [{ lines: '{"a":1}\n\n{"b":2}\n', count: 4, line: 10, index: 'Bad Name' }],
        {
          files: ['x.ndjson'],
        },
      );
      assert.deepEqual(
        r.rejections.map((x) => x.line),
        [10, 12],
      );
      assert.equal(r.accepted, 0);
    });
  });
});

describe('irregular rows', () => {
  test('dotted keys at any depth, also after an escape, flag the row; dots in values do not', async () => {
    const docs = [
      { source: '{"process":{"name":"a.b","executable":"/usr/bin/x.y"},"source":{"ip":"10.0.0.1"},"n":1.5}' },
      { source: '{"process.name":"a"}' },
      { source: '{"process":{"parent":{"na.me":"a"}}}' },
      { source: '{"x":{"we\\"ird.key":1}}' },
      { source: '{"x":{"back\\\\slash.key":1}}' },
      { source: '{"x" : {"spaced.key"  :  1}}' },
      { source: '{"process":{"pid":[1,2]}}' },
      { source: '{"tags":{"a":1}}' },
      { source: '{"tags":["a","b"],"process":{"args":"one"}}' },
    ];
    const path = join(tempDir(), 'irr.duckdb');
    const flags = await withStore(path, 'write', async (s) => {
      await s.appendRecords(docs, { index: 'irr' });
      const rows = await s.all(`SELECT _source, _irregular FROM ecs_docs`);
      return new Map(rows.map((r) => [r._source, r._irregular]));
    });
    assert.deepEqual(
      docs.map((d) => flags.get(d.source)),
      [false, true, true, true, true, true, true, true, false],
    );
  });
});

describe('typed timestamps', () => {
  test('UTC text takes the plain TIMESTAMP parse and lands on the same instant as the time-zone-aware one', async () => {
    const values = [
      '2021-01-01T00:00:00Z',
      '2021-01-01T00:00:00.123456789Z',
      '2021-01-01T00:00:00.5Z',
      '2021-01-01 10:11:12Z',
      '2021-01-01Z',
      '0001-01-01T00:00:00Z',
      '2021-02-30T00:00:00Z',
      '2021-01-01T24:00:00Z',
      '2021-06-01T01:00:00+01:00Z',
      'infinityZ',
      'Z',
      '2021-06-01T01:00:00+01:00',
      '2021-06-01T01:00:00-0530',
      '2021-06-01T01:00:00',
      1609459200000,
      '1609459200000',
      'yesterday',
    ];
    const path = join(tempDir(), 'ts.duckdb');
    const rows = await withStore(path, 'write', async (s) => {
      await s.append(
        'ts',
        values.map((v) => ({ '@timestamp': v })),
      );
      // the general conversion, written out here as the reference
      return s.all(
        `SELECT _source, "@timestamp"::VARCHAR AS got, ref::VARCHAR AS want FROM (SELECT *, ` +
          `coalesce(TRY_CAST(TRY_CAST(x AS TIMESTAMPTZ) AS TIMESTAMP), TRY_CAST(epoch_ms(TRY_CAST(x AS BIGINT)) AS TIMESTAMP)) AS ref ` +
          `FROM (SELECT *, json_extract_string(_source, '$."@timestamp"') AS x FROM ecs_docs))`,
      );
    });
    assert.equal(rows.length, values.length);
    for (const r of rows) assert.equal(r.got, r.want, String(r._source));
    const byText = new Map(rows.map((r) => [String(r._source), r.got]));
    assert.equal(byText.get('{"@timestamp":"2021-01-01T00:00:00.123456789Z"}'), '2021-01-01 00:00:00.123456');
    assert.equal(byText.get('{"@timestamp":"2021-06-01T01:00:00+01:00"}'), '2021-06-01 00:00:00');
  });
});
