// The last step: stream the request to the upstream with undici (a keep-alive pool per
// upstream) and stream its answer back. Body size limited (413); connect and header
// timeouts are 504, an unreachable upstream 502; upstream errors pass through as they are.
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { type Dispatcher, Pool } from 'undici';
import { GatewayError } from './errors.ts';

export interface ProxyOptions {
  maxBodyBytes: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

/** undici's answer, as it gives it: status, headers and the body to stream. */
export type UpstreamResponse = Pick<Dispatcher.ResponseData, 'statusCode' | 'headers' | 'body'>;

/** How `send` reports: the upstream's answer, or the gateway's error for the request. */
export type Sent = (err: GatewayError | null, response?: UpstreamResponse) => void;

class BodyLimit extends Transform {
  private seen = 0;
  private readonly limit: number;
  exceeded = false;

  constructor(limit: number) {
    super();
    this.limit = limit;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      this.exceeded = true;
      done(
        new GatewayError(413, 'payload_too_large', `the request body exceeds ${this.limit} bytes`),
      );
      return;
    }
    done(null, chunk);
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'UND_ERR_SOCKET',
]);
const TIMEOUTS = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The gateway's answer for a failed upstream request: 504 for a timeout, else 502. */
function upstreamError(err: unknown): GatewayError {
  const code = (err as { code?: string }).code ?? '';
  if (TIMEOUTS.has(code))
    return new GatewayError(504, 'upstream_timeout', 'the upstream did not answer in time');
  if (UNREACHABLE.has(code) || code.startsWith('UND_ERR')) {
    return new GatewayError(502, 'bad_gateway', 'the upstream is unreachable');
  }
  return new GatewayError(502, 'bad_gateway', 'the upstream request failed');
}

function hasBody(req: IncomingMessage): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
  );
}

export class Upstreams {
  private readonly pools = new Map<string, Pool>();
  private readonly opts: ProxyOptions;

  constructor(opts: ProxyOptions) {
    this.opts = opts;
  }

  /** Upstream base URL → its pool and path prefix, parsed once. */
  private readonly targets = new Map<string, { pool: Pool; basePath: string }>();

  private target(baseUrl: string): { pool: Pool; basePath: string } {
    let target = this.targets.get(baseUrl);
    if (!target) {
      const base = new URL(baseUrl);
      target = { pool: this.pool(base.origin), basePath: base.pathname.replace(/\/$/, '') };
      this.targets.set(baseUrl, target);
    }
    return target;
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 128,
        connectTimeout: this.opts.connectTimeoutMs,
        headersTimeout: this.opts.headersTimeoutMs,
        bodyTimeout: this.opts.bodyTimeoutMs,
        keepAliveTimeout: 10_000,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Sends `req` to `baseUrl` + `path`; the caller relays the answer. */
  forward(
    baseUrl: string,
    path: string,
    req: IncomingMessage,
    headers: string[],
  ): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => {
      this.send(baseUrl, path, req, headers, (err, response) =>
        err ? reject(err) : resolve(response as UpstreamResponse),
      );
    });
  }

  /** `forward` with a callback: the gateway's own path, one promise fewer per request. */
  send(baseUrl: string, path: string, req: IncomingMessage, headers: string[], done: Sent): void {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.opts.maxBodyBytes) {
      done(this.tooLarge());
      return;
    }
    const { pool, basePath } = this.target(baseUrl);
    let limit: BodyLimit | undefined;
    let body: BodyLimit | null = null;
    if (hasBody(req)) {
      const bounded = new BodyLimit(this.opts.maxBodyBytes);
      limit = bounded;
      // A client that goes away mid-body destroys the stream; the failure reaches us through
      // undici's callback, so the stream's own error event must not go unhandled.
      bounded.on('error', () => {});
      req.on('error', (err) => bounded.destroy(err));
      body = req.pipe(bounded);
    }
    pool.request(
      { method: req.method as 'GET', path: `${basePath}${path}`, headers, body },
      (err, res) => {
        if (!err) done(null, res);
        else if (limit?.exceeded || err instanceof GatewayError) done(this.tooLarge());
        else done(upstreamError(err));
      },
    );
  }

  private tooLarge(): GatewayError {
    return new GatewayError(
      413,
      'payload_too_large',
      `the request body exceeds ${this.opts.maxBodyBytes} bytes`,
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}
