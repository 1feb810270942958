// Signing in to and out of /account: the sign-in form with its own CSRF nonce, the
// shared throttle (401 wrong, 429 locked) and a session cookie on success.
import type { Context, Middleware } from 'koa';
import { signIn, signInRefusal } from '../merchants/service.ts';
import { accountLoginPage } from '../pages/account-login.ts';
import { sendPage } from '../pages/layout.ts';
import type { Store } from '../store/types.ts';
import { loginToken, loginTokenValid, sessionTokenValid } from './csrf.ts';
import { formField } from './form.ts';
import { sendAccountError, signedInMerchant } from './guard.ts';
import { LOGIN_PATH, safeReturnTo } from './paths.ts';
import { endMerchantSession, readMerchantSession, startMerchantSession } from './session.ts';

/** What the sign-in routes need. */
export interface LoginDeps {
  store: Pick<Store, 'merchants' | 'throttle'>;
  cookieKey: string;
}

const MAX_EMAIL = 254;

function seeOther(ctx: Context, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}

function renderLogin(
  ctx: Context,
  key: string,
  view: { returnTo: string; status?: number; email?: string; error?: string; notice?: string },
): void {
  const { status, ...rest } = view;
  sendPage(ctx, {
    title: 'Sign in',
    status: status ?? 200,
    body: accountLoginPage({ csrf: loginToken(ctx, key), ...rest }),
  });
}

/** GET /account/login: the form, or straight on when already signed in. */
export function showLogin(deps: LoginDeps): Middleware {
  return async (ctx) => {
    const returnTo = safeReturnTo(ctx.query.return_to);
    if (await signedInMerchant(ctx, deps.store.merchants)) return seeOther(ctx, returnTo);
    renderLogin(ctx, deps.cookieKey, {
      returnTo,
      ...(ctx.query.signed_out === '1' ? { notice: 'You are signed out.' } : {}),
    });
  };
}

/** POST /account/login: CSRF, then the throttled credential check, then the session. */
export function submitLogin(deps: LoginDeps): Middleware {
  return async (ctx) => {
    const key = deps.cookieKey;
    const returnTo = safeReturnTo(formField(ctx, 'return_to'));
    const email = (formField(ctx, 'email') ?? '').trim().slice(0, MAX_EMAIL);
    const password = formField(ctx, 'password') ?? '';
    if (!loginTokenValid(ctx, key, formField(ctx, 'csrf'))) {
      return renderLogin(ctx, key, {
        returnTo,
        email,
        status: 403,
        error: 'The form could not be verified. Try again.',
      });
    }
    if (!email || !password) {
      return renderLogin(ctx, key, {
        returnTo,
        email,
        status: 400,
        error: 'Enter your email and password.',
      });
    }
    const result = await signIn(deps.store, email, password, ctx.ip);
    if (!result.ok) {
      return renderLogin(ctx, key, { returnTo, email, ...signInRefusal(result.reason) });
    }
    startMerchantSession(ctx, result.merchant.id);
    seeOther(ctx, returnTo);
  };
}

/** POST /account/logout: ends the session (CSRF-checked when there is one). */
export function submitLogout(deps: LoginDeps): Middleware {
  return async (ctx) => {
    const session = readMerchantSession(ctx);
    if (session && !sessionTokenValid(deps.cookieKey, session, formField(ctx, 'csrf'))) {
      return sendAccountError(
        ctx,
        403,
        'The sign-out form could not be verified; you are still signed in.',
      );
    }
    endMerchantSession(ctx);
    seeOther(ctx, `${LOGIN_PATH}?signed_out=1`);
  };
}
