// A real webhook receiver on 127.0.0.1: records every request (headers, raw body, time of
// arrival) and answers as the test scripts it, by default 200.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** Date.now() when the request arrived (headers and body read). */
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

export type Responder = (req: Received, n: number) => Reply;

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Sets how the next requests are answered (n = 1-based count of requests so far). */
  respond(fn: Responder): void;
  /** Resolves once at least `count` requests matching `filter` arrived; rejects after timeoutMs. */
  waitFor(
    count: number,
    timeoutMs?: number,
    filter?: (r: Received) => boolean,
  ): Promise<Received[]>;
  close(): Promise<void>;
}

const header = (h: IncomingHttpHeaders, name: string): string => {
  const v = h[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};

/** Starts a receiver; `port` 0 picks a free one. */
export async function startReceiver(port = 0, path = '/hooks'): Promise<Receiver> {
  const received: Received[] = [];
  let responder: Responder = () => ({ status: 200, body: 'ok' });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        id: header(req.headers, 'webhook-id'),
        timestamp: header(req.headers, 'webhook-timestamp'),
        signature: header(req.headers, 'webhook-signature'),
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers,
        at: Date.now(),
      };
      received.push(r);
      const reply = responder(r, received.length);
      const answer = () => {
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}${path}`,
    port: bound,
    received,
    respond(fn) {
      responder = fn;
    },
    async waitFor(count, timeoutMs = 10_000, filter = () => true) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const matching = received.filter(filter);
        if (matching.length >= count) return matching;
        if (Date.now() > until) {
          throw new Error(
            `receiver got ${matching.length} of ${count} requests in ${timeoutMs} ms`,
          );
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
