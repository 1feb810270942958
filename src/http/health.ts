// /healthz (the process answers) and /readyz (its dependencies answer) for every listener:
// one answer, served as Koa middleware (auth, admin) and on plain node:http (gateway).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from 'koa';

interface HealthAnswer {
  status: number;
  body: { status: string };
}

/** The answer for a health path, undefined for any other request. */
function healthAnswer(
  method: string | undefined,
  path: string,
  ready: () => Promise<boolean>,
): Promise<HealthAnswer> | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  if (path === '/healthz') return Promise.resolve({ status: 200, body: { status: 'ok' } });
  if (path !== '/readyz') return undefined;
  return ready().then(
    (ok) => (ok ? { status: 200, body: { status: 'ready' } } : unavailable),
    () => unavailable,
  );
}
const unavailable: HealthAnswer = { status: 503, body: { status: 'unavailable' } };

/** `ready` resolves true when the listener can serve (store reachable, keys loaded). */
export function healthRoutes(ready: () => Promise<boolean>): Middleware {
  return async (ctx, next) => {
    const answer = healthAnswer(ctx.method, ctx.path, ready);
    if (!answer) return next();
    const { status, body } = await answer;
    ctx.status = status;
    ctx.body = body;
  };
}

/** The same routes on a plain listener: true when `req` was a health request (answered). */
export function serveHealth(
  req: IncomingMessage,
  res: ServerResponse,
  ready: () => Promise<boolean>,
): boolean {
  const url = req.url ?? '';
  if (!url.startsWith('/healthz') && !url.startsWith('/readyz')) return false;
  const answer = healthAnswer(req.method, url.split('?')[0] ?? '', ready);
  if (!answer) return false;
  void answer.then(({ status, body }) => sendJson(res, status, body));
  return true;
}

/** A JSON answer on a plain listener, as Koa would send it. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}
