// The merchant session of the /account pages: a signed, httpOnly, SameSite=Lax cookie
// holding the merchant id, an absolute expiry and a random session id (for CSRF tokens).
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';

/** How long a merchant stays signed in to /account, from sign-in (no sliding renewal). */
export const SESSION_TTL_SECONDS = 8 * 3600;

/** The session cookie of the merchant pages (/account and /reports). */
export const SESSION_COOKIE = 'sg_account';

// Both /account and /reports pages read it, so it is sent on every path of the auth server;
// it is signed, httpOnly and SameSite=Lax, and nothing outside those pages reads it.
const COOKIE_PATH = '/';
const VALUE = /^([A-Za-z0-9_-]{1,100})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/;

/** A signed-in merchant as read from the session cookie. */
export interface MerchantSession {
  merchantId: string;
  /** Unix seconds after which the cookie is refused. */
  expiresAt: number;
  /** Random per sign-in; CSRF tokens of this session are bound to it. */
  sid: string;
}

function cookieOptions(ctx: Context, maxAgeMs: number) {
  return {
    signed: true,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.secure,
    path: COOKIE_PATH,
    maxAge: maxAgeMs,
    overwrite: true,
  };
}

/**
 * Signs `merchantId` in to /account for {@link SESSION_TTL_SECONDS}: sets the signed cookie
 * on `ctx` (whose app `keys` sign it). Call before anything writes the response.
 */
export function startMerchantSession(ctx: Context, merchantId: string): MerchantSession {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(merchantId)) throw new Error('unexpected merchant id');
  const session: MerchantSession = {
    merchantId,
    expiresAt: Math.floor(Date.now() / 1000) + SESSION_TTL_SECONDS,
    sid: randomBytes(16).toString('base64url'),
  };
  const value = `${session.merchantId}.${session.expiresAt}.${session.sid}`;
  ctx.cookies.set(SESSION_COOKIE, value, cookieOptions(ctx, SESSION_TTL_SECONDS * 1000));
  return session;
}

/** The session of this request, or undefined when absent, tampered with or expired. */
export function readMerchantSession(ctx: Context): MerchantSession | undefined {
  const match = VALUE.exec(ctx.cookies.get(SESSION_COOKIE, { signed: true }) ?? '');
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  const expiresAt = Number(match[2]);
  if (expiresAt <= Math.floor(Date.now() / 1000)) return undefined;
  return { merchantId: match[1], expiresAt, sid: match[3] };
}

/** Signs the merchant out of /account (the cookie and its signature are cleared). */
export function endMerchantSession(ctx: Context): void {
  ctx.cookies.set(SESSION_COOKIE, null, cookieOptions(ctx, 0));
}
