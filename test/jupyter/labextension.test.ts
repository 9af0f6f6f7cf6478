// The committed JupyterLab extension (labextension/prebuilt/) is what its sources build: labextension/build.js
// --check rebuilds it in a scratch copy with @jupyterlab/builder against the installed Python jupyterlab and compares
// every file. And JupyterLab itself, given the installed kernelspec's data directory, lists the extension as enabled
// and OK (a prebuilt extension: no `jupyter lab build`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { installKernel, ROOT } from './support.ts';
import { requireJupyterLab } from './browser/server.ts';

test('labextension/prebuilt/ matches a fresh build of labextension/src and the highlighter', () => {
  requireJupyterLab();
  const r = spawnSync(process.execPath, [join(ROOT, 'labextension', 'build.js'), '--check'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /matches a fresh build/);
});

test('JupyterLab lists the installed extension as a prebuilt extension, enabled and OK', () => {
  requireJupyterLab();
  const jenv = installKernel();
  try {
    const r = spawnSync('python3', ['-m', 'jupyter', 'labextension', 'list'], {
      encoding: 'utf8',
      env: jenv.env,
    });
    assert.equal(r.status, 0, r.stderr);
    // eslint-disable-next-line no-control-regex
    const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '');
    assert.match(out, /@peregrine\/jupyterlab-kestrel v0\.1\.0 enabled OK \(npm, peregrine\)/, out);
    assert.ok(out.includes(join(jenv.prefix, 'share', 'jupyter', 'labextensions')), out);
  } finally {
    jenv.cleanup();
  }
});
