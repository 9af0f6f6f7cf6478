/**
 * Fixture cases of test/telemetry/sysflow/cases/, one handler per file:
 * - record-counts.txt — conformance: record counts per type (and the operations of process/file events) for every real trace, written
 * down in test/telemetry/sysflow/cases/record-counts.txt. Each count is also checked against a second, independent decode:
 * avsc's own object-container decoder with the writer schema (its block framing, inflate and union resolution,
 * none of ours), so a fixture cannot silently record a reader bug.
 *   Reasoned out for two traces: shellshock.sf (CGI → `bash -c cat /etc/passwd`) has 13 Process records — the 7
 *   processes alive when the file started, re-emitted as REUP (systemd → containerd → containerd-shim → bash
 *   /main.sh → dash apache2ctl → two apache2), 3 CREATED (the apache2 worker 12705, the CGI child 16680, its child
 *   16681) and 3 MODIFIED by the execs (vulnerable, bash, cat) — and 9 ProcessEvents: CLONE 4 (each clone is seen
 *   from the parent and from the child: 12705→16680 and 16680→16681), EXEC 3, EXIT 2 (cat, vulnerable).
 *   files/files.sf replays sf-collector's tests/files/files.c: mkdir ×2, rmdir ×2, link, symlink as in the source
 *   (MKDIR=2 RMDIR=2 LINK=1 SYMLINK=1); the capture's version of the program also renames once and unlinks six times.
 * - pipeline-config.txt — sf-processor pipeline JSON (optionally preceded by `ENV NAME=value` lines) → the stages
 *   it configures, or the error with its line:col.
 * - ecs.txt — `trace-path #n [rule priority tags…]` → the ECS document of the n-th event of the trace.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import avsc from 'avsc';
import { runCases } from '../../support/fixtures.ts';
import { readSysFlowFile, resolveEvents } from '../../../src/telemetry/sysflow/format/index.ts';
import { parsePipelineConfig } from '../../../src/telemetry/sysflow/processor/config.ts';
import { toEcs } from '../../../src/telemetry/sysflow/ecs/document.ts';
import { PeregrineError } from '../../../src/errors/index.ts';
import { sysflowLongType } from '../../../src/telemetry/sysflow/format/long-type.ts';
import { opFlagNames, RECORD_KINDS, type SysFlowRecord } from '../../../src/telemetry/sysflow/records/index.ts';
import { SYSFLOW_DATA } from '../../support/data.ts';

/** Counts by union branch name through avsc's file decoder alone. */
async function avscCounts(path: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  // Old writers spell timestamps {"type":"long","logicalType":"timestamp-millis"}: read them as plain longs.
  const plainLongs = (s: unknown): unknown =>
    JSON.parse(JSON.stringify(s).replaceAll('{"type":"long","logicalType":"timestamp-millis"}', '"long"'));
  await new Promise<void>((resolve, reject) => {
    avsc
      .createFileDecoder(path, {
        parseHook: (s: unknown) =>
          avsc.Type.forSchema(plainLongs(s) as avsc.Schema, {
            registry: { long: sysflowLongType },
            wrapUnions: true,
          }),
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
  return `${label} ${[...by]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k}=${n}`)
    .join(' ')}`;
}

async function recordCounts(input: string): Promise<string> {
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
  const lines = [
    header,
    ...RECORD_KINDS.filter((k) => counts[k]).map((k) => `${k} ${counts[k]}`),
    `total ${total}`,
  ];
  for (const l of [opsLine('ProcessEvent ops', pe), opsLine('FileEvent ops', fe)]) if (l) lines.push(l);
  return lines.join('\n');
}

function pipelineConfig(input: string): string {
  const env: Record<string, string> = {};
  const body = input.replace(/^ENV (\w+)=(.*)\n/gm, (_m, k: string, v: string) => {
    env[k] = v;
    return '';
  });
  try {
    const cfg = parsePipelineConfig(body, 'pipeline.json', env);
    return cfg.stages
      .map((s) => {
        const extra =
          s.kind === 'policy'
            ? ` mode=${s.mode} policies=${s.policies.join(',')}${s.compat ? ` compat=${s.compat}` : ''}`
            : s.kind === 'exporter'
              ? ` export=${s.export} format=${s.format}` +
                Object.entries(s.options)
                  .filter(([k]) => k.includes('.'))
                  .map(([k, v]) => ` ${k}=${v}`)
                  .join('')
              : '';
        return `${s.index + 1} ${s.kind} in=${s.in.join(',') || '-'} out=${s.out.join(',') || '-'}${extra}`;
      })
      .join('\n');
  } catch (e) {
    if (!(e instanceof PeregrineError)) throw e;
    return `${e.code} ${e.span ? `${e.span.line}:${e.span.col} ` : ''}${e.message}`;
  }
}

async function ecsCase(input: string): Promise<string> {
  const [path, nth, rule, priority, ...tags] = input.trim().split(/\s+/);
  const n = Number(nth.replace('#', ''));
  let i = 0;
  for await (const ev of resolveEvents(readSysFlowFile(join(SYSFLOW_DATA, path)), path)) {
    if (i++ !== n) continue;
    const matches = rule ? [{ name: rule.replaceAll('_', ' '), priority, tags }] : [];
    return JSON.stringify(toEcs({ event: ev, matches }), null, 1);
  }
  throw new Error(`${path} has fewer than ${n + 1} events`);
}

const HANDLERS: Record<string, (input: string) => string | Promise<string>> = {
  'record-counts.txt': recordCounts,
  'pipeline-config.txt': pipelineConfig,
  'ecs.txt': ecsCase,
};

runCases(join(import.meta.dirname, 'cases'), (input, _c, file) => {
  const h = HANDLERS[file];
  if (!h) throw new Error(`no handler for test/telemetry/sysflow/cases/${file}`);
  return h(input);
});
