// What the Koa listeners (auth, admin) record of every request: a request id (the
// client's when well-formed, echoed in `x-request-id`), one log line and the request
// counter. The route is the matched pattern (`/admin/apps/:id`), never the raw path or
// query, so no token in a URL reaches a log line or a label.
import Koa, { type Middleware } from 'koa';
import { healthRoutes } from '../http/health.ts';
import { requestIdOf } from '../http/request-id.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from './index.ts';

/** Logs and counts every answer of a listener; the outermost middleware. */
export function observeRequests(metrics: Metrics, logger: Logger, role: string): Middleware {
  const count = metrics.hot(metrics.requests, (route, status) => ({
    role,
    route,
    status: String(status),
  }));
  return async (ctx, next) => {
    const started = performance.now();
    const requestId = requestIdOf(ctx.req.headers['x-request-id']);
    ctx.state.requestId = requestId;
    ctx.set('x-request-id', requestId);
    try {
      await next();
    } finally {
      const state = ctx as { _matchedRoute?: string | RegExp; oidc?: { route?: string } };
      const route = String(state._matchedRoute ?? state.oidc?.route ?? 'other');
      count(route, ctx.status);
      logger.info(
        {
          listener: role,
          request_id: requestId,
          method: ctx.method,
          route,
          status: ctx.status,
          ms: Math.round((performance.now() - started) * 100) / 100,
          ...(ctx.state.installation ? { installation: ctx.state.installation } : {}),
        },
        'request',
      );
    }
  };
}

/** A listener with only /metrics and health, for processes without the admin role. */
export function createMetricsApp(metrics: Metrics, ready: () => Promise<boolean>): Koa {
  const app = new Koa();
  app.use(healthRoutes(ready));
  app.use(metricsRoute(metrics));
  return app;
}

/** GET /metrics in Prometheus' text format. */
export function metricsRoute(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/metrics' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}
