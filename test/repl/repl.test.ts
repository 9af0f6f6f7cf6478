// `peregrine repl` driven as a user drives it: through a pipe (scripted input), and through a pseudo-terminal made
// by util-linux `script` for what only a terminal has — Tab completion, Ctrl-C on a running statement, Ctrl-D,
// history saved and recalled with the up arrow.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KESTREL_TEST_DATA } from '../support/data.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'peregrine.js');
const BUNDLE = join(KESTREL_TEST_DATA, 'test_bundle.json');

let dir: string;
let server: Server;
let slowUrl: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'peregrine-repl-'));
  // A bundle that never ends, for Ctrl-C on a running GET.
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000002", "objects": [');
    let i = 0;
    const obs = (): string =>
      JSON.stringify({
        type: 'observed-data',
        id: `observed-data--00000000-0000-4000-8000-${String(i++).padStart(12, '0')}`,
        first_observed: '2020-06-30T19:25:00.000Z',
        last_observed: '2020-06-30T19:25:00.000Z',
        number_observed: 1,
        objects: { '0': { type: 'network-traffic', dst_port: 443, protocols: ['tcp'] } },
      });
    // Past the connector's progress interval (5,000 observations) at once, then a trickle that never ends.
    res.write(Array.from({ length: 6000 }, obs).join(','));
    const timer = setInterval(() => res.write(',' + obs()), 20);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  slowUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/endless.json`;
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function env(): NodeJS.ProcessEnv {
  return { ...process.env, PEREGRINE_HISTORY: join(dir, 'history'), NO_COLOR: '1' };
}

test('piped input: multi-line statements, DISP tables, the summary, a positioned error with a caret, no stack', () => {
  const input = [
    `ssh = GET network-traffic FROM file://${BUNDLE} WHERE [network-traffic:dst_port = 22`,
    '                                 AND network-traffic:dst_port < 10000]',
    'DISP ssh ATTR src_port, dst_port LIMIT 2',
    'DISP ssh ATTR dst_port,, src_port',
    'DISP ssh ATTR dst_port LIMIT 1',
    '',
  ].join('\n');
  const r = spawnSync(process.execPath, [BIN, 'repl'], {
    input,
    encoding: 'utf8',
    env: env(),
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /ssh\s+network-traffic\s+29\s+29/);
  assert.match(out, /dst_port/);
  assert.match(out, /<repl 3>:1:24: error\[E_/);
  assert.match(out, /1 \| DISP ssh ATTR dst_port,, src_port\n\s+\|\s{24}\^/);
  assert.match(out, /hint: /);
  assert.ok(!/\n\s+at /.test(out), 'no stack trace');
  // The statement after the error still runs.
  assert.equal(out.split('\n').filter((l) => /\s22$/.test(l)).length, 3, out);
});

test('piped input ending inside a statement: the parser says what is missing', () => {
  const r = spawnSync(process.execPath, [BIN, 'repl'], {
    input: `x = GET network-traffic FROM file://${BUNDLE} WHERE [network-traffic:dst_port = 22\n`,
    encoding: 'utf8',
    env: env(),
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /<repl 1>:1:\d+: error\[E_/);
});

test('piped input: SIGINT cancels the running GET; the next statement runs; SIGINT when idle ends the REPL', async () => {
  const child = spawn(process.execPath, [BIN, 'repl'], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let notify: (() => void) | undefined;
  child.stdout.on('data', (b: Buffer) => ((out += b.toString('utf8')), notify?.()));
  child.stderr.on('data', (b: Buffer) => ((err += b.toString('utf8')), notify?.()));
  const until = (cond: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (cond()) {
          notify = undefined;
          resolve();
        }
      };
      notify = check;
      child.once('close', () => reject(new Error(`REPL exited early:\n${out}\n${err}`)));
      check();
    });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const kill = setTimeout(() => child.kill('SIGKILL'), 40_000);
  try {
    child.stdin.write(`ssh = GET network-traffic FROM file://${BUNDLE} WHERE dst_port = 22\n`);
    await until(() => /ssh\s+network-traffic\s+29/.test(out));
    child.stdin.write(`slow = GET network-traffic FROM ${slowUrl} WHERE dst_port > 0\n`);
    await until(() => /observations/.test(err));
    child.kill('SIGINT');
    await until(() => /error\[E_CANCELLED\]/.test(out));
    child.stdin.write('DISP ssh ATTR dst_port LIMIT 1\n');
    await until(() => /\s22\n/.test(out.split('E_CANCELLED')[1] ?? ''));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.ok(!/\n\s+at /.test(out + err), 'no stack trace');
  } finally {
    clearTimeout(kill);
  }
});

// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ANSI_CONTROL = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Runs the REPL in a pseudo-terminal, feeding `steps` one at a time once `waitFor` appears in the output. */
async function pty(steps: { waitFor: RegExp; send: string }[]): Promise<string> {
  const child = spawn('script', ['-qfec', `${process.execPath} ${BIN} repl`, '/dev/null'], {
    // TERM=dumb would turn readline's completion and history keys off.
    env: { ...env(), TERM: 'xterm', COLUMNS: '200', LINES: '50' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let waiting: (() => void) | undefined;
  let cursor = 0;
  const onData = (b: Buffer): void => {
    // Terminal control sequences (cursor moves, line clears) are dropped so the tests read plain text.
    out += b.toString('utf8').replace(ANSI_CONTROL, '');
    waiting?.();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const timeout = setTimeout(() => child.kill('SIGKILL'), 40_000);
  try {
    for (const step of steps) {
      await new Promise<void>((resolve, reject) => {
        const check = (): void => {
          const m = step.waitFor.exec(out.slice(cursor));
          if (m) {
            cursor += m.index + m[0].length;
            waiting = undefined;
            resolve();
          }
        };
        waiting = check;
        check();
        child.once('close', () =>
          reject(new Error(`REPL exited while waiting for ${step.waitFor}:\n${out}`)),
        );
      });
      child.stdin.write(step.send);
    }
    await exited;
  } finally {
    clearTimeout(timeout);
  }
  return out;
}

test('terminal: Tab completes, Ctrl-C cancels a running GET, Ctrl-D exits, history is saved and recalled', async () => {
  const prompt = /peregrine> $/;
  const first = await pty([
    { waitFor: prompt, send: `ssh = GET network-traffic FROM file://${BUNDLE} WHERE dst_port = 22\r` },
    { waitFor: /ssh\s+network-traffic\s+29[\s\S]*peregrine> $/, send: 'DISP ss\t' },
    { waitFor: /DISP ssh/, send: ' ATTR dst_po\t' },
    { waitFor: /dst_port/, send: ' LIMIT 1\r' },
    {
      waitFor: /\b22\b[\s\S]*peregrine> $/,
      send: `slow = GET network-traffic FROM ${slowUrl} WHERE dst_port > 0\r`,
    },
    { waitFor: /observations/, send: '\x03' },
    { waitFor: /error\[E_CANCELLED\][\s\S]*peregrine> $/, send: 'DISP ssh ATTR dst_port LIMIT 1\r' },
    { waitFor: /\b22\b[\s\S]*peregrine> $/, send: '\x04' },
  ]);
  assert.match(first, /DISP ssh ATTR dst_port LIMIT 1/);
  const history = readFileSync(join(dir, 'history'), 'utf8').trim().split('\n');
  assert.equal(history.at(-1), 'DISP ssh ATTR dst_port LIMIT 1');
  assert.ok(history.some((l) => l.startsWith('ssh = GET network-traffic')));

  // A new REPL recalls the history with the up arrow: ↑ ↑ ↑ gives the GET that defined ssh.
  // Then Ctrl-C drops a half-typed multi-line statement, and on an empty prompt says how to exit.
  const second = await pty([
    { waitFor: prompt, send: '\x1b[A\x1b[A\x1b[A\r' },
    {
      waitFor: /ssh\s+network-traffic\s+29[\s\S]*peregrine> $/,
      send: 'x = GET network-traffic WHERE [network-traffic:dst_port = 22\r',
    },
    { waitFor: /\.\.\.> $/, send: 'AND network-traffic:src_port' },
    { waitFor: /src_port$/, send: '\x03' },
    { waitFor: /\^C\s*peregrine> $/, send: '\x03' },
    { waitFor: /to exit, press Ctrl-D\)\s*peregrine> $/, send: 'DISP x\r' },
    { waitFor: /unknown variable "x"[\s\S]*peregrine> $/, send: '\x04' },
  ]);
  assert.match(second, /ssh\s+network-traffic\s+29/);
});

test('piped input: APPLY writes its graphic displays to --output-dir and prints their paths', () => {
  const out = join(dir, 'displays');
  const procs = join(ROOT, 'test', 'analytics', 'data', 'procs.json');
  const r = spawnSync(process.execPath, [BIN, 'repl', '--output-dir', out], {
    input: `procs = GET process FROM file://${procs}\nAPPLY file://${join(ROOT, 'examples', 'analytics', 'rare-names.ts')} ON procs\n`,
    encoding: 'utf8',
    env: env(),
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  for (const f of [
    '2-01-procs-names-by-count.vl.json',
    '2-01-procs-names-by-count.svg',
    '2-02-procs-rare-names.md',
  ]) {
    assert.ok(r.stdout.includes(`→ ${join(out, f)}\n`), r.stdout);
    assert.ok(readFileSync(join(out, f)).length > 0, f);
  }
  assert.match(r.stdout, /set x_name_count, x_rare on 4 process entities/);
});
