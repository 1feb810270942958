// The reference the gateway is measured against: node:http forwarding method, path, headers
// and body to the upstream through an undici Pool and streaming the answer back, no checks.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { type Dispatcher, Pool } from 'undici';
import { upstreamHeaders } from '../../src/gateway/headers.ts';
import { type BenchServer, serve } from './bench-server.ts';
import { BENCH_TOKEN } from './bench-token.ts';

/** Headers that describe one connection, never forwarded (RFC 9110 §7.6.1), and Host. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** undici's flat `[name, value, …]` header list as the object this proxy builds. */
function asObject(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) out[pairs[i] as string] = pairs[i + 1] as string;
  return out;
}

/**
 * The nine headers the gateway adds upstream (DESIGN.md §6 and the gateway issue), made by
 * the gateway's own function for the bench token: for `bare-proxy-headers`, which tells what
 * sending them costs apart from every check the gateway makes. Built once, at start.
 */
const CONTRACT_HEADERS: Readonly<Record<string, string>> = asObject(
  upstreamHeaders(
    {},
    BENCH_TOKEN,
    {
      forwardedFor: '127.0.0.1',
      host: '127.0.0.1:8080',
      proto: 'http',
    },
    '0b6b1a2c7a634d1e9f531c2d3e4f5a6b',
    false,
  ),
);

function endToEnd(
  headers: IncomingHttpHeaders,
  added: Readonly<Record<string, string | string[]>> | undefined,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  if (added) for (const [name, value] of Object.entries(added)) out[name] = value;
  return out;
}

function relayed(headers: Dispatcher.ResponseData['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function hasBody(req: IncomingMessage): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0
  );
}

function forwarder(pool: Pool, added: Readonly<Record<string, string | string[]>> | undefined) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const answer = await pool.request({
        method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
        path: req.url ?? '/',
        headers: endToEnd(req.headers, added),
        body: hasBody(req) ? req : null,
      });
      res.writeHead(answer.statusCode, relayed(answer.headers));
      // The same streaming the gateway uses (pipe, errors handled), so the comparison
      // measures the gateway's checks rather than two ways of streaming.
      answer.body.on('error', () => res.destroy());
      res.on('close', () => {
        if (!res.writableFinished) answer.body.destroy();
      });
      answer.body.pipe(res);
    } catch {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    }
  };
}

/** The reference proxy; `withContractHeaders` adds the gateway's nine upstream headers. */
export async function startBareProxy(
  upstreamUrl: string,
  withContractHeaders = false,
): Promise<BenchServer> {
  const pool = new Pool(new URL(upstreamUrl).origin, {
    connections: 128,
    keepAliveTimeout: 10_000,
  });
  const added = withContractHeaders ? CONTRACT_HEADERS : undefined;
  return serve(createServer(forwarder(pool, added)), () => pool.close());
}
