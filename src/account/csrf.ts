// CSRF tokens of the /account forms. Signed-in forms are bound to the session id; the
// sign-in form (no session yet) to a random nonce in its own signed, short-lived cookie.
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { csrfToken, csrfValid } from '../auth-server/csrf.ts';
import type { MerchantSession } from './session.ts';

const LOGIN_COOKIE = 'sg_account_login';
const LOGIN_PATH = '/account/login';
const LOGIN_TTL_MS = 3600 * 1000;
const NONCE = /^[A-Za-z0-9_-]{22}$/;

/** The CSRF token of every form a signed-in merchant submits in this session. */
export function sessionToken(key: string, session: MerchantSession): string {
  return csrfToken(key, `account:${session.sid}`);
}

/** true when `token` is this session's CSRF token. */
export function sessionTokenValid(key: string, session: MerchantSession, token: unknown): boolean {
  return csrfValid(key, `account:${session.sid}`, token);
}

function loginNonce(ctx: Context): string | undefined {
  const nonce = ctx.cookies.get(LOGIN_COOKIE, { signed: true });
  return nonce && NONCE.test(nonce) ? nonce : undefined;
}

/** The sign-in form's token; sets the nonce cookie when the browser has none yet. */
export function loginToken(ctx: Context, key: string): string {
  let nonce = loginNonce(ctx);
  if (!nonce) {
    nonce = randomBytes(16).toString('base64url');
    ctx.cookies.set(LOGIN_COOKIE, nonce, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      path: LOGIN_PATH,
      maxAge: LOGIN_TTL_MS,
      overwrite: true,
    });
  }
  return csrfToken(key, `account-login:${nonce}`);
}

/** true when the posted token matches this browser's sign-in nonce. */
export function loginTokenValid(ctx: Context, key: string, token: unknown): boolean {
  const nonce = loginNonce(ctx);
  return nonce !== undefined && csrfValid(key, `account-login:${nonce}`, token);
}
