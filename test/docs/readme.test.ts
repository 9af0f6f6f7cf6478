// The README's examples are run, so they never rot: the tour (every variable it assigns holds rows, every table it
// shows has rows, over data shipped in data/examples/), the error it shows (exactly what `peregrine run` prints for
// that line), and the hunt of `npm run demo` (the same statements the mini-stack runs, test/lab checks their rows).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { seedHuntflows } from '../../src/lab/index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'peregrine.js');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'peregrine-readme-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The first fenced block after a heading, or the first block whose text starts with `prefix`. */
function block(find: { heading?: string; prefix?: string }): string {
  const all = [...README.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => ({
    at: m.index,
    text: m[1]!,
  }));
  if (find.heading) {
    const at = README.indexOf(`\n${find.heading}\n`);
    assert.ok(at >= 0, `README has ${find.heading}`);
    return all.find((b) => b.at > at)!.text;
  }
  const b = all.find((x) => x.text.startsWith(find.prefix!));
  assert.ok(b, `README has a block starting with ${find.prefix}`);
  return b.text;
}

interface RunJson {
  variables: { name: string; type: string; entities: number; records: number }[];
  displays: { kind: string; title?: string; rows?: unknown[]; text?: string }[];
}

test('the tour runs from a fresh checkout: every variable holds entities, every table shows rows', () => {
  // SAVE/LOAD go to a scratch folder instead of /tmp
  const flow = block({ heading: '## A short tour of the language' }).replaceAll('/tmp/', `${scratch}/`);
  const file = join(scratch, 'tour.hf');
  writeFileSync(file, flow);
  const r = spawnSync(process.execPath, [BIN, 'run', '--json', file], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'no warning');
  const out = JSON.parse(r.stdout) as RunJson;
  const assigned = [...flow.matchAll(/^(\w+)\s*=/gm)].map((m) => m[1]!);
  assert.deepEqual(
    out.variables.map((v) => v.name),
    assigned,
  );
  for (const v of out.variables) assert.ok(v.entities > 0, `${v.name} holds no entities`);
  const titles = out.displays.map((d) => d.title ?? d.text);
  assert.deepEqual(titles, [
    'DISP top',
    'DISP oldest',
    'INFO procs',
    'EXPLAIN ssh',
    `saved 7 rows of ssh to ${scratch}/ssh.parquet`,
  ]);
  for (const d of out.displays) {
    if (d.kind === 'table') assert.ok(d.rows!.length > 0, `${d.title} shows no rows`);
    else assert.ok(d.text!.length > 0, d.title);
  }
  const procs = out.variables.find((v) => v.name === 'procs')!;
  assert.deepEqual([procs.type, procs.entities], ['process', 14]);
});

test('the error the README shows is what `peregrine run` prints for that line', () => {
  const shown = block({ prefix: 'exploits.hf:' }).trimEnd();
  const hunt = block({ heading: '## The hunt' }).split('\n');
  const line2 = shown
    .split('\n')
    .find((l) => l.startsWith('2 | '))!
    .slice('2 | '.length);
  writeFileSync(join(scratch, 'exploits.hf'), `${hunt[0]}\n${line2}\n${hunt[2]}\n`);
  const r = spawnSync(process.execPath, [BIN, 'run', 'exploits.hf'], { cwd: scratch, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trimEnd(), shown);
});

test('the hunt is the one `npm run demo` runs on the mini-stack (statements alike but for the time window)', () => {
  const window = { start: '2021-10-17T00:00:00Z', stop: '2021-10-18T00:00:00Z' };
  const seed = seedHuntflows(window)
    .map((f) => f.text)
    .join('\n')
    .split('\n')
    .map((l) => l.trim());
  const readme = block({ heading: '## The hunt' })
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const line of readme) {
    const asRun = line.replace(
      /\bSTART t'[^']*' STOP t'[^']*'/,
      `START t'${window.start}' STOP t'${window.stop}'`,
    );
    assert.ok(
      seed.some((s) => s.endsWith(asRun) || asRun.endsWith(s)),
      `README line not in the demo's hunt: ${line}`,
    );
  }
});
