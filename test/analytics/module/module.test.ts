/**
 * file:// analytics (`cases/*.txt`): TypeScript/JavaScript modules — the documented example
 * (examples/analytics/rare-names.ts, `$EX`), one registered by name in a profile file, and small modules in `$TMP`
 * that fail in each way. Output: one line per assigned variable, each display (graphics as `kind title: text`),
 * warnings; or `line:col CODE message (hint)`. Then `peregrine run` on the example's huntflow, as a user runs it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCases } from '../../support/fixtures.ts';
import { runApplyCase } from '../support.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const EX = join(ROOT, 'examples', 'analytics');
const AD = join(import.meta.dirname, '..', 'data');
const TMP = mkdtempSync(join(tmpdir(), 'peregrine-module-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

const modules: Record<string, string> = {
  'no-export.ts': 'export const x = 1;\n',
  'throws.ts': "export default () => { throw new Error('the \\u001b[31mred\\u001b[0m input'); };\n",
  'stranger.mjs':
    "export function analytic() { return { entities: [{ id: 'process--nobody', x_a: 1 }] }; }\n",
  'bad-display.ts': "export default () => ({ displays: [{ kind: 'pdf', pdf: '…' }] });\n",
  'no-text.ts': "export default () => ({ displays: [{ kind: 'svg', svg: '<svg/>' }] });\n",
  'broken.ts': 'export default () => {\n',
  'async.ts': [
    "import type { ModuleAnalytic } from '" + join(ROOT, 'src', 'analytics', 'index.ts') + "';",
    'const f: ModuleAnalytic = async ({ variables, args }) => ({',
    '  entities: variables[0]!.rows.map((e) => ({ id: String(e.id), x_tag: `${String(args.tag)}:${String(e.pid)}` })),',
    '});',
    'export default f;',
    '',
  ].join('\n'),
};
for (const [f, code] of Object.entries(modules)) writeFileSync(join(TMP, f), code);
writeFileSync(join(TMP, 'analytics.yaml'), `profiles:\n  rare: {module: ${join(EX, 'rare-names.ts')}}\n`);
process.env.PEREGRINE_ANALYTICS_CONFIG = join(TMP, 'analytics.yaml');

runCases(join(import.meta.dirname, 'cases'), (input) => runApplyCase(input, { AD, EX, TMP }));

test('peregrine run on the example writes its chart and notes as files and lists them in --json', () => {
  const out = join(TMP, 'out');
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin', 'peregrine.js'),
      'run',
      'examples/analytics/rare-names.hf',
      '--json',
      '--output-dir',
      out,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as {
    displays: { kind: string; files?: string[]; rows?: { name: string }[] }[];
  };
  assert.deepEqual(
    json.displays.map((d) => [d.kind, (d.files ?? []).map((f) => f.slice(out.length + 1))]),
    [
      [
        'vega-lite',
        ['01-procs-names-by-count.vl.json', '01-procs-names-by-count.svg', '01-procs-names-by-count.png'],
      ],
      ['markdown', ['02-procs-rare-names.md']],
      ['text', []],
      ['table', []],
    ],
  );
  for (const d of json.displays) for (const f of d.files ?? []) assert.ok(existsSync(f), f);
  assert.match(readFileSync(join(out, '02-procs-rare-names.md'), 'utf8'), /^\*\*9 rare names\*\*/);
  assert.equal(json.displays[3]!.rows!.length, 9);
  // Without --output-dir the files go beside the huntflow, and the table output prints their paths.
  const beside = join(TMP, 'hf');
  writeFileSync(join(TMP, 'rare.hf'), readFileSync(join(EX, 'rare-names.hf'), 'utf8'));
  const t = spawnSync(process.execPath, [join(ROOT, 'bin', 'peregrine.js'), 'run', join(TMP, 'rare.hf')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(t.status, 0, t.stderr);
  assert.ok(t.stdout.includes(`→ ${join(TMP, 'rare-displays', '02-procs-rare-names.md')}\n`), t.stdout);
  assert.ok(!existsSync(beside));
});
