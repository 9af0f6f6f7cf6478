// Child process of the lock test: opens the store for writing, appends, says "holding", waits for "release" on stdin.
import { openStore } from '../../../src/store/ecs/index.ts';

const path = process.argv[2];
const store = await openStore(path, { mode: 'write' });
async function* slow(): AsyncGenerator<{ source: string }> {
  yield { source: '{"@timestamp":"2021-01-01T00:00:00Z","process":{"name":"held"}}' };
  process.stdout.write('holding\n');
  await new Promise<void>((resolve) => {
    process.stdin.on('data', (d) => {
      if (String(d).includes('release')) resolve();
    });
  });
}
await store.appendRecords(slow(), { index: 'held' });
await store.close();
process.stdout.write('released\n');
process.exit(0);
