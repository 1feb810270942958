// The merchant's consent decision turned into a grant and an installation record:
// required scopes always, optional ones as ticked, the rest rejected in the grant (so
// consent does not loop); a live installation of the same app and site is superseded.
import type { Provider } from 'oidc-provider';
import { accessModeOf } from '../access/mode.ts';
import type { Problem } from '../errors/index.ts';
import type { Revoker } from '../revocation/revoke.ts';
import type { AccessMode, Installation, Store, StoredApp, StoredMerchant } from '../store/types.ts';

export interface ConsentRequest {
  app: StoredApp;
  merchant: StoredMerchant;
  /** The validated requested scopes of the authorization request. */
  requested: string[];
  /** Form values. */
  chosenOptional: string[];
  site: string | undefined;
}

export interface ConsentPlan {
  approved: string[];
  rejected: string[];
  site: string;
  /** The mode a remediation approval was given in; else the scopes' own (accessModeOf). */
  accessMode?: AccessMode;
}

/** Checks the form against the request; every problem named. */
export function planConsent(req: ConsentRequest): { plan?: ConsentPlan; problems: Problem[] } {
  const optional = new Set(req.app.manifest.auth.optional_scopes);
  const problems: Problem[] = [];
  for (const s of req.chosenOptional) {
    if (!optional.has(s) || !req.requested.includes(s)) {
      problems.push({ path: 'scope', message: `"${s}" is not an optional scope of this request` });
    }
  }
  const site = req.merchant.sites.find((s) => s.id === req.site);
  if (!site) problems.push({ path: 'site', message: 'choose one of your sites' });
  const approved = req.requested.filter((s) => !optional.has(s) || req.chosenOptional.includes(s));
  if (approved.length === 0) {
    problems.push({ path: 'scope', message: 'approve at least one scope, or deny the request' });
  }
  if (problems.length || !site) return { problems };
  const rejected = req.requested.filter((s) => !approved.includes(s));
  return { plan: { approved, rejected, site: site.id }, problems };
}

/** Saves the grant and the installation; returns the grant id (= installation id). */
export async function recordConsent(
  deps: { provider: Provider; store: Store; revoker: Revoker; audience: string },
  req: ConsentRequest,
  plan: ConsentPlan,
): Promise<Installation> {
  const { provider, store, audience } = deps;
  const live = (await store.installations.list({ app: req.app.id, site: plan.site })).filter(
    (i) => i.revoked_at === null,
  );
  for (const old of live) {
    await deps.revoker.revoke(old.id, {
      by: req.merchant.id,
      reason: 'superseded by a new approval',
    });
  }
  const grant = new provider.Grant({ accountId: req.merchant.id, clientId: req.app.id });
  grant.addResourceScope(audience, plan.approved.join(' '));
  if (plan.rejected.length) grant.rejectResourceScope(audience, plan.rejected.join(' '));
  const id = await grant.save();
  const installation: Installation = {
    id,
    app: req.app.id,
    merchant: req.merchant.id,
    site: plan.site,
    requested_scopes: req.requested,
    approved_scope: { scopes: plan.approved, site: plan.site, audience },
    access_mode: plan.accessMode ?? accessModeOf(plan.approved),
    approved_at: new Date().toISOString(),
    approved_by: req.merchant.id,
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    enforced_at: null,
  };
  await store.installations.create(installation);
  return installation;
}
