/**
 * ECS documents against sf-processor's own (test/data/sysflow/ecs_examples.json, derived from the same trace
 * records): every field both write must agree, except the documented fixes (event.kind "alert" on a match,
 * event.category/type as arrays, network.transport instead of network.protocol, process.args as an array, string
 * user ids). Also: the mapped fields are the ones the STIX↔ECS map reads for process, file, network-traffic and
 * x_ttp_tags.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readSysFlowFile, resolveEvents } from '../../../../src/telemetry/sysflow/format/index.ts';
import { toEcs, documentId, type EcsDocument } from '../../../../src/telemetry/sysflow/ecs/index.ts';
import type { RuleMatch } from '../../../../src/telemetry/sysflow/processor/types.ts';
import type { ResolvedEvent } from '../../../../src/telemetry/sysflow/records/index.ts';
import { SYSFLOW_DATA } from '../../../support/data.ts';

interface Example {
  _source: Record<string, Record<string, unknown>>;
}
const examples = (
  JSON.parse(readFileSync(join(SYSFLOW_DATA, 'ecs_examples.json'), 'utf8')) as { documents: Example[] }
).documents;

async function event(path: string, pick: (ev: ResolvedEvent) => boolean): Promise<ResolvedEvent> {
  for await (const ev of resolveEvents(readSysFlowFile(join(SYSFLOW_DATA, path)), path))
    if (pick(ev)) return ev;
  throw new Error('no such event');
}

function get(doc: EcsDocument, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      doc,
    );
}

/** Same instant, whatever the number of fraction digits. */
function sameTime(a: unknown, b: unknown): void {
  const ns = (s: unknown) => {
    const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(String(s))!;
    return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}`;
  };
  assert.equal(ns(a), ns(b));
}

const ttpsRule: RuleMatch = {
  name: 'Suspicious process spawned',
  priority: 'low',
  tags: ['mitre:T1106', 'mitre:T1574'],
};

test('alpine exec of touch (alert) matches sf-processor document 1, with event.kind fixed to alert', async () => {
  const ex = examples[0]._source;
  const ev = await event(
    'sf-collector/tests/alpine/alpine.sf',
    (e) => e.record.kind === 'ProcessEvent' && e.process?.exe === '/bin/touch',
  );
  const doc = toEcs({ event: ev, matches: [ttpsRule] });
  sameTime(doc['@timestamp'], ex['@timestamp']);
  for (const f of ['pid', 'executable', 'name', 'command_line'])
    assert.equal(get(doc, `process.${f}`), get(ex as EcsDocument, `process.${f}`), f);
  assert.deepEqual(get(doc, 'process.args'), ['/bin/touch', 'test2'], 'args as an ECS array, argv[0] first');
  for (const f of ['pid', 'executable', 'name', 'command_line'])
    assert.equal(
      get(doc, `process.parent.${f}`),
      get(ex as EcsDocument, `process.parent.${f}`),
      `parent.${f}`,
    );
  assert.equal(get(doc, 'process.thread.id'), get(ex as EcsDocument, 'process.thread.id'));
  sameTime(get(doc, 'process.start'), get(ex as EcsDocument, 'process.start'));
  for (const f of ['id', 'name', 'image.id'])
    assert.equal(get(doc, `container.${f}`), get(ex as EcsDocument, `container.${f}`), f);
  assert.equal(get(doc, 'container.sf_privileged'), false);
  assert.equal(get(doc, 'user.name'), 'root');
  assert.equal(get(doc, 'user.id'), '0');
  assert.equal(get(doc, 'event.sf_type'), 'PE');
  assert.equal(get(doc, 'event.sf_ret'), 0);
  assert.equal(get(doc, 'event.severity'), get(ex as EcsDocument, 'event.severity'));
  assert.equal(get(doc, 'event.reason'), get(ex as EcsDocument, 'event.reason'));
  assert.equal(
    get(doc, 'event.kind'),
    'alert',
    'sf-processor writes "event" (never calls SetAlert); we fix it',
  );
  assert.deepEqual(get(doc, 'event.category'), ['process']);
  assert.deepEqual(get(doc, 'event.type'), ['start']);
  assert.equal(get(doc, 'host.id'), get(ex as EcsDocument, 'host.id'));
  assert.deepEqual(get(doc, 'tags'), ['mitre:T1106', 'mitre:T1574', 'T1106', 'T1574']);
  assert.equal(get(doc, 'rule.name'), 'Suspicious process spawned');
  assert.deepEqual(get(doc, 'threat.technique.id'), ['T1106', 'T1574']);
  assert.deepEqual(get(doc, 'threat.technique.name'), ['Native API', 'Hijack Execution Flow']);
});

test('alpine write of .ash_history matches sf-processor document 2', async () => {
  const ex = examples[1]._source as EcsDocument;
  const ev = await event(
    'sf-collector/tests/alpine/alpine.sf',
    (e) =>
      e.record.kind === 'FileFlow' && e.file?.path === '/root/.ash_history' && e.record.numWSendBytes === 21,
  );
  const doc = toEcs({ event: ev, matches: [] });
  sameTime(doc['@timestamp'], ex['@timestamp']);
  sameTime(get(doc, 'event.end'), get(ex, 'event.end'));
  assert.equal(get(doc, 'event.duration'), get(ex, 'event.duration'));
  assert.equal(get(doc, 'event.kind'), 'event');
  assert.equal(get(doc, 'event.action'), get(ex, 'event.action'));
  assert.deepEqual(get(doc, 'event.category'), ['file']);
  assert.deepEqual(get(doc, 'event.type'), ['access', 'change']);
  for (const f of ['path', 'name', 'directory', 'type'])
    assert.equal(get(doc, `file.${f}`), get(ex, `file.${f}`), f);
  assert.deepEqual(get(doc, 'sf_file_action'), get(ex, 'sf_file_action'));
  assert.deepEqual(get(doc, 'sysflow.flow'), { rbytes: 0, rops: 0, wbytes: 21, wops: 1 });
  assert.deepEqual(get(doc, 'sysflow.file.openflags'), ['WRONLY', 'CREAT', 'APPEND']);
  assert.equal(get(doc, 'process.parent.executable'), get(ex, 'process.parent.executable'));
});

test('TCP client flow matches sf-processor document 3, with network.transport', async () => {
  const ex = examples[2]._source as EcsDocument;
  const ev = await event(
    'sf-collector/tests/client-server/tcp-client-server.sf',
    (e) => e.record.kind === 'NetworkFlow' && e.process?.exe === './client',
  );
  const doc = toEcs({ event: ev, matches: [] });
  for (const f of [
    'source.ip',
    'source.port',
    'source.bytes',
    'source.packets',
    'destination.ip',
    'destination.port',
    'destination.bytes',
    'destination.packets',
    'network.bytes',
    'network.community_id',
    'network.iana_number',
    'event.duration',
  ]) {
    assert.deepEqual(get(doc, f), get(ex, f), f);
  }
  assert.equal(
    get(doc, 'network.transport'),
    get(ex, 'network.protocol'),
    'network.transport, not network.protocol',
  );
  assert.equal(get(doc, 'network.protocol'), undefined);
  assert.deepEqual(get(doc, 'event.category'), ['network']);
  assert.ok((get(doc, 'event.type') as string[]).includes('connection'));
  assert.equal(get(doc, 'process.parent.pid'), get(ex, 'process.parent.pid'));
});

test('fields land where the STIX↔ECS map reads them (process, file, network-traffic, x_ttp_tags)', async () => {
  const map = JSON.parse(
    readFileSync(new URL('../../../../src/mapping/data/stix-ecs.json', import.meta.url), 'utf8'),
  ) as { query: Record<string, (string | { field: string })[]> };
  const fields = new Set(
    Object.values(map.query)
      .flat()
      .map((f) => (typeof f === 'string' ? f : f.field)),
  );
  const ev = await event(
    'sf-processor/resources/traces/shellshock.sf',
    (e) => e.record.kind === 'ProcessEvent' && e.process?.exe === '/bin/bash',
  );
  const doc = toEcs({ event: ev, matches: [ttpsRule] });
  for (const f of [
    'process.pid',
    'process.name',
    'process.command_line',
    'process.entity_id',
    'process.parent.entity_id',
    'process.parent.pid',
    'process.parent.name',
    'process.start',
    'process.args',
    'user.id',
    'tags',
    'container.id',
    'rule.name',
    'threat.technique.id',
  ]) {
    assert.ok(fields.has(f), `${f} is in the map`);
    assert.notEqual(get(doc, f), undefined, `${f} is written`);
  }
  assert.ok(map.query['process:x_ttp_tags']?.includes('tags'));
  const ff = toEcs({
    event: await event('sf-processor/resources/traces/shellshock.sf', (e) => e.file?.path === '/etc/passwd'),
    matches: [],
  });
  for (const f of ['file.path', 'file.name', 'file.directory']) {
    assert.ok(fields.has(f), `${f} is in the map`);
    assert.notEqual(get(ff, f), undefined, `${f} is written`);
  }
  const nf = toEcs({
    event: await event(
      'sf-collector/tests/client-server/tcp-client-server.sf',
      (e) => e.record.kind === 'NetworkFlow',
    ),
    matches: [],
  });
  for (const f of [
    'source.ip',
    'destination.ip',
    'source.port',
    'destination.port',
    'network.transport',
    'source.bytes',
    'destination.bytes',
  ]) {
    assert.ok(fields.has(f), `${f} is in the map`);
    assert.notEqual(get(nf, f), undefined, `${f} is written`);
  }
});

test('document ids: stable for a record, different across records', async () => {
  const ids = new Set<string>();
  let n = 0;
  for await (const ev of resolveEvents(
    readSysFlowFile(join(SYSFLOW_DATA, 'sf-processor/resources/traces/shellshock.sf')),
    'a',
  )) {
    ids.add(documentId(ev));
    n++;
  }
  assert.equal(ids.size, n, 'no two records of the trace share an id');
  const again = new Set<string>();
  for await (const ev of resolveEvents(
    readSysFlowFile(join(SYSFLOW_DATA, 'sf-processor/resources/traces/shellshock.sf')),
    'b',
  ))
    again.add(documentId(ev));
  assert.deepEqual(
    [...again],
    [...ids],
    'a second read gives the same ids (the source name is not part of the identity)',
  );
});
