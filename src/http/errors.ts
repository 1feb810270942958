// The JSON error edge of the admin API (and any JSON listener): ScopegateErrors leave as
// `{error, error_description, details?}`; client mistakes caught by Koa or the body
// parser keep their 4xx; anything else is logged and leaves as a bare server_error.
// `bodyReadError` names why a request body could not be read, for every listener.
import type { Middleware } from 'koa';
import { ScopegateError, toBody } from '../errors/index.ts';
import type { Logger } from '../log.ts';
import { isStoreUnavailable } from '../store/redis/client.ts';

function errorCode(status: number): string {
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  return 'invalid_request';
}

/**
 * A client's mistake, without the parser's error as its cause: that error may quote the
 * body (a JSON syntax error does, and co-body keeps the raw body on it), and a logged
 * cause would carry a password or token from it into the logs.
 */
function clientError(status: number, description: string): ScopegateError {
  return new ScopegateError({ status, error: errorCode(status), description });
}

interface ReadFailure {
  status?: unknown;
  type?: unknown;
  limit?: unknown;
  errno?: unknown;
  message?: unknown;
}

/**
 * Why a request body could not be read, as the 4xx that names it: too large (413), a
 * Content-Encoding or charset we do not decode (415), compressed data that does not
 * decompress, JSON that does not parse, a body cut short (400). Only our own faults
 * (e.g. a stream already consumed) stay a non-exposed 500. `contentEncoding` is the
 * request's header, for naming it; `err` is what the body parser threw.
 */
export function bodyReadError(err: unknown, contentEncoding = 'identity'): ScopegateError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ReadFailure;
  const encoding = contentEncoding.slice(0, 40);
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (err instanceof SyntaxError) return clientError(400, 'the body is not valid JSON');
  if (status === 413) {
    const limit = typeof e.limit === 'number' ? `the ${e.limit}-byte limit` : 'the limit';
    return clientError(413, `the body is larger than ${limit}`);
  }
  if (status === 415 && e.type === 'encoding.unsupported') {
    return clientError(415, "the body's charset is not supported; send UTF-8");
  }
  if (status === 415) {
    return clientError(
      415,
      `Content-Encoding ${encoding} is not supported; send identity, gzip, deflate or br`,
    );
  }
  if (e.type === 'request.aborted') {
    return clientError(400, 'the request ended before its body was complete');
  }
  if (e.type === 'request.size.invalid') {
    return clientError(400, 'the body does not match its Content-Length');
  }
  if (status !== undefined && status >= 500) {
    return new ScopegateError({
      status,
      error: 'server_error',
      description: String(e.message ?? 'reading the body failed'),
      expose: false,
      cause: err,
    });
  }
  // No status: zlib (or brotli) found the data corrupt or cut short.
  if (status === undefined && typeof e.errno === 'number' && encoding !== 'identity') {
    const detail = typeof e.message === 'string' ? `: ${e.message}` : '';
    return clientError(
      400,
      `the body does not decompress as its Content-Encoding ${encoding} says${detail}`,
    );
  }
  return clientError(
    status !== undefined && status < 500 ? status : 400,
    'the body could not be read',
  );
}

/** A client mistake as the ScopegateError to answer with; undefined for anything else. */
export function asClientError(err: unknown): ScopegateError | undefined {
  if (err instanceof ScopegateError) return err.expose ? err : undefined;
  const e = err as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose !== false) {
    // A JSON syntax error quotes the body, which may hold a password: never echo it.
    const description =
      err instanceof SyntaxError
        ? 'the body is not valid JSON'
        : String(e.message ?? 'bad request');
    return clientError(e.status, description);
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
