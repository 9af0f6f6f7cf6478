// `peregrine kernel install`: the kernelspec files, and the classic-Notebook highlighting mode in kernel.js run as
// Notebook runs it (an AMD module whose onload defines a CodeMirror simple mode), its rules applied to huntflow lines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, ROOT } from './support.ts';

test('kernel install --prefix writes kernel.json, kernel.js, logos and the prebuilt JupyterLab extension under share/jupyter', () => {
  const prefix = mkdtempSync(join(tmpdir(), 'peregrine-spec-'));
  try {
    const r = spawnSync(process.execPath, [BIN, 'kernel', 'install', '--prefix', prefix], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const dir = join(prefix, 'share', 'jupyter', 'kernels', 'peregrine');
    assert.match(r.stdout, new RegExp(`installed kernelspec peregrine in ${dir}`));
    const lab = join(prefix, 'share', 'jupyter', 'labextensions', '@peregrine', 'jupyterlab-kestrel');
    assert.match(r.stdout, new RegExp(`extension \\(huntflow highlighting\\) in ${lab}`));
    const labPkg = JSON.parse(readFileSync(join(lab, 'package.json'), 'utf8'));
    assert.equal(labPkg.name, '@peregrine/jupyterlab-kestrel');
    assert.ok(existsSync(join(lab, labPkg.jupyterlab._build.load)), 'the remote entry the package names');
    assert.equal(JSON.parse(readFileSync(join(lab, 'install.json'), 'utf8')).packageName, 'peregrine');
    const spec = JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8'));
    assert.equal(spec.display_name, 'Peregrine (Kestrel huntflows)');
    assert.equal(spec.language, 'kestrel');
    assert.equal(spec.interrupt_mode, 'message');
    assert.deepEqual(spec.argv, [
      process.execPath,
      join(ROOT, 'bin', 'peregrine.js'),
      'kernel',
      'start',
      '-f',
      '{connection_file}',
    ]);
    for (const f of ['kernel.js', 'logo-svg.svg', 'logo-32x32.png', 'logo-64x64.png'])
      assert.ok(existsSync(join(dir, f)), f);
    const png = readFileSync(join(dir, 'logo-64x64.png'));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.equal(png.readUInt32BE(16), 64);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});

test('conflicting install targets are refused', () => {
  const r = spawnSync(process.execPath, [BIN, 'kernel', 'install', '--user', '--prefix', '/tmp/x'], {
    encoding: 'utf8',
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /cannot be used with/);
});

type Rule = { regex: RegExp; token: string };

/** Loads the generated kernel.js as Notebook does and returns the simple mode it defines. */
async function loadMode(): Promise<{ name: string; rules: Rule[]; mime: string; applied: string[] }> {
  const { kernelJs } = await import('../../src/jupyter/highlight.ts');
  let defined: { name: string; rules: Rule[] } | undefined;
  let mime = '';
  const applied: string[] = [];
  const CodeMirror = {
    defineSimpleMode: (name: string, spec: { start: Rule[] }) => (defined = { name, rules: spec.start }),
    defineMIME: (m: string) => (mime = m),
  };
  const cell = { cell_type: 'code', code_mirror: { setOption: (_k: string, v: string) => applied.push(v) } };
  const Jupyter = {
    CodeCell: { options_default: { cm_config: { mode: '' } } },
    notebook: { get_cells: () => [cell], events: { on: () => {} } },
  };
  let module: { onload(): void } | undefined;
  const define = (_deps: string[], factory: (...a: unknown[]) => { onload(): void }) =>
    (module = factory(CodeMirror, {}, Jupyter));
  new Function('define', kernelJs())(define);
  module!.onload();
  assert.equal(Jupyter.CodeCell.options_default.cm_config.mode, 'kestrel');
  return { ...defined!, mime, applied };
}

/** Tokenises a line the way CodeMirror's simple mode does: at each position the first rule that matches there. */
function tokens(rules: Rule[], line: string): [string, string][] {
  const out: [string, string][] = [];
  let pos = 0;
  while (pos < line.length) {
    if (line[pos] === ' ') {
      pos++;
      continue;
    }
    let matched = false;
    for (const r of rules) {
      const re = new RegExp(r.regex.source, r.regex.flags.replace('g', '') + 'y');
      re.lastIndex = pos;
      const m = re.exec(line);
      if (m && m[0].length > 0) {
        out.push([m[0], r.token]);
        pos += m[0].length;
        matched = true;
        break;
      }
    }
    if (!matched) pos++;
  }
  return out;
}

test('kernel.js defines the "kestrel" CodeMirror mode for the classic Notebook and applies it to code cells', async () => {
  const mode = await loadMode();
  assert.equal(mode.name, 'kestrel');
  assert.equal(mode.mime, 'text/x-kestrel');
  assert.deepEqual(mode.applied, ['kestrel']);
  assert.deepEqual(
    tokens(mode.rules, "procs = GET process FROM stixshifter://host101 WHERE name = 'cmd.exe' # hunt"),
    [
      ['procs', 'variable'],
      ['=', 'operator'],
      ['GET', 'keyword'],
      ['process', 'type'],
      ['FROM', 'keyword'],
      ['stixshifter://host101', 'link'],
      ['WHERE', 'keyword'],
      ['name', 'variable'],
      ['=', 'operator'],
      ["'cmd.exe'", 'string'],
      ['# hunt', 'comment'],
    ],
  );
  assert.deepEqual(tokens(mode.rules, 'nt = find network-traffic CREATED BY procs LIMIT 10'), [
    ['nt', 'variable'],
    ['=', 'operator'],
    ['find', 'keyword'],
    ['network-traffic', 'type'],
    ['CREATED', 'builtin'],
    ['BY', 'keyword'],
    ['procs', 'variable'],
    ['LIMIT', 'keyword'],
    ['10', 'number'],
  ]);
});

test('kernel start with a malformed connection file: an error naming the file and the key, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-conn-'));
  try {
    const file = join(dir, 'kernel-1.json');
    writeFileSync(file, JSON.stringify({ ip: '127.0.0.1', transport: 'tcp' }));
    const r = spawnSync(process.execPath, [BIN, 'kernel', 'start', '-f', file], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      new RegExp(`error\\[E_KERNEL_CONNECTION\\]: connection file ${file}: shell_port: Required`),
    );
    assert.ok(!/\n\s+at /.test(r.stderr), r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
