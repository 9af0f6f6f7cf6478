/**
 * FIND … DEPTH: the closure in one statement equals the chain of single FINDs (`c1 = FIND … x`, `c2 = FIND … c1`, …
 * until a link adds no entity) taken together — same entities, same records — for descendants and ancestors on every
 * Kestrel test bundle that holds processes and on the lab's recorded capture (a remote source: the embedded store);
 * `DEPTH n` equals the first n links. A cycle of parent references ends, and a reused pid is another process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ProfileResolver } from '../../../src/connectors/index.ts';
import { HuntSession } from '../../../src/hunt/session/index.ts';
import { stackUp } from '../../../src/lab/index.ts';
import { KESTREL_TEST_DATA } from '../../support/data.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Rows of every record of `v` (identity and the attributes a hunter reads), sorted: the variable's content. */
async function content(session: HuntSession, v: string): Promise<string[]> {
  const r = await session.execute(`DISP ${v} ATTR x_unique_id, pid, name, command_line, created`);
  const d = r.displays.at(-1);
  assert.ok(d && d.kind === 'table');
  return d.rows.map((row) => JSON.stringify(row)).sort();
}

async function entities(session: HuntSession, v: string): Promise<number> {
  return session.variables().find((x) => x.name === v)!.entities;
}

/**
 * Runs the chain from `start` link by link and the closures; asserts they agree. Returns the number of links that
 * added entities.
 */
async function compareChain(
  session: HuntSession,
  start: string,
  relation: 'CREATED' | 'CREATED BY',
  tag: string,
): Promise<number> {
  const links: string[] = [];
  let prev = start;
  let total = new Set<string>();
  for (let i = 1; i <= 50; i++) {
    const name = `${tag}_${i}`;
    await session.execute(`${name} = FIND process ${relation} ${prev}`);
    links.push(name);
    const union = new Set([...total, ...(await content(session, name))]);
    if (union.size === total.size) break;
    total = union;
    prev = name;
  }
  const grew = links.length - 1;
  await session.execute(`${tag}_all = FIND process ${relation} ${start} DEPTH *`);
  assert.deepEqual(await content(session, `${tag}_all`), [...total].sort(), `${tag}: DEPTH * = the chain`);
  const chainEntities = new Set<string>();
  for (const l of links) for (const row of await content(session, l)) chainEntities.add(row);
  assert.equal(chainEntities.size, total.size);
  // DEPTH 1 is FIND itself, DEPTH 2 the first two links
  await session.execute(`${tag}_d1 = FIND process ${relation} ${start} DEPTH 1`);
  assert.deepEqual(await content(session, `${tag}_d1`), await content(session, links[0]!));
  if (links.length >= 2) {
    await session.execute(`${tag}_d2 = FIND process ${relation} ${start} DEPTH 2`);
    const two = new Set([...(await content(session, links[0]!)), ...(await content(session, links[1]!))]);
    assert.deepEqual(await content(session, `${tag}_d2`), [...two].sort());
  }
  return grew;
}

const bundles = readdirSync(KESTREL_TEST_DATA)
  .filter((f) => f.endsWith('.json'))
  .filter((f) => /"parent_ref"/.test(readFileSync(join(KESTREL_TEST_DATA, f), 'utf8')));

test('the Kestrel bundles with parent references are all compared', () => {
  assert.ok(bundles.length >= 4, bundles.join(', '));
});

for (const f of bundles) {
  test(`DEPTH equals the chain of FINDs on ${f}`, async () => {
    const session = await HuntSession.create();
    try {
      await session.execute(
        `procs = GET process FROM file://${join(KESTREL_TEST_DATA, f)} WHERE name LIKE '%'`,
      );
      await compareChain(session, 'procs', 'CREATED BY', 'desc');
      await compareChain(session, 'procs', 'CREATED', 'anc');
    } finally {
      await session.close();
    }
  });
}

let profiles: ProfileResolver;
let window = '';
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-closure-test-'));
  dirs.push(dir);
  const r = await stackUp({ driver: 'replay', store: join(dir, 'store.duckdb'), log: () => {} });
  profiles = r.profiles;
  window = `START t'${r.window.start}' STOP t'${r.window.stop}'`;
});

test('DEPTH equals the chain of FINDs on the lab capture (embedded store); EXPLAIN lists the hops', async () => {
  const session = await HuntSession.create({ profiles });
  try {
    await session.execute(
      `shells = GET process FROM stixshifter://container1 WHERE [process:parent_ref.name = 'node'] ${window}`,
    );
    const down = await compareChain(session, 'shells', 'CREATED BY', 'desc');
    const up = await compareChain(session, 'shells', 'CREATED', 'anc');
    assert.ok(down >= 1 && up >= 2, `descendants over ${down} links, ancestors over ${up}`);
    const r = await session.execute('EXPLAIN anc_all');
    const text = JSON.stringify(r.displays);
    assert.match(text, /closure: process CREATED from shells, until a hop finds no new entity/);
    assert.match(text, /hop 1 from shells: \d+ new process entit/);
    assert.match(text, /hop 2 from hop 1: /);
    // descendants: the store is asked for the processes whose parent is one of the hop's
    assert.match(
      JSON.stringify((await session.execute('EXPLAIN desc_all')).displays),
      /relation query \(process\.parent_ref → shells\)/,
    );
  } finally {
    await session.close();
  }
});

/** A STIX bundle of processes, each `[x_unique_id, pid, name, parent's x_unique_id]`, one observation each. */
function bundle(procs: [string, number, string, string | null][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-closure-test-'));
  dirs.push(dir);
  const objects = procs.map(([id, pid, name, parent], i) => ({
    type: 'observed-data',
    id: `observed-data--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    first_observed: `2024-01-01T00:00:0${i}.000Z`,
    last_observed: `2024-01-01T00:00:0${i}.000Z`,
    number_observed: 1,
    objects: {
      '0': { type: 'process', x_unique_id: id, pid, name, ...(parent ? { parent_ref: '1' } : {}) },
      ...(parent ? { '1': { type: 'process', x_unique_id: parent } } : {}),
    },
  }));
  const path = join(dir, 'bundle.json');
  writeFileSync(path, JSON.stringify({ type: 'bundle', id: 'bundle--1', objects }));
  return path;
}

test('a cycle of parent references ends; a reused pid is another process', async () => {
  // a → b → c → a (a cycle), and d: pid 20 reused by another process under a
  const path = bundle([
    ['a', 10, 'init', 'c'],
    ['b', 20, 'sh', 'a'],
    ['c', 30, 'sh', 'b'],
    ['d', 20, 'curl', 'a'],
  ]);
  const session = await HuntSession.create();
  try {
    await session.execute(`a = GET process FROM file://${path} WHERE x_unique_id = 'a'`);
    await session.execute('all = FIND process CREATED BY a DEPTH *');
    const names = (await content(session, 'all')).map((r) => JSON.parse(r) as unknown[]);
    // records: each process's own and the parent stubs that name it
    assert.deepEqual([...new Set(names.map((r) => r[0]))].sort(), ['a', 'b', 'c', 'd']);
    assert.equal(await entities(session, 'all'), 4);
    await session.execute('up = FIND process CREATED a DEPTH *');
    assert.equal(await entities(session, 'up'), 3);
  } finally {
    await session.close();
  }
});
