// The steps every /account route shares: errors become pages (never a stack or a 500
// without a page), and merchant-only handlers run only for a live session.
import type { Context, Middleware } from 'koa';
import { asClientError } from '../http/errors.ts';
import { accountErrorPage } from '../pages/account-error.ts';
import { sendPage } from '../pages/layout.ts';
import { isStoreUnavailable } from '../store/redis/client.ts';
import type { MerchantStore, StoredMerchant } from '../store/types.ts';
import { loginUrl } from './paths.ts';
import { type MerchantSession, readMerchantSession } from './session.ts';

/** The merchant behind a request, from a valid session whose merchant still exists. */
export interface SignedIn {
  session: MerchantSession;
  merchant: StoredMerchant;
}

const HEADINGS: Record<number, string> = {
  400: 'That request was not understood',
  403: 'That form could not be verified',
  404: 'Not found',
  409: 'Nothing to do here now',
  503: 'Try again in a moment',
  413: 'That form was too large',
  415: 'That form could not be read',
};

/** Sends an /account error page with `status`. */
export function sendAccountError(ctx: Context, status: number, description: string): void {
  sendPage(ctx, {
    title: 'Error',
    status,
    body: accountErrorPage(HEADINGS[status] ?? 'Something is not right', description),
  });
}

/** Client errors become their page; anything else a 500 page, reported on the app. */
export const pageErrors: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    // The same client mistakes the JSON listeners answer (http/errors.ts), as a page.
    const client = asClientError(err);
    if (client) return sendAccountError(ctx, client.status, client.message);
    if (isStoreUnavailable(err)) {
      ctx.set('Retry-After', '1');
      return sendAccountError(ctx, 503, 'we cannot reach our data store; try again shortly');
    }
    ctx.app.emit('error', err, ctx);
    sendAccountError(ctx, 500, 'something went wrong on our side; try again');
  }
};

/** The signed-in merchant of this request, if any. */
export async function signedInMerchant(
  ctx: Context,
  merchants: MerchantStore,
): Promise<SignedIn | undefined> {
  const session = readMerchantSession(ctx);
  if (!session) return undefined;
  const merchant = await merchants.get(session.merchantId);
  return merchant ? { session, merchant } : undefined;
}

/** A route handler that runs only for a signed-in merchant. */
export type MerchantHandler = (ctx: Context, account: SignedIn) => Promise<void>;

/** Runs `handler` for a signed-in merchant; otherwise sends the browser to sign in. */
export function asMerchant(merchants: MerchantStore, handler: MerchantHandler): Middleware {
  return async (ctx) => {
    const account = await signedInMerchant(ctx, merchants);
    if (!account) {
      ctx.redirect(loginUrl(ctx.path));
      ctx.status = 303;
      return;
    }
    await handler(ctx, account);
  };
}
