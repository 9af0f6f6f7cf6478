/** The attribute table: every getter returns its declared type; every Falco alias resolves; the CLI's exit status. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ATTRIBUTE_NAMES, FALCO_FIELDS, SF_ATTRIBUTES, lookupAttribute } from '../../../../src/telemetry/sysflow/policy/index.ts';
import { EVENTS } from './events.ts';

const TYPEOF = { str: 'string', int: 'number', big: 'bigint', bool: 'boolean' } as const;

test('every attribute getter returns its declared type on every kind of event', () => {
  for (const name of ATTRIBUTE_NAMES) {
    const hit = lookupAttribute(name);
    assert.equal(hit.kind, 'attr', name);
    if (hit.kind !== 'attr') continue;
    for (const [evName, ev] of Object.entries(EVENTS)) {
      const v = hit.def.get(ev);
      if (hit.def.type === 'strs') assert.ok(Array.isArray(v) && v.every((x) => typeof x === 'string'), `${name} on ${evName}`);
      else assert.equal(typeof v, TYPEOF[hit.def.type], `${name} on ${evName}`);
    }
  }
});

test('the sf.* table covers the attributes of sf-processor POLICIES.md', () => {
  const names = new Set(SF_ATTRIBUTES.map((d) => d.name));
  for (const n of ['sf.type', 'sf.opflags', 'sf.ret', 'sf.ts', 'sf.endts', 'sf.proc.pid', 'sf.proc.tid', 'sf.proc.uid', 'sf.proc.user', 'sf.proc.gid',
    'sf.proc.group', 'sf.proc.apid', 'sf.proc.aname', 'sf.proc.exe', 'sf.proc.args', 'sf.proc.name', 'sf.proc.cmdline', 'sf.proc.tty', 'sf.proc.entry',
    'sf.proc.createts', 'sf.pproc.pid', 'sf.pproc.gid', 'sf.pproc.uid', 'sf.pproc.group', 'sf.pproc.tty', 'sf.pproc.entry', 'sf.pproc.user',
    'sf.pproc.exe', 'sf.pproc.args', 'sf.pproc.name', 'sf.pproc.cmdline', 'sf.pproc.createts', 'sf.file.fd', 'sf.file.path', 'sf.file.newpath',
    'sf.file.name', 'sf.file.directory', 'sf.file.type', 'sf.file.is_open_write', 'sf.file.is_open_read', 'sf.file.openflags', 'sf.net.proto',
    'sf.net.sport', 'sf.net.dport', 'sf.net.port', 'sf.net.sip', 'sf.net.dip', 'sf.net.ip', 'sf.res', 'sf.flow.rbytes', 'sf.flow.rops',
    'sf.flow.wbytes', 'sf.flow.wops', 'sf.container.id', 'sf.container.name', 'sf.container.image.id', 'sf.container.image', 'sf.container.type',
    'sf.container.privileged', 'sf.pod.ts', 'sf.pod.id', 'sf.pod.name', 'sf.pod.nodename', 'sf.pod.namespace', 'sf.pod.restartcnt', 'sf.pod.hostip',
    'sf.pod.internalip', 'sf.pod.services', 'sf.ke.action', 'sf.ke.kind', 'sf.ke.message', 'sf.node.id', 'sf.node.ip', 'sf.schema.version']) {
    assert.ok(names.has(n), n);
  }
});

test('every Falco alias in falco-fields.json resolves to an sf.* attribute', () => {
  for (const [falco, target] of Object.entries(FALCO_FIELDS.aliases)) {
    assert.equal(lookupAttribute(target).kind, 'attr', target);
    assert.equal(lookupAttribute(falco).kind, 'attr', falco);
  }
  for (const field of Object.keys(FALCO_FIELDS.unmappable)) {
    if (field.includes('.')) assert.equal(lookupAttribute(field).kind, 'unmappable', field);
  }
});

function cli(...args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, ['bin/peregrine.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

test('peregrine sysflow lint exits 1 on ttps.yaml and 0 on a clean policy', () => {
  const bad = cli('sysflow', 'lint', 'data/policies/ttps.yaml', '--errors-only');
  assert.equal(bad.status, 1);
  for (const typo of ['sf.proc.username', 'sf-process.args', 'sf.file.typechar', 'sf.prog.args', 'srf.proc.name', 'sf.poc.name', 'sf.net.mask']) {
    assert.match(bad.stdout, new RegExp(`data/policies/ttps\\.yaml:\\d+:\\d+: error\\[E_UNKNOWN_ATTRIBUTE\\]: unknown attribute '${typo.replace(/\./g, '\\.')}'`));
  }
  const dir = mkdtempSync(join(tmpdir(), 'pg-lint-'));
  const good = join(dir, 'good.yaml');
  writeFileSync(good, '- rule: r\n  desc: d\n  condition: sf.opflags = EXEC and sf.proc.name = bash\n  priority: low\n');
  const ok = cli('sysflow', 'lint', good, '--format', 'json');
  assert.equal(ok.status, 0);
  assert.equal(ok.stdout, '');
});
