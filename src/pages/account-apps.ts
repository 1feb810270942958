// The connected-apps page (/account/apps): every installation of the signed-in merchant
// with what it may do, who approved it, and either its revocation or a Revoke button.
import type { InstallationView } from '../account/view.ts';
import { accountBar } from './account-frame.ts';
import { accessModeText, scopeList, when } from './account-parts.ts';
import { type Html, html } from './html.ts';
import { type PendingProposalLink, pendingProposalsList } from './proposals.ts';

/** What the connected-apps page shows. */
export interface AccountAppsView {
  merchantEmail: string;
  csrf: string;
  installations: InstallationView[];
  /** Review-only proposals waiting for the merchant, by installation id. */
  pending?: Record<string, PendingProposalLink[]>;
  /** Shown after an action, e.g. a revocation. */
  notice?: string;
}

function revocation(v: InstallationView): Html {
  const r = v.revocation;
  if (!r) return html``;
  return html`<dt>Revoked</dt><dd data-field="revoked_at">${when(r.at)}</dd>
<dt>Revoked by</dt><dd data-field="revoked_by">${r.by}</dd>
<dt>Reason</dt><dd data-field="revoke_reason">${r.reason ?? html`<span class="muted">none given</span>`}</dd>
${v.enforcedAt ? html`<dt>Enforced</dt><dd data-field="enforced_at">${when(v.enforcedAt)} <span class="muted">(every gateway refuses its tokens)</span></dd>` : ''}`;
}

/**
 * The approved scopes, each with how long it went unused beside it when that is a day or
 * more (see src/usage/idle.ts for the wording); the plain list when there is no usage.
 */
function installationCard(v: InstallationView, pending: readonly PendingProposalLink[]): Html {
  const titleId = `app-${v.id}`;
  const state = v.revocation
    ? html`<span class="badge sensitive">revoked</span>`
    : html`<span class="badge optional">active</span>`;
  return html`<article class="card" aria-labelledby="${titleId}" data-installation="${v.id}" data-state="${v.revocation ? 'revoked' : 'active'}">
<h2 id="${titleId}">${v.appName} on ${v.siteName}${state}</h2>
<dl class="meta">
<dt>App</dt><dd>${v.appName} <span class="muted">(${v.appId})</span></dd>
<dt>Site</dt><dd>${v.siteName} <span class="muted">(${v.siteId})</span></dd>
<dt>Access mode</dt><dd>${accessModeText(v.accessMode)}</dd>
<dt>Approved</dt><dd data-field="approved_at">${when(v.approvedAt)}</dd>
<dt>Approved by</dt><dd data-field="approved_by">${v.approvedBy}</dd>
${revocation(v)}
</dl>
<h3>${v.revocation ? 'Access it had' : 'Approved access'}</h3>
${scopeList(v.scopes, v.idleNotes)}
${pendingProposalsList(pending)}
${
  v.revocation
    ? ''
    : html`<div class="actions"><a class="button" href="/account/apps/${encodeURIComponent(v.id)}/revoke" aria-label="Revoke ${v.appName} on ${v.siteName}">Revoke</a></div>`
}
</article>`;
}

/** The merchant's installations, live and revoked, newest approval first. */
export function accountAppsPage(v: AccountAppsView): Html {
  return html`${accountBar(v.merchantEmail, v.csrf)}
<section class="card" aria-labelledby="title">
<h1 id="title">Connected apps</h1>
<p>Apps you approved for your sites. Revoking ends an app's access at once; the time is recorded as <code>revoked_at</code>.</p>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
${v.installations.length === 0 ? html`<p class="muted">No app is connected to your sites.</p>` : ''}
</section>
${v.installations.map((i) => installationCard(i, v.pending?.[i.id] ?? []))}`;
}
