// The connected-apps routes: the list of the merchant's installations, the revoke
// confirmation and the revoke itself. Another merchant's installation is a plain 404.
import { accountAppsPage } from '../pages/account-apps.ts';
import { humanTime } from '../pages/account-parts.ts';
import { accountRevokePage } from '../pages/account-revoke.ts';
import { sendPage } from '../pages/layout.ts';
import type { Revoker } from '../revocation/revoke.ts';
import type { ScopeCatalogue } from '../scopes/index.ts';
import type { Installation, Store } from '../store/types.ts';
import { sessionToken, sessionTokenValid } from './csrf.ts';
import { formField } from './form.ts';
import { type MerchantHandler, type SignedIn, sendAccountError } from './guard.ts';
import { APPS_PATH, revokePath } from './paths.ts';
import { pendingLinks } from './proposals.ts';
import { type InstallationView, installationView } from './view.ts';

/** What the connected-apps routes need. */
export interface AppsDeps {
  store: Pick<Store, 'apps' | 'installations' | 'usage' | 'proposals'>;
  revoker: Revoker;
  catalogue: ScopeCatalogue;
  cookieKey: string;
}

/** The reason recorded on every revocation made from these pages. */
export const MERCHANT_REVOKE_REASON = 'revoked by the merchant';

async function viewsOf(
  deps: AppsDeps,
  account: SignedIn,
  installations: Installation[],
): Promise<InstallationView[]> {
  const appIds = [...new Set(installations.map((i) => i.app))];
  const apps = await Promise.all(appIds.map((id) => deps.store.apps.get(id)));
  const names = new Map(appIds.map((id, n) => [id, apps[n]?.manifest.name]));
  // Usage only matters while access lasts: "not used in N days" beside live scopes.
  const totals = await Promise.all(
    installations.map((i) => (i.revoked_at ? undefined : deps.store.usage.get(i.id))),
  );
  const now = new Date();
  return installations.map((i, n) => {
    const usage = totals[n];
    return installationView(i, {
      merchant: account.merchant,
      appName: names.get(i.app),
      catalogue: deps.catalogue,
      ...(usage ? { usage: { totals: usage, now } } : {}),
    });
  });
}

/** The installation `id` when it belongs to the signed-in merchant. */
async function ownInstallation(
  deps: AppsDeps,
  account: SignedIn,
  id: string | undefined,
): Promise<Installation | undefined> {
  const found = id ? await deps.store.installations.get(id) : undefined;
  return found && found.merchant === account.merchant.id ? found : undefined;
}

const NOT_YOURS = 'No app connection with this id exists on your sites.';

/** GET /account/apps. */
export function listApps(deps: AppsDeps): MerchantHandler {
  return async (ctx, account) => {
    const installations = await deps.store.installations.list({ merchant: account.merchant.id });
    const views = await viewsOf(deps, account, installations);
    const pending = await pendingLinks(deps.store, installations);
    const justRevoked = views.find((v) => v.id === ctx.query.revoked && v.revocation);
    sendPage(ctx, {
      title: 'Connected apps',
      body: accountAppsPage({
        merchantEmail: account.merchant.email,
        csrf: sessionToken(deps.cookieKey, account.session),
        installations: views,
        pending,
        ...(justRevoked?.revocation
          ? {
              notice: `You revoked ${justRevoked.appName} on ${justRevoked.siteName}. Its access ended at ${humanTime(justRevoked.revocation.at)}.`,
            }
          : {}),
      }),
    });
  };
}

/** GET /account/apps/:id/revoke: the confirmation page. */
export function confirmRevoke(deps: AppsDeps): MerchantHandler {
  return async (ctx, account) => {
    const installation = await ownInstallation(deps, account, ctx.params.id);
    if (!installation) return sendAccountError(ctx, 404, NOT_YOURS);
    const [view] = await viewsOf(deps, account, [installation]);
    if (!view) return sendAccountError(ctx, 404, NOT_YOURS);
    sendPage(ctx, {
      title: `Revoke ${view.appName}`,
      body: accountRevokePage({
        merchantEmail: account.merchant.email,
        csrf: sessionToken(deps.cookieKey, account.session),
        installation: view,
        action: revokePath(installation.id),
      }),
    });
  };
}

/** POST /account/apps/:id/revoke: CSRF, ownership, then the one revoke service. */
export function submitRevoke(deps: AppsDeps): MerchantHandler {
  return async (ctx, account) => {
    if (!sessionTokenValid(deps.cookieKey, account.session, formField(ctx, 'csrf'))) {
      return sendAccountError(ctx, 403, 'Reload the page and try again; nothing was revoked.');
    }
    const installation = await ownInstallation(deps, account, ctx.params.id);
    if (!installation) return sendAccountError(ctx, 404, NOT_YOURS);
    await deps.revoker.revoke(installation.id, {
      by: account.merchant.id,
      reason: MERCHANT_REVOKE_REASON,
    });
    ctx.status = 303;
    ctx.redirect(`${APPS_PATH}?revoked=${encodeURIComponent(installation.id)}`);
  };
}
