// The JSON error edge of the admin API (and any JSON listener): ScopegateErrors leave as
// `{error, error_description, details?}`; client mistakes caught by Koa or the body
// parser keep their 4xx; anything else is logged and leaves as a bare server_error.
import type { Middleware } from 'koa';
import { ScopegateError, toBody } from '../errors/index.ts';
import type { Logger } from '../log.ts';
import { isStoreUnavailable } from '../store/redis/client.ts';

function asClientError(err: unknown): ScopegateError | undefined {
  if (err instanceof ScopegateError) return err;
  const e = err as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose !== false) {
    // A JSON syntax error quotes the body, which may hold a password: never echo it.
    const description =
      err instanceof SyntaxError
        ? 'the body is not valid JSON'
        : String(e.message ?? 'bad request');
    const error =
      e.status === 413
        ? 'payload_too_large'
        : e.status === 415
          ? 'unsupported_media_type'
          : 'invalid_request';
    return new ScopegateError({ status: e.status, error, description });
  }
  return undefined;
}

/** The store unreachable: 503 with a retry hint, never a 500. */
export function storeUnavailable(err: unknown): ScopegateError | undefined {
  if (!isStoreUnavailable(err)) return undefined;
  return new ScopegateError({
    status: 503,
    error: 'temporarily_unavailable',
    description: 'the store is unreachable; try again shortly',
    expose: true,
    cause: err,
  });
}

export function jsonErrors(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = {
          error: 'not_found',
          error_description: `no route for ${ctx.method} ${ctx.path}`,
        };
      }
    } catch (err) {
      const unavailable = storeUnavailable(err);
      const known = asClientError(err) ?? unavailable;
      if (unavailable) logger.warn({ err, method: ctx.method }, 'store unavailable');
      else if (!known) logger.error({ err, method: ctx.method, path: ctx.path }, 'request failed');
      const { status, body } = toBody(known ?? err);
      ctx.status = status;
      ctx.body = body;
      if (unavailable) ctx.set('Retry-After', '1');
    }
  };
}
