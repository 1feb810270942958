// The gateway role: a Koa app that runs every request through the pipeline and relays
// the upstream's answer, or answers the refusal as JSON with its RFC 6750 challenge.
import type { ServerResponse } from 'node:http';
import Koa from 'koa';
import { healthRoutes } from '../http/health.ts';
import type { Logger } from '../log.ts';
import { GatewayError } from './errors.ts';
import { forwardingOf, relayable } from './headers.ts';
import { type GatewayDeps, runPipeline } from './pipeline.ts';
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

export function createGateway(deps: GatewayAppDeps): Koa {
  const app = new Koa();
  // Koa prints stream errors (a client gone mid-request) to stderr by default; log them instead.
  app.silent = true;
  app.on('error', (err: Error) => deps.logger.debug({ err }, 'gateway connection error'));
  const trusted = new Set(deps.trustedProxies);
  app.use(healthRoutes(deps.ready));
  app.use(async (ctx) => {
    ctx.respond = true;
    try {
      const x = await runPipeline(ctx.req, forwardingOf(ctx.req, trusted), deps);
      const upstream = x.response;
      if (!upstream) throw new Error('pipeline ended without a response');
      relay(ctx.res, upstream, x.requestId, deps.logger);
      // The answer is streamed by `relay`; Koa's own respond (a pipeline per request) is skipped.
      ctx.respond = false;
    } catch (err) {
      const refusal = err instanceof GatewayError ? err : undefined;
      if (!refusal) deps.logger.error({ err, path: ctx.path }, 'gateway failure');
      const status = refusal?.status ?? 500;
      ctx.status = status;
      const challenge = refusal?.challenge();
      if (challenge) ctx.set('WWW-Authenticate', challenge);
      ctx.body = {
        error: refusal?.error ?? 'server_error',
        error_description: refusal?.message ?? 'internal error',
      };
    }
  });
  return app;
}
