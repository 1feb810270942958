// The merchant account pages (/account/*): sign-in and sign-out, the connected-apps list
// and revocation, each route an ordered list of steps. Mounted on the authorization server.
import Router from '@koa/router';
import { readForm } from '../http/body.ts';
import type { ProposalReview } from '../proposals/review.ts';
import type { Revoker } from '../revocation/revoke.ts';
import type { ScopeCatalogue } from '../scopes/index.ts';
import type { Store } from '../store/types.ts';
import { confirmRevoke, listApps, submitRevoke } from './apps.ts';
import { asMerchant, type MerchantHandler, pageErrors } from './guard.ts';
import { showLogin, submitLogin, submitLogout } from './login.ts';
import { APPS_PATH } from './paths.ts';
import { showProposal, submitDecision } from './proposals.ts';
import {
  confirmApproval,
  type RecordApproval,
  showFallback,
  showReport,
  submitApproval,
} from './reports.ts';

export { MERCHANT_REVOKE_REASON } from './apps.ts';
export { type MerchantSession, SESSION_TTL_SECONDS, startMerchantSession } from './session.ts';

/** What the account pages need from the composition root. */
export interface AccountDeps {
  store: Store;
  revoker: Revoker;
  catalogue: ScopeCatalogue;
  /** Keys the CSRF tokens (the first cookie key). Cookies are signed with the app's `keys`. */
  cookieKey: string;
  /** Decides review-only proposals (approve → replay, reject). */
  proposals?: ProposalReview;
  /** Providers remediation tasks may use (the access policy's input). */
  providers: readonly string[];
  /** The consent service, for approvals given from a report. */
  recordApproval: RecordApproval;
}

/**
 * The /account routes. Mount on a Koa app whose `keys` sign cookies (the oidc-provider
 * instance): `app.use(accountRoutes(deps).routes())`.
 */
export function accountRoutes(deps: AccountDeps): Router {
  const router = new Router();
  const form = readForm('16kb');
  const merchant = (handler: MerchantHandler) => asMerchant(deps.store.merchants, handler);

  router.get('/account', pageErrors, async (ctx) => {
    ctx.status = 303;
    ctx.redirect(APPS_PATH);
  });
  router.get('/account/login', pageErrors, showLogin(deps));
  router.post('/account/login', pageErrors, form, submitLogin(deps));
  router.post('/account/logout', pageErrors, form, submitLogout(deps));
  router.get('/account/apps', pageErrors, merchant(listApps(deps)));
  router.get('/account/apps/:id/revoke', pageErrors, merchant(confirmRevoke(deps)));
  router.post('/account/apps/:id/revoke', pageErrors, form, merchant(submitRevoke(deps)));
  router.get('/account/proposals/:id', pageErrors, merchant(showProposal(deps)));
  router.post(
    '/account/proposals/:id/approve',
    pageErrors,
    form,
    merchant(submitDecision(deps, 'approve')),
  );
  router.post(
    '/account/proposals/:id/reject',
    pageErrors,
    form,
    merchant(submitDecision(deps, 'reject')),
  );
  const finding = '/reports/:report/findings/:finding';
  router.get('/reports/:report', pageErrors, merchant(showReport(deps)));
  router.get(`${finding}/approve`, pageErrors, merchant(confirmApproval(deps)));
  router.post(`${finding}/approve`, pageErrors, form, merchant(submitApproval(deps)));
  router.get(`${finding}/fallback`, pageErrors, merchant(showFallback(deps)));
  return router;
}
