// Builds the prebuilt JupyterLab extension into prebuilt/ (committed: `peregrine kernel install` copies it, so users
// need neither Python's jupyterlab nor a build). TypeScript → lib/, then @jupyterlab/builder's webpack (module
// federation) against the core metadata of the installed Python `jupyterlab` (its staging/package.json names the
// shared singleton packages and their versions).
//
//   node labextension/build.js           rebuild prebuilt/ after changing the highlighter
//   node labextension/build.js --check   rebuild in a scratch copy, compare with prebuilt/
//
// The build tools (@jupyterlab/builder, typescript) and the packages the extension imports are devDependencies of the
// repository itself, so `npm install` at the root is all a clone needs.
//
// The builder is run directly rather than through `jupyter labextension build`, which may fetch core metadata over
// the network and install packages: nothing here reaches the network.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's node_modules: the extension has none of its own. */
const MODULES = join(here, '..', 'node_modules');

function build(dir) {
  const staging = execFileSync(
    process.env.PYTHON ?? 'python3',
    ['-c', 'import jupyterlab, os; print(os.path.join(os.path.dirname(jupyterlab.__file__), "staging"))'],
    { encoding: 'utf8' },
  ).trim();
  rmSync(join(dir, 'lib'), { recursive: true, force: true });
  rmSync(join(dir, 'prebuilt'), { recursive: true, force: true });
  run([join(MODULES, 'typescript', 'bin', 'tsc'), '-p', dir], dir);
  run(
    [
      join(MODULES, '@jupyterlab', 'builder', 'lib', 'build-labextension.js'),
      '--core-path',
      staging,
      dir,
    ],
    dir,
  );
}

/** Runs a node script quietly; its output is shown only when it fails. */
function run(args, cwd) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`${args.join(' ')} failed:\n${r.stdout}${r.stderr}${r.error?.message ?? ''}`);
    process.exit(1);
  }
}

/** Every file under `dir`, relative, sorted. */
function files(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

if (!existsSync(join(MODULES, '@jupyterlab', 'builder'))) {
  console.error('the extension\'s build tools are missing: run `npm install` at the repository root first');
  process.exit(2);
}
if (process.argv[2] !== '--check') {
  build(here);
  console.log(`built ${join(here, 'prebuilt')}: ${files(join(here, 'prebuilt')).join(', ')}`);
} else {
  // A scratch copy of the repository's sources at the same relative places, so the bundle's module ids match.
  const root = mkdtempSync(join(tmpdir(), 'peregrine-labext-'));
  try {
    cpSync(join(here, '..', 'src'), join(root, 'src'), { recursive: true });
    for (const f of ['package.json', 'tsconfig.json', 'webpack.config.cjs', 'src'])
      cpSync(join(here, f), join(root, 'labextension', f), { recursive: true });
    // build tools, the packages the extension and the sources import (webpack drops what the highlighter does not use)
    symlinkSync(MODULES, join(root, 'node_modules'), 'dir');
    build(join(root, 'labextension'));
    const a = join(here, 'prebuilt');
    const b = join(root, 'labextension', 'prebuilt');
    const problems = [];
    const [fa, fb] = [files(a), files(b)];
    for (const f of new Set([...fa, ...fb])) {
      if (!fa.includes(f)) problems.push(`missing from prebuilt/: ${f}`);
      else if (!fb.includes(f)) problems.push(`not produced by the build: ${f}`);
      else if (!readFileSync(join(a, f)).equals(readFileSync(join(b, f)))) problems.push(`differs: ${f}`);
    }
    if (problems.length > 0) {
      console.error(
        `labextension/prebuilt/ is not what the sources build:\n  ${problems.join('\n  ')}\n` +
          'rebuild it with `node labextension/build.js` and commit labextension/prebuilt/',
      );
      process.exit(1);
    }
    console.log(`labextension/prebuilt/ matches a fresh build (${fa.length} files)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
