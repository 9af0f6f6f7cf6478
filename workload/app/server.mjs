// "container1": a small Node web app of the demo scenario that depends on a compromised package.
// Listens on 127.0.0.1 (port from PORT or ephemeral); prints {"port":N} when ready; exits on SIGTERM or stdin close.
import { createServer } from 'node:http';
import { flatMap, inspectRequest } from './vendor/flatmap-stream/index.js';

const server = createServer(async (req, res) => {
  const hook = inspectRequest(req);
  if (hook) {
    const { code } = await hook;
    res.end(JSON.stringify({ status: 'ok', code }) + '\n');
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ items: flatMap([1, 2, 3], (x) => [x, x * 2]) }) + '\n');
});
await new Promise((r) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', r));
process.stdout.write(JSON.stringify({ port: server.address().port, pid: process.pid }) + '\n');
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
