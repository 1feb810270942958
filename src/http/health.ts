// /healthz (the process answers) and /readyz (its dependencies answer) for every listener.
import type { Middleware } from 'koa';

/** `ready` resolves true when the listener can serve (store reachable, keys loaded). */
export function healthRoutes(ready: () => Promise<boolean>): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path === '/readyz') {
      const ok = await ready().catch(() => false);
      ctx.status = ok ? 200 : 503;
      ctx.body = { status: ok ? 'ready' : 'unavailable' };
      return;
    }
    return next();
  };
}
