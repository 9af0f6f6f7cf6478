import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  readSysFlowFile,
  readSysFlowStream,
  writeSysFlowFile,
  readItems,
  encodeSysFlow,
} from '../../../../src/telemetry/sysflow/format/index.ts';
import { decodeLongVarint, encodeLongVarint } from '../../../../src/telemetry/sysflow/format/long-type.ts';
import {
  ipv4ToString,
  ipv4FromString,
  opFlagNames,
  openFlagNames,
  type SysFlowRecord,
} from '../../../../src/telemetry/sysflow/records/index.ts';
import { TelemetryError } from '../../../../src/errors/index.ts';
import { allTraces, TRACES } from '../helpers.ts';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('longs: zig-zag varints round-trip at the edges of the safe range and of 64 bits', () => {
  for (const v of [
    0,
    1,
    -1,
    63,
    -64,
    64,
    2 ** 31,
    -(2 ** 31),
    2 ** 48,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
  ]) {
    assert.equal(decodeLongVarint(encodeLongVarint(v)), v);
  }
  for (const v of [1669702299665947927n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n]) {
    assert.equal(decodeLongVarint(encodeLongVarint(v)), v);
  }
});

test('IPv4 ints keep the first octet in the low byte', () => {
  assert.equal(ipv4ToString(0x0100007f), '127.0.0.1');
  assert.equal(ipv4FromString('10.0.0.255'), (255 << 24) | 10);
  assert.equal(ipv4ToString(ipv4FromString('192.168.1.200')), '192.168.1.200');
});

test('flags decode to their names', () => {
  assert.deepEqual(opFlagNames((1 << 7) | (1 << 8) | (1 << 10)), ['OPEN', 'READ_RECV', 'CLOSE']);
  assert.deepEqual(openFlagNames(3 | 4 | 256), ['RDWR', 'CREAT', 'TRUNC']);
  assert.deepEqual(openFlagNames(1), ['RDONLY']);
});

for (const [name, path] of allTraces()) {
  test(`round trip: ${name} read → write → read gives the same records`, async () => {
    const records = await collect(readSysFlowFile(path));
    assert.ok(records.length > 0);
    assert.equal(records[0].kind, 'Header');
    const dir = mkdtempSync(join(tmpdir(), 'peregrine-sf-'));
    try {
      const out = join(dir, 'rt.sf');
      assert.equal(await writeSysFlowFile(out, records, { blockSize: 97 }), records.length);
      assert.deepEqual(await collect(readSysFlowFile(out)), records);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('streaming: a file fed one byte-chunk of 7 bytes at a time decodes the same', async () => {
  const path = join(TRACES, 'shellshock.sf');
  const bytes = readFileSync(path);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
  }
  assert.deepEqual(
    await collect(readSysFlowStream(chunks(), 'chunks')),
    await collect(readSysFlowFile(path)),
  );
});

test('resolution: shellshock exec of bash resolves process, parent, ancestors and container', async () => {
  const items = await collect(readItems(readSysFlowFile(join(TRACES, 'shellshock.sf')), 'shellshock.sf'));
  const execs = items.filter(
    (i) =>
      i.record.kind === 'ProcessEvent' && i.record.opFlags === 2 && i.event?.process?.exe === '/bin/bash',
  );
  assert.ok(execs.length >= 1);
  const ev = execs[0].event!;
  assert.equal(ev.container?.name, 'apache');
  assert.ok(ev.parent, 'parent resolved');
  assert.equal(ev.ancestors[0], ev.parent);
  assert.ok(
    ev.ancestors.some((a) => a.exe === '/lib/systemd/systemd'),
    'chain reaches pid 1',
  );
  const ff = items.find((i) => i.record.kind === 'FileFlow' && i.event?.file?.path === '/etc/passwd');
  assert.ok(ff, 'the FileFlow reading /etc/passwd resolves its file');
});

test('errors: a non-Avro file and a truncated file raise TelemetryError', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-sf-'));
  try {
    const bad = join(dir, 'bad.sf');
    writeFileSync(bad, 'hello world');
    await assert.rejects(
      collect(readSysFlowFile(bad)),
      (e) => e instanceof TelemetryError && e.code === 'E_SYSFLOW_FORMAT',
    );
    const cut = join(dir, 'cut.sf');
    const full = readFileSync(join(TRACES, 'shellshock.sf'));
    writeFileSync(cut, full.subarray(0, full.length - 100));
    await assert.rejects(
      collect(readSysFlowFile(cut)),
      (e) => e instanceof TelemetryError && e.code === 'E_SYSFLOW_TRUNCATED',
    );
    await assert.rejects(
      collect(readSysFlowFile(join(dir, 'missing.sf'))),
      (e) => e instanceof TelemetryError && e.code === 'E_SYSFLOW_OPEN',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writer: encodes a hand-built record stream with the null codec too', async () => {
  const recs: SysFlowRecord[] = [
    { kind: 'Header', version: 5, exporter: 'peregrine-test', ip: '10.0.0.1', filename: 'x' },
    {
      kind: 'K8sEvent',
      k8sKind: 'K8S_PODS',
      action: 'K8S_COMPONENT_ADDED',
      ts: 1700000000000000001n,
      message: '{"a":1}',
    },
    // longs at the edges: 64-bit extremes as bigint, ±2^53-1 and small negatives as numbers
    {
      kind: 'ProcessFlow',
      procOID: { createTS: -(2n ** 63n), hpid: -1 },
      ts: 2n ** 63n - 1n,
      numThreadsCloned: Number.MAX_SAFE_INTEGER,
      opFlags: 0,
      endTs: 0n,
      numThreadsExited: -Number.MAX_SAFE_INTEGER,
      numCloneErrors: 2 ** 49,
    },
    {
      kind: 'ProcessFlow',
      procOID: { createTS: 2n ** 53n, hpid: 2 ** 31 },
      ts: 1n,
      numThreadsCloned: 2 ** 48 - 1,
      opFlags: 1,
      endTs: 2n ** 56n + 3n,
      numThreadsExited: -(2 ** 48),
      numCloneErrors: -64,
    },
  ];
  const chunks = await collect(encodeSysFlow(recs, { codec: 'null' }));
  async function* src(): AsyncGenerator<Buffer> {
    yield* chunks;
  }
  assert.deepEqual(await collect(readSysFlowStream(src(), 'mem')), recs);
});

test('snappy: literals and both copy forms decompress; a snappy-coded trace round-trips', async () => {
  const { unsnappy, unsnappyBlock, snappyBlock } =
    await import('../../../../src/telemetry/sysflow/format/snappy.ts');
  // "abcabcabcX" + "abc": literal abc, copy(len 6, offset 3, 1-byte offset), literal X, copy(len 3, offset 4, 2-byte offset)
  const raw = Buffer.from([
    13,
    2 << 2,
    0x61,
    0x62,
    0x63,
    ((6 - 4) << 2) | 1,
    3,
    0 << 2,
    0x58,
    ((3 - 1) << 2) | 2,
    4,
    0,
  ]);
  assert.equal(unsnappy(raw).toString(), 'abcabcabcXabc');
  assert.throws(() => unsnappyBlock(Buffer.concat([raw, Buffer.from([0, 0, 0, 0])])), /checksum/);
  const big = Buffer.from('x'.repeat(70000) + 'y'.repeat(300));
  assert.deepEqual(unsnappyBlock(snappyBlock(big)), big);
  const records = await collect(readSysFlowFile(join(TRACES, 'shellshock.sf')));
  const chunks = await collect(encodeSysFlow(records, { codec: 'snappy', blockSize: 7 }));
  async function* src(): AsyncGenerator<Buffer> {
    yield* chunks;
  }
  assert.deepEqual(await collect(readSysFlowStream(src(), 'snappy')), records);
});
