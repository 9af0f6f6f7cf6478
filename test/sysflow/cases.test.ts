/**
 * Conformance: record counts per type (and the operations of process/file events) for every real trace, written
 * down in test/cases/sysflow/record-counts.txt. Each count is also checked against a second, independent decode:
 * avsc's own object-container decoder with the writer schema (its block framing, inflate and union resolution,
 * none of ours), so a fixture cannot silently record a reader bug.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import avsc from 'avsc';
import { runCases } from '../support/fixtures.ts';
import { readSysFlowFile } from '../../src/telemetry/sysflow/format/index.ts';
import { sysflowLongType } from '../../src/telemetry/sysflow/format/long-type.ts';
import { opFlagNames, RECORD_KINDS, type SysFlowRecord } from '../../src/telemetry/sysflow/records.ts';
import { ROOT, SYSFLOW_DATA } from './helpers.ts';

/** Counts by union branch name through avsc's file decoder alone. */
async function avscCounts(path: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  // Old writers spell timestamps {"type":"long","logicalType":"timestamp-millis"}: read them as plain longs.
  const plainLongs = (s: unknown): unknown =>
    JSON.parse(JSON.stringify(s).replaceAll('{"type":"long","logicalType":"timestamp-millis"}', '"long"'));
  await new Promise<void>((resolve, reject) => {
    avsc
      .createFileDecoder(path, {
        parseHook: (s: unknown) => avsc.Type.forSchema(plainLongs(s) as avsc.Schema, { registry: { long: sysflowLongType }, wrapUnions: true }),
      })
      .on('data', (v: { rec: Record<string, unknown> }) => {
        const name = Object.keys(v.rec)[0].split('.').pop()!;
        const kind = name === 'SFHeader' ? 'Header' : name;
        counts[kind] = (counts[kind] ?? 0) + 1;
      })
      .on('end', resolve)
      .on('error', reject);
  });
  return counts;
}

function opsLine(label: string, recs: SysFlowRecord[]): string | undefined {
  if (recs.length === 0) return undefined;
  const by = new Map<string, number>();
  for (const r of recs) {
    const k = opFlagNames((r as { opFlags: number }).opFlags).join('|');
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  return `${label} ${[...by].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k}=${n}`).join(' ')}`;
}

runCases(join(ROOT, 'test', 'cases', 'sysflow'), async (input, _c, file) => {
  if (file !== 'record-counts.txt') return '';
  const path = join(SYSFLOW_DATA, input.trim());
  const counts: Record<string, number> = {};
  const pe: SysFlowRecord[] = [];
  const fe: SysFlowRecord[] = [];
  let header = '';
  for await (const r of readSysFlowFile(path)) {
    counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    if (r.kind === 'Header') header = `header v${r.version} exporter=${r.exporter}`;
    if (r.kind === 'ProcessEvent') pe.push(r);
    if (r.kind === 'FileEvent') fe.push(r);
  }
  assert.deepEqual(counts, await avscCounts(path), 'our reader and avsc agree');
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const lines = [header, ...RECORD_KINDS.filter((k) => counts[k]).map((k) => `${k} ${counts[k]}`), `total ${total}`];
  for (const l of [opsLine('ProcessEvent ops', pe), opsLine('FileEvent ops', fe)]) if (l) lines.push(l);
  return lines.join('\n');
});
