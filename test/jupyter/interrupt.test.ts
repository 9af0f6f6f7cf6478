/* eslint-disable @typescript-eslint/no-explicit-any -- the reports are free-form JSON printed by the Python driver */
// Interrupting a long GET in the installed kernel (test/jupyter/py/interrupt.py): the GET reads a bundle from a local
// HTTP server that sends one observed-data at a time and never ends, so only an interrupt can finish the cell.
// Both interrupt_request (control channel) and SIGINT must cancel the query in flight — the server sees its
// connection closed — and leave the session usable.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { installKernel, runDriver, TEST_BUNDLE, type JupyterEnv } from './support.ts';

type Msg = { msg_type: string; content: Record<string, any> };
type Interrupted = { seen_before_interrupt: string[]; reply: Record<string, any>; iopub: Msg[] };
interface Report {
  setup: Record<string, any>;
  by_message: Interrupted;
  after_message: { reply: Record<string, any>; iopub: Msg[] };
  by_signal: Interrupted;
  after_signal: { reply: Record<string, any>; iopub: Msg[] };
  before_shutdown: Msg[];
  kernel_stderr: string;
}

function observedData(i: number): string {
  const ts = new Date(Date.UTC(2020, 5, 30, 19, 0, 0) + i * 1000).toISOString();
  return JSON.stringify({
    type: 'observed-data',
    id: `observed-data--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    created: ts,
    modified: ts,
    first_observed: ts,
    last_observed: ts,
    number_observed: 1,
    objects: {
      '0': { type: 'network-traffic', src_port: 40000 + (i % 1000), dst_port: 443, protocols: ['tcp'] },
    },
  });
}

let server: Server;
let url: string;
let requests = 0;
let closedByClient = 0;
let jenv: JupyterEnv;
let report: Report;

before(async () => {
  server = createServer((req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001", "objects": [');
    // A first burst past the connector's progress interval (5,000 observations), then a trickle that never ends.
    let i = 0;
    const burst = Array.from({ length: 6000 }, () => observedData(i++)).join(',');
    res.write(burst);
    const timer = setInterval(() => res.write(',' + observedData(i++)), 20);
    res.on('close', () => {
      clearInterval(timer);
      closedByClient++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/endless.json`;
  jenv = installKernel();
  report = await runDriver<Report>('interrupt.py', jenv, {
    PEREGRINE_TEST_BUNDLE: TEST_BUNDLE,
    PEREGRINE_SLOW_URL: url,
    PEREGRINE_KERNEL_STDERR: join(jenv.prefix, 'kernel.stderr'),
  });
});
after(async () => {
  jenv?.cleanup();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function assertCancelled(r: Interrupted): void {
  assert.ok(r.seen_before_interrupt.includes('display_data'), 'progress was shown before the interrupt');
  assert.equal(r.reply.status, 'error', JSON.stringify(r.reply));
  assert.equal(r.reply.ename, 'CancelledError');
  assert.match(r.reply.traceback.join('\n'), /error\[E_CANCELLED\]/);
  assert.ok(
    r.iopub.some((m) => m.msg_type === 'error'),
    'the error is published on iopub too',
  );
}

test('interrupt_request cancels the GET in flight', () => {
  assert.equal(report.setup.status, 'ok');
  assertCancelled(report.by_message);
});

test('the session is usable after an interrupt: earlier variables are still there', () => {
  assert.equal(report.after_message.reply.status, 'ok', JSON.stringify(report.after_message));
  assert.ok(report.after_message.iopub.some((m) => m.msg_type === 'display_data'));
});

test('SIGINT cancels the GET in flight too, and the next GET works', () => {
  assertCancelled(report.by_signal);
  assert.equal(report.after_signal.reply.status, 'ok');
  assert.match(report.kernel_stderr, /SIGINT: interrupting the running cell/);
});

test('shutdown during a GET cancels it and the kernel exits cleanly', () => {
  assert.equal(report.before_shutdown.at(-1)?.msg_type, 'display_data', JSON.stringify(report.before_shutdown));
  assert.match(report.kernel_stderr, /\[peregrine-kernel\] shut down\n/);
});

test('each cancelled GET closed its HTTP connection', () => {
  assert.equal(requests, 3);
  assert.equal(closedByClient, 3);
});
