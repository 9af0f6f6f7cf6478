/**
 * The Windows events readers: every shape (fixture cases: input file → the records it gives), the OTRF datasets
 * plain and zipped (same events either way, counts by channel), a zip over http, and the errors a user can cause.
 */
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InputError, isPeregrineError } from '../../../src/errors/index.ts';
import {
  readEventRecords,
  readWindowsEvents,
  type WindowsEvent,
} from '../../../src/connectors/windows/index.ts';
import { runCases } from '../../support/fixtures.ts';
import { OTRF_DATA } from '../../support/data.ts';

const LSASS = 'psh_lsass_memory_dump_comsvcs_2020-10-18T19500924';
const tmp = mkdtempSync(join(tmpdir(), 'peregrine-windows-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function file(text: string | Buffer, ext = '.json'): string {
  const p = join(tmp, `in-${n++}${ext}`);
  writeFileSync(p, text);
  return p;
}

// Each case: the text of a file → one line per record (kind, line:col, then the flat event, ECS doc or reason).
runCases(join(import.meta.dirname, 'cases'), async (input) => {
  const out: string[] = [];
  try {
    for await (const r of readEventRecords(file(input))) {
      const body = r.kind === 'windows' ? r.event : r.kind === 'ecs' ? r.doc : r.reason;
      out.push(`${r.kind} ${r.line}:${r.col} ${JSON.stringify(body)}`);
    }
  } catch (e) {
    if (!isPeregrineError(e)) throw e;
    out.push(`error ${e.code}${e.span ? ` ${e.span.line}:${e.span.col}` : ''}: ${e.message}`);
  }
  return out.join('\n').replaceAll(tmp, '<tmp>');
});

async function events(location: string): Promise<WindowsEvent[]> {
  const out: WindowsEvent[] = [];
  for await (const e of readWindowsEvents(location)) out.push(e);
  return out;
}

test('an OTRF dataset gives the same events plain and zipped, and every line is an event', async () => {
  const plain = await events(join(OTRF_DATA, `${LSASS}.json`));
  const zipped = await events(join(OTRF_DATA, `${LSASS}.zip`));
  const lines = readFileSync(join(OTRF_DATA, `${LSASS}.json`), 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  assert.equal(plain.length, lines.length);
  assert.deepEqual(zipped, plain);
  const byChannel: Record<string, number> = {};
  for (const e of plain) byChannel[e.Channel!] = (byChannel[e.Channel!] ?? 0) + 1;
  assert.deepEqual(byChannel, { Security: 36, 'Microsoft-Windows-Sysmon/Operational': 148 });
  const create = plain.find((e) => e.EventID === 1)!;
  assert.equal(create.Provider, 'Microsoft-Windows-Sysmon');
  assert.equal(create.Computer, 'WORKSTATION5');
  assert.equal(create.Image, 'C:\\Windows\\System32\\rundll32.exe');
  assert.equal(create.ProcessGuid, '{39e4a257-d4ad-5f8c-3303-000000000700}');
  assert.equal(create.TimeCreated, '2020-10-18T07:50:05.917Z');
});

test('every vendored OTRF zip reads with no rejection', async () => {
  const counts: Record<string, number> = {};
  for (const name of [
    'aptsimulator_cobaltstrike_2021-06-11T21081492',
    'cmd_bitsadmin_download_psh_script_2020-10-2302365189',
    'cmd_mshta_vbscript_execute_psh_2020-10-2202580804',
    'cmd_sam_copy_esentutl_2020-10-1900290001',
    'empire_launcher_vbs_2020-09-04160940',
    'schtask_create_2020-12-1907003032',
    'sysmon_log4shell_cve2021_44228_java_serialized_object_2022-05-13045800',
  ]) {
    let k = 0;
    for await (const r of readEventRecords(join(OTRF_DATA, `${name}.zip`))) {
      assert.equal(r.kind, 'windows', `${name}:${r.line} ${r.kind === 'rejected' ? r.reason : ''}`);
      k++;
    }
    counts[name.split('_').slice(0, 2).join('_')] = k;
  }
  // the non-blank lines of each OTRF file
  assert.deepEqual(counts, {
    aptsimulator_cobaltstrike: 2611,
    cmd_bitsadmin: 424,
    cmd_mshta: 1127,
    cmd_sam: 915,
    empire_launcher: 2067,
    schtask_create: 1041,
    sysmon_log4shell: 487,
  });
});

let server: Server;
let base = '';
before(async () => {
  server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    if (name === 'missing.zip') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip' });
    createReadStream(join(OTRF_DATA, name)).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('a zipped dataset over http streams through its local headers, the same events as the file', async () => {
  const remote = await events(`${base}/${LSASS}.zip`);
  assert.deepEqual(remote, await events(join(OTRF_DATA, `${LSASS}.json`)));
  await assert.rejects(
    events(`${base}/missing.zip`),
    (e: unknown) => isPeregrineError(e) && /404/.test(e.message),
  );
});

test('a file that holds no events says so; a truncated zip is an input error', async () => {
  await assert.rejects(
    events(file('hello\n', '.txt')),
    (e: unknown) => e instanceof InputError && e.code === 'E_NOT_EVENTS',
  );
  const zip = readFileSync(join(OTRF_DATA, `${LSASS}.zip`));
  await assert.rejects(
    events(file(zip.subarray(0, 5000), '.zip')),
    (e: unknown) => e instanceof InputError && e.code === 'E_ZIP',
  );
  await assert.rejects(
    events(join(tmp, 'nope.json')),
    (e: unknown) => e instanceof InputError && e.code === 'E_BUNDLE_NOT_FOUND',
  );
});

test('an events file is a data source: observations through the ECS map, non-events skipped with a warning', async () => {
  await import('../../../src/connectors/index.ts');
  const { openSource } = await import('../../../src/connectors/registry.ts');
  const { parsePattern } = await import('../../../src/stix/index.ts');
  const warnings: string[] = [];
  const query = async (uri: string, pattern: string) => {
    const src = await openSource(uri);
    const out = [];
    for await (const o of src.query(
      { entityType: 'process', pattern: parsePattern(pattern) },
      { onWarning: (w) => warnings.push(`${w.code} ${w.message}`) },
    ))
      out.push(o);
    return out;
  };
  const dumps = await query(
    `file://${join(OTRF_DATA, `${LSASS}.zip`)}`,
    "[process:command_line LIKE '%comsvcs.dll% MiniDump%']",
  );
  // the Sysmon process creation and the Security 4688 of the same rundll32
  assert.deepEqual(
    dumps.map((o) => Object.values(o.objects).find((x) => x.type === 'x-oca-event')?.code).sort(),
    ['1', '4688'],
  );
  const mixed = file(
    '{"EventID":1,"Provider":"Microsoft-Windows-Sysmon","Computer":"h","UtcTime":"2021-01-01 00:00:00.000","Image":"C:\\\\a.exe","ProcessGuid":"{1}"}\n{"hello":1}\n',
  );
  const found = await query(mixed, "[process:name = 'a.exe']");
  assert.equal(found.length, 1);
  assert.equal(found[0].first_observed, '2021-01-01T00:00:00.000Z');
  assert.deepEqual(warnings, [
    `W_NOT_EVENTS 1 value of ${mixed} is not events and was skipped (first at line 2: not a Windows event or an ECS document (no EventID, Event.System, winlog or @timestamp; keys: hello))`,
  ]);
});
