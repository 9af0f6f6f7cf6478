/* eslint-disable @typescript-eslint/no-explicit-any -- the reports are free-form JSON printed by the Python driver */
// The installed kernel driven by a real Jupyter client (jupyter_client, test/jupyter/py/protocol.py): kernel_info,
// heartbeat, is_complete, complete, inspect, comm/history, a bad HMAC, an unknown message type and restart.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { installKernel, runDriver, TEST_BUNDLE, type JupyterEnv } from './support.ts';

type Msg = { msg_type: string; content: Record<string, any> };
type Cell = { reply: Record<string, any>; iopub: Msg[] };
interface Report {
  kernel_info: Record<string, any>;
  kernel_info_iopub: string[];
  heartbeat: string | null;
  is_complete: Record<string, { status: string; indent?: string }>;
  first_cell: Cell;
  complete: Record<string, { matches: string[]; cursor_start: number; cursor_end: number; status: string }>;
  inspect: Record<string, { found: boolean; data: Record<string, string> }>;
  comm_info: Record<string, any>;
  history: Record<string, any>;
  after_bad_hmac: Cell;
  completion_after_bad_hmac: { matches: string[] };
  unknown: { msg_type: string; content: Record<string, any> };
  alive_after_unknown: string;
  run_all: string[];
  run_all_after: string[];
  run_all_no_stop: string[];
  restart_new_process: boolean;
  after_restart: Cell;
  kernel_stderr: string;
}

let jenv: JupyterEnv;
let report: Report;

before(async () => {
  jenv = installKernel();
  report = await runDriver<Report>('protocol.py', jenv, {
    PEREGRINE_TEST_BUNDLE: TEST_BUNDLE,
    PEREGRINE_KERNEL_STDERR: join(jenv.prefix, 'kernel.stderr'),
  });
});
after(() => jenv?.cleanup());

test('kernel_info names the language kestrel with .hf files, protocol 5.3, wrapped in busy/idle on iopub', () => {
  const k = report.kernel_info;
  assert.equal(k.status, 'ok');
  assert.equal(k.protocol_version, '5.3');
  assert.equal(k.implementation, 'peregrine');
  assert.equal(k.language_info.name, 'kestrel');
  assert.equal(k.language_info.file_extension, '.hf');
  assert.equal(k.language_info.mimetype, 'text/x-kestrel');
  assert.equal(k.language_info.codemirror_mode, 'kestrel');
  assert.equal(k.language_info.pygments_lexer, 'kestrel');
  assert.deepEqual(report.kernel_info_iopub, ['busy', 'idle']);
  assert.equal(report.heartbeat, 'ping-peregrine');
});

test('is_complete: a finished statement is complete, an open bracket is incomplete', () => {
  assert.equal(report.is_complete.complete!.status, 'complete');
  assert.equal(report.is_complete.incomplete!.status, 'incomplete');
  assert.equal(typeof report.is_complete.incomplete!.indent, 'string');
});

test('a cell runs: execute_input, then the execution summary with 29 entities, then an ok reply', () => {
  const cell = report.first_cell;
  assert.equal(cell.reply.status, 'ok', JSON.stringify(cell.reply));
  assert.equal(cell.reply.execution_count, 1);
  const types = cell.iopub.map((m) => m.msg_type);
  assert.deepEqual(types.slice(0, 2), ['status', 'execute_input']);
  assert.equal(types.at(-1), 'status');
  const summary = cell.iopub.find((m) => m.msg_type === 'display_data')!;
  assert.match(
    summary.content.data['text/html'],
    /<td[^>]*>conns<\/td>\s*<td[^>]*>network-traffic<\/td>\s*<td style="text-align:right[^"]*">29<\/td>/,
  );
  assert.match(summary.content.data['text/plain'], /conns/);
});

test('complete_request offers commands, variables, entity types, attributes and relations', () => {
  const c = report.complete;
  assert.deepEqual(c.command!.matches, ['DISP']);
  assert.equal(c.command!.cursor_start, 0);
  assert.deepEqual(c.variable!.matches, ['conns']);
  assert.deepEqual([c.variable!.cursor_start, c.variable!.cursor_end], [5, 7]);
  assert.deepEqual(c.entity_type!.matches, ['network-traffic']);
  assert.ok(c.attribute!.matches.includes('dst_port'), JSON.stringify(c.attribute));
  assert.deepEqual(c.relation!.matches, ['CREATED']);
});

test('inspect_request describes a variable and a keyword, and finds nothing in blanks', () => {
  assert.equal(report.inspect.variable!.found, true);
  assert.match(
    report.inspect.variable!.data['text/plain']!,
    /conns: variable of type network-traffic[\s\S]*entities: 29/,
  );
  assert.match(report.inspect.keyword!.data['text/plain']!, /^FIND:/);
  assert.equal(report.inspect.nothing!.found, false);
});

test('comm_info and history answer empty', () => {
  assert.deepEqual(report.comm_info.comms, {});
  assert.deepEqual(report.history.history, []);
});

test('a message with a bad HMAC is dropped and logged, never executed; the kernel keeps serving', () => {
  assert.equal(report.after_bad_hmac.reply.status, 'ok');
  assert.equal(
    report.after_bad_hmac.reply.execution_count,
    2,
    'the bad execute_request must not have counted',
  );
  assert.deepEqual(
    report.completion_after_bad_hmac.matches,
    [],
    'the variable of the bad message must not exist',
  );
  assert.match(report.kernel_stderr, /rejected message on shell \(execute_request\): invalid HMAC signature/);
});

test('an unknown request type gets an error reply and the kernel stays alive', () => {
  assert.equal(report.unknown.msg_type, 'frobnicate_reply');
  assert.equal(report.unknown.content.status, 'error');
  assert.equal(report.unknown.content.ename, 'UnknownMessageType');
  assert.equal(report.alive_after_unknown, 'ok');
  assert.match(report.kernel_stderr, /unknown message type "frobnicate_request"/);
});

test('after a failing cell, the execute_requests queued behind it are aborted unless stop_on_error is false', () => {
  assert.deepEqual(report.run_all, ['ok', 'error', 'aborted', 'aborted']);
  assert.deepEqual(report.run_all_after, ['ok']);
  assert.deepEqual(report.run_all_no_stop, ['ok', 'error', 'ok']);
});

test('restart starts a new kernel process whose session is fresh', () => {
  assert.equal(report.restart_new_process, true);
  const cell = report.after_restart;
  assert.equal(cell.reply.status, 'error');
  assert.equal(cell.reply.execution_count, 1);
  assert.match(cell.reply.traceback.join('\n'), /conns/);
});
