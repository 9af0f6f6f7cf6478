// Progress of long queries (the Jupyter kernel's stderr stream and the REPL): the line, and when it is shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressReporter, progressLine } from '../../src/render/index.ts';

test('progress lines name the source, the observations read and the time', () => {
  assert.equal(
    progressLine({ source: 'file:///x.json', hits: 12000, elapsedMs: 1250 }),
    'file:///x.json: 12,000 observations in 1.3 s',
  );
  assert.equal(
    progressLine({ source: 'stixshifter://h', hits: 5, total: 50000, elapsedMs: 10 }),
    'stixshifter://h: 5 of 50,000 observations in 0.0 s',
  );
});

test('progress: nothing for a query that ends within the delay, then the latest line at most once per interval', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const lines: string[] = [];
  const quick = new ProgressReporter((l) => lines.push(l), { delayMs: 1000, intervalMs: 500 });
  quick.update({ source: 's', hits: 10, total: 10, elapsedMs: 5 });
  t.mock.timers.tick(900);
  quick.stop();
  t.mock.timers.tick(5000);
  assert.equal(lines.length, 0);

  const slow = new ProgressReporter((l) => lines.push(l), { delayMs: 1000, intervalMs: 500 });
  slow.update({ source: 's', hits: 1, elapsedMs: 100 });
  slow.update({ source: 's', hits: 2, elapsedMs: 200 });
  t.mock.timers.tick(1000);
  assert.deepEqual(lines, ['s: 2 observations in 0.2 s']);
  t.mock.timers.tick(500); // nothing new: nothing shown
  slow.update({ source: 's', hits: 3, elapsedMs: 1400 });
  slow.update({ source: 's', hits: 4, elapsedMs: 1450 });
  t.mock.timers.tick(500);
  assert.deepEqual(lines, ['s: 2 observations in 0.2 s', 's: 4 observations in 1.4 s']);
  slow.stop();
  slow.update({ source: 's', hits: 5, elapsedMs: 2000 });
  t.mock.timers.tick(5000);
  assert.equal(lines.length, 2);
});
