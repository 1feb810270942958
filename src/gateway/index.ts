// The gateway role: a node:http listener that runs every request through the pipeline and relays
// the upstream's answer (or sends the gateway's own, e.g. a staged proposal's 202), or answers
// the refusal as JSON with its RFC 6750 challenge.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { sendJson, serveHealth } from '../http/health.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/index.ts';
import { GatewayError } from './errors.ts';
import { forwardingOf, pushHeader, relayable } from './headers.ts';
import { type Exchange, type GatewayDeps, need, newExchange, runPipeline } from './pipeline.ts';
import type { UpstreamResponse } from './proxy.ts';

/** Writes the upstream's status and headers in one go and streams its body to the client. */
export function relay(
  res: ServerResponse,
  upstream: UpstreamResponse,
  requestId: string,
  logger: Logger,
): void {
  // node's flat [name, value, …] form, as for undici upstream (headers.ts).
  const headers: string[] = [];
  for (const name in upstream.headers) {
    const value = upstream.headers[name];
    if (value === undefined || name === 'x-request-id' || !relayable(name)) continue;
    pushHeader(headers, name, value);
  }
  headers.push('x-request-id', requestId);
  res.writeHead(upstream.statusCode, headers);
  const body = upstream.body;
  // A client gone mid-answer, or an answer without a body (HEAD), ends the upstream stream
  // early; undici then reports an abort that is expected, not a failure.
  body.on('error', (err: Error & { code?: string }) => {
    if (err.code !== 'UND_ERR_ABORTED') logger.warn({ err }, 'upstream body failed');
    res.destroy();
  });
  res.on('close', () => {
    if (!res.writableFinished) (body as NodeJS.ReadableStream & { destroy(): void }).destroy();
  });
  body.pipe(res);
}

export interface GatewayAppDeps extends GatewayDeps {
  logger: Logger;
  metrics: Metrics;
  ready: () => Promise<boolean>;
  trustedProxies: readonly string[];
}

/** How much of a refused request's body is read and dropped, and for how long, at most. */
const DISCARD_BYTES = 1_048_576;
const DISCARD_MS = 5_000;

/**
 * Reads and drops what the client still sends of a refused request (a 413 mid-stream),
 * like nginx's lingering close: node never drains a body that was partly read, so the
 * connection would stall, and closing at once makes a client still sending see EPIPE
 * instead of our answer. Past the bounds the connection is cut.
 */
function discardRest(req: IncomingMessage): void {
  let seen = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, DISCARD_MS);
  timer.unref();
  req.unpipe();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DISCARD_BYTES) cut();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** Answers a request the pipeline refused (or failed on) as JSON with its challenge. */
export function refuse(res: ServerResponse, err: unknown, requestId: string, logger: Logger): void {
  const refusal = err instanceof GatewayError ? err : undefined;
  if (!refusal) logger.error({ err, requestId }, 'gateway failure');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (!res.req.complete) discardRest(res.req);
  const challenge = refusal?.challenge();
  sendJson(
    res,
    refusal?.status ?? 500,
    {
      error: refusal?.error ?? 'server_error',
      error_description: refusal?.message ?? 'internal error',
    },
    challenge
      ? { 'www-authenticate': challenge, 'x-request-id': requestId }
      : { 'x-request-id': requestId },
  );
}

/** Counts one answer: its route and status, the deciding step and reason, the timings. */
function recorder(
  metrics: Metrics,
  logger: Logger,
): (x: Exchange, status: number, reason: string) => void {
  // The record below holds ids and outcome only, so the access log skips the redaction
  // every other line pays: at LOG_LEVEL=info it cost the gateway 13-15 µs of CPU a request,
  // more than all its checks (side by side, bench/gateway.bench.ts).
  const access = logger.child({}, { redact: [] });
  const request = metrics.hot(metrics.requests, (route, status) => ({
    role: 'gateway',
    route,
    status: String(status),
  }));
  const decision = metrics.hot(metrics.gatewayDecisions, (step, reason) => ({
    step,
    reason: String(reason),
  }));
  return (x, status, reason) => {
    const route = x.route?.id ?? x.own?.endpoint ?? 'none';
    request(route, status);
    decision(x.step, reason);
    // The access log: ids and outcome only, never the path, query or a header value.
    if (access.isLevelEnabled('info')) {
      access.info(
        {
          listener: 'gateway',
          request_id: x.requestId,
          method: x.req.method,
          route,
          status,
          step: x.step,
          reason,
          installation: x.token?.installation,
          app: x.token?.client_id,
        },
        'request',
      );
    }
    if (x.authSeconds !== undefined) metrics.authSeconds.observe(x.authSeconds);
    if (x.upstreamSeconds !== undefined) metrics.upstreamSeconds.observe(x.upstreamSeconds);
  };
}

/**
 * The gateway listener. Plain node:http rather than Koa: the pipeline writes its own
 * answers, and Koa's per-request context cost 8 µs of the 16 µs the gateway may add to
 * a bare proxy (bench/gateway.bench.ts, BENCH_ABLATION=1).
 */
export function createGateway(deps: GatewayAppDeps): RequestListener {
  const trusted = new Set(deps.trustedProxies);
  const record = recorder(deps.metrics, deps.logger);
  return (req, res) => {
    if (serveHealth(req, res, deps.ready)) return;
    const x = newExchange(req, forwardingOf(req, trusted));
    const fail = (err: unknown) => {
      try {
        refuse(res, err, x.requestId, deps.logger);
        record(x, res.statusCode, err instanceof GatewayError ? err.error : 'server_error');
      } catch (failure) {
        deps.logger.error({ err: failure }, 'gateway: answering failed');
      }
    };
    const answer = () => {
      try {
        if (x.reply) {
          sendJson(res, x.reply.status, x.reply.body, {
            ...x.reply.headers,
            'x-request-id': x.requestId,
          });
          record(x, x.reply.status, x.reply.reason);
          return;
        }
        relay(res, need(x.response, 'response'), x.requestId, deps.logger);
        record(x, res.statusCode, 'forwarded');
      } catch (err) {
        // A failure while answering is refused like a pipeline one (or the socket cut).
        fail(err);
      }
    };
    let pending: Promise<void> | undefined;
    try {
      pending = runPipeline(x, deps);
    } catch (err) {
      fail(err);
      return;
    }
    if (pending) pending.then(answer, fail);
    else answer();
  };
}
