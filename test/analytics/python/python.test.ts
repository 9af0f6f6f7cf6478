/**
 * python:// fixtures (`cases/*.txt`): Kestrel 1.x's own analytics (test/data/kestrel-analytics, unchanged) and
 * small analytics of ours that fail in each way, run through the bridge with the Python on PATH (CI installs pandas,
 * pyarrow, matplotlib, lark and business-rules). A case may start with `! env NAME=VALUE` lines. Profiles come from a
 * Kestrel file in a fresh `$HOME` (its module paths start with `~/`, as Kestrel's sample does) and a Peregrine file
 * named by `$PEREGRINE_ANALYTICS_CONFIG`. Output: one line per assigned variable, each display (graphics as
 * `kind title` and the text labels of a matplotlib SVG), warnings; or `line:col CODE message (hint)`.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { runCases } from '../../support/fixtures.ts';
import { runApplyCase } from '../support.ts';
import { KESTREL_ANALYTICS } from '../../support/data.ts';

const AD = join(import.meta.dirname, '..', 'data');
const TMP = mkdtempSync(join(tmpdir(), 'peregrine-python-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

const home = join(TMP, 'home');
mkdirSync(join(home, '.config', 'kestrel'), { recursive: true });
symlinkSync(KESTREL_ANALYTICS, join(home, 'kestrel-analytics'));
writeFileSync(
  join(home, '.config', 'kestrel', 'pythonanalytics.yaml'),
  ['suspiciousscoring', 'attributeplot', 'log4shell']
    .map((a) => `  ${a}:\n    module: ~/kestrel-analytics/${a}/analytics.py\n    func: analytics\n`)
    .join('')
    .replace(/^/, 'profiles:\n'),
);
// Analytics of ours, each failing in one way, in Peregrine's own profile file (relative module paths).
const ours: Record<string, string> = {
  'missing-package': 'import peregrine_no_such_package\n\ndef analytics(df):\n    return df\n',
  raises: 'def analytics(df):\n    raise ValueError("no column named x")\n',
  'returns-int': 'def analytics(df):\n    return 42\n',
  'html-and-frame': [
    'import os',
    'def analytics(df):',
    '    df["x_len"] = df["name"].str.len()',
    '    return df, "<p>%s rows, LIMIT=%s</p>" % (len(df.index), os.environ.get("LIMIT"))',
    '',
  ].join('\n'),
};
mkdirSync(join(TMP, 'ours'));
for (const [name, code] of Object.entries(ours)) writeFileSync(join(TMP, 'ours', `${name}.py`), code);
writeFileSync(
  join(TMP, 'analytics.yaml'),
  'profiles:\n' +
    Object.keys(ours)
      .map((n) => `  ${n}: {module: ours/${n}.py, func: analytics}\n`)
      .join('') +
    '  nofunc: {module: ours/raises.py, func: analyse}\n  gone: {module: ours/gone.py}\n',
);
// A Python without its site-packages: pandas cannot be imported.
writeFileSync(join(TMP, 'bare-python'), '#!/bin/sh\nexec python3 -S "$@"\n');
chmodSync(join(TMP, 'bare-python'), 0o755);
process.env.HOME = home;
process.env.PEREGRINE_ANALYTICS_CONFIG = join(TMP, 'analytics.yaml');

/** The text labels of a matplotlib SVG (it writes each text as a `<!-- text -->` comment beside its glyphs). */
function svgLabels(svg: string): string {
  return [...svg.matchAll(/<!-- (.*?) -->/g)].map((m) => m[1]).join(', ');
}

runCases(join(import.meta.dirname, 'cases'), (input) =>
  runApplyCase(input, { AD, TMP }, (d) =>
    d.kind === 'svg'
      ? `svg ${d.title}: ${svgLabels(d.svg)}`
      : d.kind === 'html'
        ? `html ${d.title}: ${d.html}`
        : `${d.kind} ${d.title}`,
  ),
);
