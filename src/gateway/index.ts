// The gateway role: a node:http listener that runs every request through the pipeline and relays
// the upstream's answer, or answers the refusal as JSON with its RFC 6750 challenge.
import type { RequestListener, ServerResponse } from 'node:http';
import { sendJson, serveHealth } from '../http/health.ts';
import type { Logger } from '../log.ts';
import { GatewayError } from './errors.ts';
import { forwardingOf, relayable } from './headers.ts';
import { type GatewayDeps, need, newExchange, runPipeline } from './pipeline.ts';
import type { UpstreamResponse } from './proxy.ts';

/** Writes the upstream's status and headers in one go and streams its body to the client. */
export function relay(
  res: ServerResponse,
  upstream: UpstreamResponse,
  requestId: string,
  logger: Logger,
): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && relayable(name)) headers[name] = value;
  }
  headers['x-request-id'] = requestId;
  res.writeHead(upstream.status, headers);
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
  ready: () => Promise<boolean>;
  trustedProxies: readonly string[];
}

/** Answers a request the pipeline refused (or failed on) as JSON with its challenge. */
export function refuse(res: ServerResponse, err: unknown, requestId: string, logger: Logger): void {
  const refusal = err instanceof GatewayError ? err : undefined;
  if (!refusal) logger.error({ err, requestId }, 'gateway failure');
  if (res.headersSent) {
    res.destroy();
    return;
  }
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

/**
 * The gateway listener. Plain node:http rather than Koa: the pipeline writes its own
 * answers, and Koa's per-request context cost 8 µs of the 16 µs the gateway may add to
 * a bare proxy (bench/gateway.bench.ts, BENCH_ABLATION=1).
 */
export function createGateway(deps: GatewayAppDeps): RequestListener {
  const trusted = new Set(deps.trustedProxies);
  return (req, res) => {
    if (serveHealth(req, res, deps.ready)) return;
    const x = newExchange(req, forwardingOf(req, trusted));
    runPipeline(x, deps).then(
      () => relay(res, need(x.response, 'response'), x.requestId, deps.logger),
      (err: unknown) => refuse(res, err, x.requestId, deps.logger),
    );
  };
}
