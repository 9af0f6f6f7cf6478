/**
 * The repository stands alone: a user's clone has no `../shared` beside it, so nothing that the code, the tests, the
 * benchmarks or the scripts run may read from there. Third-party data is vendored under `test/data/<source>/` and
 * reached through `test/support/data.ts` only (one module knows the layout). Comments may name where a file came
 * from; code and fixture inputs may not point there.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
/** The folders whose files run: the program, its tests and benchmarks, the scripts, the lab's workload. */
const AREAS = ['src', 'test', 'bench', 'scripts', 'workload', 'bin'];
/** Vendored third-party files are data, not references; this file spells the patterns it looks for. */
const SKIPPED = [join('test', 'data') + sep, relative(ROOT, import.meta.filename) + sep];
const CODE = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);
const TEST_DATA = join(ROOT, 'test', 'data');
/** The one module that knows where the vendored folders are. */
const DATA_MODULE = join(ROOT, 'test', 'support', 'data.ts');

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

const within = (dir: string, p: string): boolean => p === dir || p.startsWith(dir + sep);
const inside = (p: string): boolean => within(ROOT, p);

function isModuleSpecifier(node: ts.Node): boolean {
  const p = node.parent;
  return (
    ((ts.isImportDeclaration(p) || ts.isExportDeclaration(p)) && p.moduleSpecifier === node) ||
    (ts.isCallExpression(p) && p.expression.kind === ts.SyntaxKind.ImportKeyword) ||
    (ts.isLiteralTypeNode(p) && ts.isImportTypeNode(p.parent))
  );
}

const AROUND = 'reaches test/data around test/support/data.ts';

/** Why a string literal of `file` reaches outside the repository or into test/data, or undefined. */
function literalProblem(file: string, node: ts.Node, value: string): string | undefined {
  if (/shared[/\\]data/.test(value)) return 'names shared/data';
  if (file !== DATA_MODULE && /(^|[/\\])data\b/.test(value)) {
    // cwd-relative (`test/data/…`, the tests run from the root) or relative to the file (`../data/…`)
    if (
      within(TEST_DATA, resolve(ROOT, value)) ||
      (value.startsWith('.') && within(TEST_DATA, resolve(dirname(file), value)))
    )
      return AROUND;
  }
  if (!/\.\.[/\\]shared\b/.test(value)) return undefined;
  const target = resolve(dirname(file), value);
  // An import of a sibling folder named `shared` (src/backends/shared) is fine when it stays in the repository.
  if (isModuleSpecifier(node)) return inside(target) ? undefined : 'imports from outside the repository';
  return inside(target) && existsSync(target) ? undefined : 'names ../shared';
}

function codeFindings(file: string, text: string): Finding[] {
  const kind = extname(file).endsWith('ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const out: Finding[] = [];
  const add = (node: ts.Node, why: string): void => {
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    out.push({ file, line: line + 1, text: `${why}: ${node.getText(sf).replace(/\s+/g, ' ')}` });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      const why = literalProblem(file, node, node.text);
      if (why) add(node, why);
    }
    if (ts.isCallExpression(node)) {
      const segments = node.arguments.map((a) => (ts.isStringLiteralLike(a) ? a.text : undefined));
      // join(ROOT, '..', 'shared', …): path segments that climb out and into `shared`.
      const up = segments.indexOf('..');
      if (up >= 0 && segments.indexOf('shared', up) > up) add(node, 'joins ../shared');
      // join(import.meta.dirname, '..', 'data', 'otrf'): the folder's own path to a vendored source.
      const [first, ...rest] = node.arguments;
      if (
        file !== DATA_MODULE &&
        first !== undefined &&
        rest.length > 0 &&
        first.getText(sf) === 'import.meta.dirname' &&
        rest.every(ts.isStringLiteralLike) &&
        within(TEST_DATA, resolve(dirname(file), ...rest.map((a) => a.text)))
      )
        add(node, AROUND);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter((f, i) => i === 0 || out[i - 1].line !== f.line); // one finding per line is enough
}

/** Fixture cases, notebooks, Python drivers, shell: every line but comments (`#`, `;`, `//`) and case names. */
function textFindings(file: string, text: string): Finding[] {
  return text.split('\n').flatMap((line, i) => {
    if (/^\s*(#|;|\/\/)/.test(line) || !/shared[/\\]data|\.\.[/\\]shared\b/.test(line)) return [];
    return [{ file, line: i + 1, text: line.trim() }];
  });
}

/** Every place in `text` (the content of `file`) that reads from `../shared`, or from test/data on its own. */
function outsideReferences(file: string, text: string): Finding[] {
  if (!text.includes('shared') && !text.includes('data')) return [];
  return CODE.has(extname(file)) ? codeFindings(file, text) : textFindings(file, text);
}

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'node_modules' || SKIPPED.some((s) => (relative(ROOT, p) + sep).startsWith(s))) continue;
    if (statSync(p).isDirectory()) yield* files(p);
    else if (extname(p) !== '.md') yield p; // prose names origins
  }
}

test('nothing under src, test, bench, scripts, workload or bin reads from ../shared or around test/support/data.ts', () => {
  const found: string[] = [];
  for (const area of AREAS) {
    if (!existsSync(join(ROOT, area))) continue;
    for (const file of files(join(ROOT, area))) {
      const bytes = readFileSync(file);
      if (bytes.subarray(0, 8000).includes(0)) continue; // binary
      for (const f of outsideReferences(file, bytes.toString('utf8')))
        found.push(`${relative(ROOT, f.file)}:${f.line}: ${f.text}`);
    }
  }
  assert.deepEqual(
    found,
    [],
    'a clone has no ../shared: copy the data into test/data/<source>/ (with its licence and a README line naming ' +
      'origin and commit) and reach it through test/support/data.ts',
  );
});

test('the check finds runtime references and leaves comments and in-repository imports alone', () => {
  const at = (path: string, text: string): string[] =>
    outsideReferences(join(ROOT, path), text).map((f) => `${f.line}: ${f.text}`);
  assert.deepEqual(
    at(
      'test/x/a.test.ts',
      [
        '// copied from ../shared/data/kestrel/test-data (commit e732981a)',
        '/** Origin: `../shared/data/sysflow`. */',
        "const A = join(ROOT, '..', 'shared', 'data', 'kestrel');",
        "const B = readFileSync('../shared/data/x.json', 'utf8');",
        'const C = `${ROOT}/../shared/x`;',
        "const D = new URL('../../../shared/', import.meta.url);",
        "import { E } from '../../../shared/e.ts';",
        "const F = 'shared';",
        "const G = join(import.meta.dirname, '..', 'data', 'otrf');",
        "const H = readFileSync('test/data/kestrel/x.json', 'utf8');",
        "const I = join(import.meta.dirname, '../data/sigma');",
        "const J = join(ROOT, 'data', 'policies', 'ttps.yaml');",
      ].join('\n'),
    ),
    [
      "3: joins ../shared: join(ROOT, '..', 'shared', 'data', 'kestrel')",
      "4: names shared/data: '../shared/data/x.json'",
      '5: names ../shared: }/../shared/x`',
      "6: names ../shared: '../../../shared/'",
      "7: imports from outside the repository: '../../../shared/e.ts'",
      "9: reaches test/data around test/support/data.ts: join(import.meta.dirname, '..', 'data', 'otrf')",
      "10: reaches test/data around test/support/data.ts: 'test/data/kestrel/x.json'",
      "11: reaches test/data around test/support/data.ts: join(import.meta.dirname, '../data/sigma')",
    ],
  );
  // The data module itself, and the repository's own data/ folder, are fine.
  assert.deepEqual(
    at('test/support/data.ts', "export const TEST_DATA = join(import.meta.dirname, '..', 'data');"),
    [],
  );
  // src/backends/sql importing the backends' shared walker stays inside the repository.
  assert.deepEqual(at('src/backends/sql/compile.ts', "import { walk } from '../shared/walk.ts';"), []);
  assert.deepEqual(
    at(
      'test/telemetry/sysflow/policy/cases/load.txt',
      '# the policies of ../shared/data/sysflow\n; origin: ../shared/data\n../shared/data/sysflow/a.yaml\n==>\nfiles=1',
    ),
    ['3: ../shared/data/sysflow/a.yaml'],
  );
});
