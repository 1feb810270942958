// Reading request bodies, the same way on every listener: a size limit per listener, and
// any failure to read (too large, bad Content-Encoding, cut short, bad JSON) thrown as the
// ScopegateError that names it, so each listener's error edge answers a 4xx, never a 500.
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import { bodyReadError } from './errors.ts';

function failed(err: Error, ctx: Context): never {
  throw bodyReadError(err, ctx.get('content-encoding') || 'identity');
}

/** Parses url-encoded forms (other bodies are left unread) up to `limit`, e.g. '16kb'. */
export function readForm(limit: string): Middleware {
  return bodyParser({ enableTypes: ['form'], formLimit: limit, onError: failed });
}

/** Parses JSON bodies (other bodies are left unread) up to `limit`, as UTF-8. */
export function readJson(limit: string): Middleware {
  return bodyParser({
    enableTypes: ['json'],
    jsonLimit: limit,
    encoding: 'utf-8',
    onError: failed,
  });
}
