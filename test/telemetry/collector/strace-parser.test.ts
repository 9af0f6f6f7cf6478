/**
 * The strace parser on traces of a command in its own pid namespace: a child whose calls are printed before its
 * parent's clone returns, and a clone that returns the child's pid inside the namespace, must still be one process
 * under its host pid that starts with its clone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StraceParser } from '../../../src/telemetry/collector/drivers/strace.ts';
import type { RawEvent } from '../../../src/telemetry/collector/raw.ts';

function parseAll(lines: string[]): RawEvent[] {
  const p = new StraceParser();
  return [...lines.flatMap((l) => p.parse(l)), ...p.flush()];
}

const brief = (evs: RawEvent[]) =>
  evs.map((e) =>
    e.kind === 'clone'
      ? `clone ${e.ppid}->${e.pid}`
      : e.kind === 'exec'
        ? `exec ${e.pid} ${e.exe}`
        : e.kind === 'exit'
          ? `exit ${e.pid}`
          : e.kind,
  );

// the shape of `strace -f --pidns-translation` around `unshare --fork --pid … sh -c 'ls'`
const translated = [
  '9679  1700000000.000100 execve("/usr/bin/sh", ["sh", "-c", "ls"], 0x7fff /* 35 vars */) = 0',
  '9679  1700000000.000200 vfork( <unfinished ...>',
  '9680  1700000000.000300 execve("/usr/bin/ls", ["ls"], 0x55b5 /* 35 vars */ <unfinished ...>',
  "9679  1700000000.000400 <... vfork resumed>)              = 2 /* 9680 in strace's PID NS */",
  '9680  1700000000.000500 <... execve resumed>)             = 0',
  '9680  1700000000.000600 exit_group(0)                     = ?',
  '9680  1700000000.000700 +++ exited with 0 +++',
  '9679  1700000000.000800 +++ exited with 0 +++',
];

test('a child printed before its clone returns is held and follows the clone, under its host pid', () => {
  const evs = parseAll(translated);
  assert.deepEqual(brief(evs), [
    'exec 9679 /usr/bin/sh',
    'clone 9679->9680',
    'exec 9680 /usr/bin/ls',
    'exit 9680',
    'exit 9679',
  ]);
  const clone = evs.find((e) => e.kind === 'clone')!;
  // dated at the clone's entry, before the child's exec
  assert.equal(clone.ts, 1_700_000_000_000_200_000n);
});

test('without the translation an old strace names the one held task as the child', () => {
  const old = translated.map((l) => l.replace(" /* 9680 in strace's PID NS */", ''));
  assert.deepEqual(brief(parseAll(old)), [
    'exec 9679 /usr/bin/sh',
    'clone 9679->9680',
    'exec 9680 /usr/bin/ls',
    'exit 9680',
    'exit 9679',
  ]);
});

test('a clone that returned before its child printed announces the child as before', () => {
  const lines = [
    '100  1700000000.000100 execve("/usr/bin/sh", ["sh"], 0x7fff /* 1 var */) = 0',
    '100  1700000000.000200 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD, child_tidptr=0x7f) = 101',
    '101  1700000000.000300 execve("/usr/bin/id", ["id"], 0x7fff /* 1 var */) = 0',
    '101  1700000000.000400 +++ exited with 0 +++',
  ];
  assert.deepEqual(brief(parseAll(lines)), [
    'exec 100 /usr/bin/sh',
    'clone 100->101',
    'exec 101 /usr/bin/id',
    'exit 101',
  ]);
});

test('lines of a task whose clone never returned are kept at the end', () => {
  const lines = [
    '100  1700000000.000100 execve("/usr/bin/sh", ["sh"], 0x7fff /* 1 var */) = 0',
    '100  1700000000.000200 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>',
    '101  1700000000.000300 execve("/usr/bin/id", ["id"], 0x7fff /* 1 var */) = 0',
  ];
  assert.deepEqual(brief(parseAll(lines)), ['exec 100 /usr/bin/sh', 'exec 101 /usr/bin/id']);
});
