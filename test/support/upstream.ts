// A real upstream HTTP server that records every request it receives (method, raw
// target, headers, body size) and answers as told: echo, slow, or a given status.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

export interface Upstream {
  url: string;
  received: Received[];
  /** Delay before answering (headers), ms. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const received: Received[] = [];
  const state = { delayMs: 0 };
  const server: Server = createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (c: Buffer) => {
      bodyBytes += c.length;
    });
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        bodyBytes,
      });
      const answer = () => {
        if (res.destroyed) return;
        const status = Number(req.headers['x-test-status'] ?? 200);
        res.writeHead(status, {
          'content-type': 'application/json',
          'x-upstream': 'yes',
          connection: 'keep-alive',
          // Asked for: a request id of its own and a repeated header.
          ...(req.headers['x-test-extra']
            ? { 'x-request-id': 'from-upstream', 'set-cookie': ['a=1', 'b=2'] }
            : {}),
        });
        res.end(JSON.stringify({ method: req.method, url: req.url, bodyBytes }));
      };
      if (state.delayMs) setTimeout(answer, state.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(v: number) {
      state.delayMs = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
