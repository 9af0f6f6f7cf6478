/** The IR is plain data: it survives a JSON round trip unchanged, for every statement kind the lowering produces. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lower } from '../../../src/hunt/ir/index.ts';
import { parseHuntflow } from '../../../src/hunt/syntax/index.ts';

const FLOW = `
conns = GET network-traffic FROM file:///tmp/b.json WHERE [network-traffic:dst_port = 22] START t'2020-06-30T19:25:00.000Z' STOP t'2020-06-30T19:26:00.000Z' LIMIT 5
srcs = FIND ipv4-addr CREATED conns LIMIT 3
more = GET network-traffic WHERE src_ref.value = srcs.value LAST 5 MINUTES
g = GROUP conns BY dst_port, BIN(first_observed, 1m) WITH COUNT(src_port) AS n, NUNIQUE(src_ref.value)
j = JOIN conns, more BY src_port, src_port
s = SORT conns BY src_port ASC
ips = LOAD /tmp/ips.csv AS ipv4-addr
SAVE conns TO /tmp/out.parquet
p = NEW process ["cmd.exe"]
m = conns + more
f = TIMESTAMPED(conns) WHERE dst_port = 22 ATTR src_port SORT BY src_port LIMIT 2 OFFSET 1
DISP conns ATTR src_port LIMIT 1
INFO conns
DESCRIBE conns.src_port
EXPLAIN conns
APPLY analytics://x ON conns WITH k=1
`;

test('IR survives a JSON round trip', () => {
  const flow = parseHuntflow(FLOW, { source: 'ir.hf' });
  const { program, warnings } = lower(flow, { sourceName: 'ir.hf', text: FLOW, variables: new Map() });
  assert.equal(warnings.length, 0);
  assert.deepEqual(
    program.statements.map((s) => s.kind),
    [
      'Get',
      'Find',
      'Get',
      'Group',
      'Join',
      'Sort',
      'Load',
      'Save',
      'New',
      'Merge',
      'Assign',
      'Disp',
      'Info',
      'Describe',
      'Explain',
      'Apply',
    ],
  );
  assert.deepEqual(JSON.parse(JSON.stringify(program)), program);
  assert.ok(Object.isFrozen(program) && Object.isFrozen(program.statements[0]));
});

test('lowering resolves FIND edges from the relation table and fills the bare WHERE type', () => {
  const flow = parseHuntflow(FLOW, { source: 'ir.hf' });
  const { program } = lower(flow, { sourceName: 'ir.hf', text: FLOW, variables: new Map() });
  const find = program.statements[1];
  assert.equal(find?.kind, 'Find');
  if (find?.kind === 'Find')
    assert.deepEqual(find.edges, [{ returnIsSubject: true, subjectRefs: [], objectRefs: ['src_ref'] }]);
  const get = program.statements[2];
  if (get?.kind === 'Get') {
    assert.deepEqual(get.refs, ['srcs']);
    assert.deepEqual(get.source, { kind: 'LastSource' });
    assert.deepEqual(get.time, { kind: 'Relative', seconds: 300 });
  }
  assert.deepEqual(program.outputs.map((o) => `${o.name}:${o.type}`).slice(0, 3), [
    'conns:network-traffic',
    'srcs:ipv4-addr',
    'more:network-traffic',
  ]);
});

test('unknown attributes are warnings naming close matches', () => {
  const text = 'x = GET process FROM file:///tmp/b.json WHERE nmae = "cmd.exe"';
  const { warnings } = lower(parseHuntflow(text), { sourceName: 'w.hf', text, variables: new Map() });
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]?.code, 'W_UNKNOWN_ATTRIBUTE');
  assert.match(warnings[0]?.hint ?? '', /"name"/);
  assert.equal(warnings[0]?.span?.col, 47);
});
