/**
 * A battery of bad inputs through the real CLI (`node bin/peregrine.js …` as a child process, nothing mocked).
 *
 * Each case of `test/cases/cli/*.txt` describes one invocation:
 *
 *     # name                      (`# todo: name` = a known failure, skipped visibly)
 *     $ run case.hf               argv after `peregrine`; words split on blanks, '…' quotes a word
 *     ! env NAME=value            environment for the child (repeatable)
 *     ! exit 0                    the command must succeed (default: it must fail)
 *     ! nopos                     the error legitimately has no position (a CLI argument, not a file's content)
 *     ! secret VALUE              VALUE must never appear in stdout or stderr (the error may then omit its source line)
 *     ! stdout                    the expectation also holds standard output (after the summary lines)
 *     --- case.hf [crlf|bom|base64|empty|copy:PATH:N]   (copy: the first N bytes of PATH, relative to the repo root)
 *     file content written to the case's temp dir (until the next `--- ` line or `==>`)
 *     ==>
 *     case.hf:1:6 E_CODE          first line of stderr reduced to `source:line:col CODE` (`CODE: message` without a position)
 *     rejected docs.ndjson:2: …   up to three documents `ingest` rejected (it goes on with the rest)
 *     hint: …                     the hint line, when there is one
 *     exit 1
 *
 * In arguments, env values and file contents `$TMP` is the case's temp dir and `$BUNDLE` the Kestrel test bundle.
 * Diagnostics are read from stderr, or from stdout when only stdout has them (`sysflow lint` reports there).
 * Beside the fixture comparison every failing case must render a `PeregrineError`: `error[CODE]:` on its first
 * line, the source line and a caret when positioned, never a JS stack trace, never "internal error"; and no case may
 * print a raw terminal control (ESC, BEL, C1, bidi overrides): data reaches the terminal escaped.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { KESTREL_TEST_DATA } from '../support/data.ts';
import { formatCases, parseCases, type FixtureCase } from '../support/fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CASES = join(import.meta.dirname, 'cases');
const BUNDLE = join(KESTREL_TEST_DATA, 'test_bundle.json');
const CONCURRENCY = 4;
const TIMEOUT_MS = 30_000;

interface Invocation {
  args: string[];
  env: Record<string, string>;
  mustSucceed: boolean;
  positioned: boolean;
  secrets: string[];
  stdout: boolean;
  files: { name: string; mode: string; content: string }[];
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  tmp: string;
}

function splitWords(line: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^'\\]|\\.)*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return words;
}

function parseInvocation(input: string): Invocation {
  const inv: Invocation = { args: [], env: {}, mustSucceed: false, positioned: true, secrets: [], stdout: false, files: [] };
  let file: Invocation['files'][number] | undefined;
  const body: string[] = [];
  const flush = (): void => {
    if (file) file.content = body.splice(0).join('\n');
  };
  for (const line of input.split('\n')) {
    const header = /^--- (\S+)(?: (\S+))?$/.exec(line);
    if (header) {
      flush();
      file = { name: header[1]!, mode: header[2] ?? '', content: '' };
      inv.files.push(file);
    } else if (file) body.push(line);
    else if (line.startsWith('$ ')) inv.args = splitWords(line.slice(2));
    else if (line.startsWith('! env ')) {
      const kv = line.slice(6);
      const eq = kv.indexOf('=');
      inv.env[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (line === '! exit 0') inv.mustSucceed = true;
    else if (line === '! nopos') inv.positioned = false;
    else if (line === '! stdout') inv.stdout = true;
    else if (line.startsWith('! secret ')) inv.secrets.push(line.slice(9));
    else if (line.trim() !== '') throw new Error(`unrecognised case line: ${line}`);
  }
  flush();
  return inv;
}

function fileBytes(f: Invocation['files'][number], subst: (s: string) => string): Buffer {
  const copy = /^copy:(.+):(\d+)$/.exec(f.mode);
  if (copy) return readFileSync(resolve(ROOT, copy[1]!)).subarray(0, Number(copy[2]));
  if (f.mode === 'empty') return Buffer.alloc(0);
  if (f.mode === 'base64') return Buffer.from(f.content.replace(/\s+/g, ''), 'base64');
  const text = subst(f.content) + '\n';
  if (f.mode === 'crlf') return Buffer.from(text.replace(/\n/g, '\r\n'));
  if (f.mode === 'bom') return Buffer.from('\uFEFF' + text);
  if (f.mode !== '') throw new Error(`unknown file mode ${f.mode}`);
  return Buffer.from(text);
}

const tmpDirs: string[] = [];
after(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

function runCli(inv: Invocation): Promise<Outcome> {
  const tmp = mkdtempSync(join(tmpdir(), 'peregrine-bad-'));
  tmpDirs.push(tmp);
  const subst = (s: string): string => s.replaceAll('$TMP', tmp).replaceAll('$BUNDLE', BUNDLE);
  for (const f of inv.files) writeFileSync(join(tmp, f.name), fileBytes(f, subst));
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', HOME: tmp, XDG_CONFIG_HOME: join(tmp, '.config') };
  for (const k of Object.keys(env)) if (k.startsWith('STIXSHIFTER_') || k.startsWith('KESTREL_')) delete env[k];
  for (const [k, v] of Object.entries(inv.env)) env[k] = subst(v);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/peregrine.js'), ...inv.args.map(subst)], {
      cwd: tmp,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: TIMEOUT_MS,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', fail);
    child.on('close', (code) => {
      done({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), tmp });
    });
  });
}

/** `…/tmp/x/case.hf:1:6: error[E_X]: message` → `case.hf:1:6 E_X`, plus the hint line and the exit code. */
/** Where the diagnostics are: stderr, or stdout for a report-style command (`sysflow lint` prints its findings). */
function diagnostics(o: Outcome): string {
  const diag = /(error|warning)\[[A-Z0-9_]+\]/;
  return !diag.test(o.stderr) && diag.test(o.stdout) ? o.stdout + o.stderr : o.stderr;
}

/** Standard output without what varies from run to run: the execution summary (times) and JSONL variable lines. */
function shownStdout(o: Outcome): string[] {
  const lines = o.stdout.replaceAll(o.tmp, '$TMP').split('\n');
  const summary = lines.findIndex((l) => l.startsWith('VARIABLE  TYPE'));
  return (summary >= 0 ? lines.slice(0, summary) : lines)
    .filter((l) => !l.startsWith('{"variable":'))
    .join('\n')
    .trimEnd()
    .split('\n');
}

function summarise(o: Outcome, inv?: Invocation): string {
  const lines = diagnostics(o).split('\n').map((l) => l.replaceAll(o.tmp + '/', '').replaceAll(o.tmp, '$TMP'));
  const out: string[] = [];
  // `ingest` lists the documents it rejects (`  rejected file:line: why`) and goes on; progress and timing lines vary.
  const rejected = lines.filter((l) => /^\s*rejected \S+:\d+/.test(l)).map((l) => l.trim());
  const timing = /docs\/s|\d\.\d+ s\b/;
  const first =
    lines.find((l) => /(error|warning)\[[A-Z0-9_]+\]/.test(l)) ??
    (rejected.length ? undefined : lines.find((l) => l.trim() !== '' && !timing.test(l)));
  if (first !== undefined) {
    const m = /^(?:(.*?:\d+:\d+): )?(error|warning)\[([A-Z0-9_]+)\]/.exec(first);
    // An error without a position (a command-line mistake) keeps its message: it is all there is to check.
    const message = m && !m[1] ? first.slice(m[0].length).replace(/^: /, ': ') : '';
    out.push(m ? [m[1], m[2] === 'warning' ? `warning ${m[3]}` : m[3]].filter(Boolean).join(' ') + message : first);
  }
  out.push(...rejected.slice(0, 3));
  const hint = lines.find((l) => l.startsWith('hint: '));
  if (hint !== undefined) out.push(hint);
  if (inv?.stdout) out.push(...shownStdout(o));
  out.push(`exit ${o.code}`);
  return out.join('\n');
}

function checkShape(inv: Invocation, o: Outcome): void {
  const all = o.stdout + o.stderr;
  assert.doesNotMatch(o.stderr, /^\s+at .+/m, `a stack trace reached the user:\n${o.stderr}`);
  assert.doesNotMatch(all, /internal error/, `an internal error reached the user:\n${o.stderr}`);
  // eslint-disable-next-line no-control-regex
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.exec(all);
  assert.equal(raw, null, `a raw control character U+${raw?.[0].charCodeAt(0).toString(16)} reached the terminal`);
  for (const s of inv.secrets) assert.ok(!all.includes(s), `the secret ${s} was printed:\n${o.stderr}`);
  if (inv.mustSucceed) {
    assert.equal(o.code, 0, `expected success:\n${o.stderr}`);
    return;
  }
  assert.notEqual(o.code, 0, 'expected a non-zero exit');
  const lines = diagnostics(o).split('\n');
  const i = lines.findIndex((l) => /error\[[A-Z0-9_]+\]: \S/.test(l));
  assert.ok(i >= 0, `no rendered PeregrineError on stderr:\n${o.stderr}`);
  if (!inv.positioned) return;
  assert.match(lines[i]!, /^\S.*:\d+:\d+: error\[/, `the error has no position:\n${o.stderr}`);
  // A secret-bearing input (a profile's _CONFIG) is positioned but its text is legitimately not shown.
  if (inv.secrets.length > 0 && lines[i + 1]?.startsWith('hint: ')) return;
  assert.match(lines[i + 2] ?? '', /^\d+ \| /, `the error does not show its source line:\n${o.stderr}`);
  assert.match(lines[i + 3] ?? '', /^ +\| *\^+$/, `the error has no caret:\n${o.stderr}`);
}

/** Runs `jobs` with at most `limit` in flight; each job's promise is handed back at once. */
function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T>[] {
  let next = 0;
  const results = jobs.map(() => {
    let settle!: { ok: (v: T) => void; ko: (e: unknown) => void };
    const p = new Promise<T>((ok, ko) => (settle = { ok, ko }));
    return { p, settle };
  });
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      try {
        results[i]!.settle.ok(await jobs[i]!());
      } catch (e) {
        results[i]!.settle.ko(e);
      }
    }
  };
  for (let w = 0; w < limit; w++) void worker();
  return results.map((r) => r.p);
}

// CLI_CASES=hostile runs only test/cli/cases/hostile.txt (the cases run as child processes before any test starts)
const only = process.env.CLI_CASES;
const files = readdirSync(CASES)
  .filter((f) => f.endsWith('.txt') && (!only || f === `${only}.txt`))
  .sort();
const parsed = files.map((file) => {
  const cases = parseCases(readFileSync(join(CASES, file), 'utf8'));
  return { file, cases, invs: cases.map((c) => parseInvocation(c.input)) };
});
const flat = parsed.flatMap((p) => p.cases.map((c, i) => ({ c, inv: p.invs[i]! })));
const runs = pool(
  flat.map(({ c, inv }) => () => (isTodo(c) && process.env.UPDATE !== '1' ? Promise.resolve(undefined) : runCli(inv))),
  CONCURRENCY,
);
for (const r of runs) r.catch(() => undefined);

function isTodo(c: FixtureCase): boolean {
  return c.name.startsWith('todo:');
}

let k = 0;
for (const { file, cases, invs } of parsed) {
  const mine = runs.slice(k, k + cases.length);
  k += cases.length;
  test(file, async (t) => {
    const actuals: string[] = [];
    for (const [i, c] of cases.entries()) {
      if (isTodo(c) && process.env.UPDATE !== '1') {
        actuals.push(c.expected);
        await t.test(c.name, { skip: 'known failure, see the case' }, () => undefined);
        continue;
      }
      await t.test(c.name, async () => {
        const o = await mine[i]!;
        assert.ok(o);
        const actual = summarise(o, invs[i]);
        actuals.push(actual);
        if (process.env.UPDATE !== '1') assert.equal(actual, c.expected, `stderr was:\n${o.stderr}`);
        checkShape(invs[i]!, o);
      });
    }
    if (process.env.UPDATE === '1') {
      writeFileSync(join(CASES, file), formatCases(cases.map((c, i) => ({ ...c, expected: actuals[i] ?? c.expected }))));
    }
  });
}
