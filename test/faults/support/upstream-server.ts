// A platform API stand-in run as its own process, so a fault test can SIGKILL or SIGSTOP
// it: answers every request 200 with a small JSON body, after `x-test-delay` ms if asked;
// keeps nothing. Prints its port once listening; exits when its parent's pipe closes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((req, res) => {
  let bodyBytes = 0;
  req.on('data', (chunk: Buffer) => {
    bodyBytes += chunk.length;
  });
  req.on('end', () => {
    const answer = () => {
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, bodyBytes }));
    };
    const delay = Number(req.headers['x-test-delay'] ?? 0);
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
});
server.keepAliveTimeout = 5_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
// The parent holds our stdin: when it goes away, however it died, so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
