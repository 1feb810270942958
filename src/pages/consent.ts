// The consent page: the app, every requested scope grouped by resource with its
// description, sensitive scopes marked, optional scopes as checkboxes, the site, the
// access mode, who approves and where access is revoked.
import type { ScopeEntry } from '../scopes/index.ts';
import type { AccessMode, Site } from '../store/types.ts';
import { type Html, html } from './html.ts';

export interface ConsentScope {
  entry: ScopeEntry;
  optional: boolean;
}

export interface ConsentView {
  action: string;
  csrf: string;
  appName: string;
  appId: string;
  merchantEmail: string;
  groups: { resource: string; scopes: ConsentScope[] }[];
  sites: Site[];
  selectedSite: string | undefined;
  accessMode: AccessMode;
  /** Earlier revocations of this app on the merchant's sites. */
  previousRevocations: { site: string; revoked_at: string }[];
  /** The remediation task this approval is for, when it comes from a report. */
  task?: string;
  /** Why the last submission was refused. */
  error?: string;
}

const MODE_TEXT: Record<AccessMode, string> = {
  'ticket-only': 'no access: you apply the fix yourself',
  'read-only': 'read-only: the app can view, never change',
  'review-only': 'review-only: every change waits for your approval',
  connected: 'connected: approved write scopes act directly on your site',
};

function scopeItem({ entry, optional }: ConsentScope): Html {
  const badges = html`${entry.sensitive ? html`<span class="badge sensitive">sensitive: ${entry.sensitive.replace('_', ' ')}</span>` : ''}${optional ? html`<span class="badge optional">optional</span>` : html`<span class="badge required">required</span>`}`;
  const text = html`<span><span class="scope-name">${entry.scope}</span>${badges}<br>${entry.description}</span>`;
  if (!optional) return html`<li>${text}</li>`;
  const id = `scope-${entry.scope.replace(':', '-')}`;
  return html`<li><label class="scope-check" for="${id}"><input type="checkbox" id="${id}" name="scope" value="${entry.scope}" checked>${text}</label></li>`;
}

function siteField(v: ConsentView): Html {
  if (v.sites.length === 1) {
    const [site] = v.sites;
    return html`<dt>Site</dt><dd>${site?.name} <span class="muted">(${site?.id})</span><input type="hidden" name="site" value="${site?.id}"></dd>`;
  }
  const options = v.sites.map(
    (s) =>
      html`<option value="${s.id}"${s.id === v.selectedSite ? html` selected` : ''}>${s.name} (${s.id})</option>`,
  );
  return html`<dt><label for="site">Site</label></dt><dd><select id="site" name="site" required>${v.selectedSite ? '' : html`<option value="">Choose a site…</option>`}${options}</select></dd>`;
}

export function consentPage(v: ConsentView): Html {
  const revoked = v.previousRevocations.map(
    (r) =>
      html`<p class="notice" role="note">You revoked this app's access to ${r.site} on <time datetime="${r.revoked_at}">${r.revoked_at}</time>. Nothing reconnects without your new approval.</p>`,
  );
  return html`<section class="card" aria-labelledby="title">
<h1 id="title">${v.appName} wants access to your site</h1>
${v.task ? html`<p>For the task: <strong>${v.task}</strong></p>` : ''}
${revoked}
${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
<form method="post" action="${v.action}">
<input type="hidden" name="csrf" value="${v.csrf}">
<h2>Requested access</h2>
${v.groups.map(
  (g) =>
    html`<fieldset><legend>${g.resource}</legend><ul class="scopes">${g.scopes.map(scopeItem)}</ul></fieldset>`,
)}
<dl class="meta">
${siteField(v)}
<dt>Access mode</dt><dd data-access-mode="${v.accessMode}">${MODE_TEXT[v.accessMode]}</dd>
<dt>Approved by</dt><dd>${v.merchantEmail} (you)</dd>
<dt>Revoke</dt><dd>Any time under <a href="/account/apps">Connected apps</a> (/account/apps); the time of revocation is recorded as <code>revoked_at</code> and the app's access ends at once.</dd>
</dl>
<div class="actions">
<button class="primary" type="submit" name="decision" value="approve">Approve</button>
<button class="secondary" type="submit" name="decision" value="deny">Deny</button>
</div>
</form>
</section>`;
}
