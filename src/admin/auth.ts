// Bearer authentication of the admin listener: the ADMIN_TOKEN compared in constant
// time (both sides hashed first, so length leaks nothing). Fails closed.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { ScopegateError } from '../errors/index.ts';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function requireAdminToken(token: string, exempt: (path: string) => boolean): Middleware {
  const expected = digest(token);
  return async (ctx, next) => {
    if (exempt(ctx.path)) return next();
    const header = ctx.get('authorization');
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="scopegate-admin"');
      throw new ScopegateError({
        status: 401,
        error: 'unauthorized',
        description: 'a valid admin bearer token is required',
      });
    }
    return next();
  };
}
