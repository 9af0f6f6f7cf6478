/**
 * exec:// and docker:// (`cases/*.txt`): Kestrel's container folder contract through local executables written to
 * `$TMP` — Python with pandas, as a Kestrel container analytic is, but reading the exchange folder named by its
 * first argument instead of `/data` — and docker:// with no container runtime on PATH. Output: one line per assigned
 * variable, each display (graphics as `kind title: text`), warnings; or `line:col CODE message (hint)`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { runCases } from '../../support/fixtures.ts';
import { runApplyCase } from '../support.ts';

const AD = join(import.meta.dirname, '..', 'data');
const TMP = mkdtempSync(join(tmpdir(), 'peregrine-folder-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

const PY = '#!/usr/bin/env python3\nimport os, sys\nimport pandas as pd\nd = sys.argv[1]\n';
const executables: Record<string, string> = {
  // Name length per process, and a per-name count on the second input; a display of each kind it can write.
  'lengths.py':
    PY +
    [
      "df = pd.read_parquet(os.path.join(d, 'input', '0.parquet.gz'))",
      "df['x_name_len'] = df['name'].str.len() * int(os.environ.get('SCALE', '1'))",
      "df.to_parquet(os.path.join(d, 'output', '0.parquet.gz'), compression='gzip')",
      "if os.path.exists(os.path.join(d, 'input', '1.parquet.gz')):",
      "    b = pd.read_parquet(os.path.join(d, 'input', '1.parquet.gz'))",
      "    b['x_second'] = True",
      "    b.to_parquet(os.path.join(d, 'output', '1.parquet.gz'))",
      "open(os.path.join(d, 'display', 'summary.md'), 'w').write('%d processes' % len(df.index))",
      "open(os.path.join(d, 'display', 'plot.html'), 'w').write('<svg xmlns=\"http://www.w3.org/2000/svg\"/>')",
      '',
    ].join('\n'),
  // Kestrel's contract lets the output drop `id` when it keeps the rows in order.
  'no-id.py':
    PY +
    [
      "df = pd.read_parquet(os.path.join(d, 'input', '0.parquet.gz'))",
      "out = pd.DataFrame({'x_pos': range(len(df.index))})",
      "out.to_parquet(os.path.join(d, 'output', '0.parquet.gz'))",
      '',
    ].join('\n'),
  'fails.sh': '#!/bin/sh\necho "cannot reach the model" >&2\nexit 3\n',
  'not-parquet.sh': '#!/bin/sh\necho hello > "$1/output/0.parquet.gz"\n',
};
for (const [f, code] of Object.entries(executables)) {
  writeFileSync(join(TMP, f), code);
  chmodSync(join(TMP, f), 0o755);
}
writeFileSync(join(TMP, 'not-executable.sh'), '#!/bin/sh\n');
mkdirSync(join(TMP, 'empty-path'));

runCases(join(import.meta.dirname, 'cases'), (input) => runApplyCase(input, { AD, TMP }));

/**
 * docker:// with a real container runtime, where podman is installed (CI has none: skipped there). The image is
 * built from this host's own /bin/sh and cp with their libraries (`podman import`, no registry) and holds a shell
 * analytic on Kestrel's contract: it copies /data/input/0 to /data/output/0 and writes one display naming its
 * inputs and a WITH argument.
 */
const podman = (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, 'podman')));
test(
  'docker:// runs an image kestrel-analytics-NAME over the folder contract (podman)',
  { skip: !podman && 'podman is not on PATH' },
  async () => {
    const name = `peregrine-test-${process.pid}`;
    const root = join(TMP, 'rootfs');
    for (const d of ['bin', 'data', 'tmp']) mkdirSync(join(root, d), { recursive: true });
    const files = new Set<string>(['/bin/sh', '/bin/cp']);
    for (const bin of ['/bin/sh', '/bin/cp']) {
      const ldd = spawnSync('ldd', [bin], { encoding: 'utf8' }).stdout;
      for (const m of ldd.matchAll(/(\/\S+\.so[.\d]*)/g)) files.add(m[1]!);
    }
    for (const f of files) {
      mkdirSync(join(root, dirname(f)), { recursive: true });
      copyFileSync(realpathSync(f), join(root, f));
      chmodSync(join(root, f), 0o755);
    }
    writeFileSync(
      join(root, 'analytic.sh'),
      '#!/bin/sh\ncp /data/input/0.parquet.gz /data/output/0.parquet.gz\n' +
        'printf "<p>LABEL=%s; inputs: %s</p>" "$LABEL" "$(echo /data/input/*)" > /data/display/report.html\n',
    );
    const tar = join(TMP, 'rootfs.tar');
    assert.equal(spawnSync('tar', ['-C', root, '-cf', tar, '.']).status, 0);
    const imp = spawnSync(
      'podman',
      ['import', '--change', 'CMD ["/bin/sh","/analytic.sh"]', tar, `kestrel-analytics-${name}`],
      { encoding: 'utf8' },
    );
    assert.equal(imp.status, 0, imp.stderr);
    try {
      const out = await runApplyCase(
        `procs = GET process FROM file://$AD/procs.json\nAPPLY docker://${name} ON procs WITH LABEL=hello`,
        { AD },
        (d) => (d.kind === 'html' ? d.html : d.kind),
      );
      assert.equal(out, `procs process 4 4\n<p>LABEL=hello; inputs: /data/input/0.parquet.gz</p>`);
    } finally {
      spawnSync('podman', ['rmi', '-f', `kestrel-analytics-${name}`]);
    }
  },
);
