// The confirmation before a merchant revokes an installation: what is lost, that it ends
// at once and is recorded, and a CSRF-protected form; or, when already revoked, when.
import type { InstallationView } from '../account/view.ts';
import { accountBar } from './account-frame.ts';
import { scopeList, when } from './account-parts.ts';
import { type Html, html } from './html.ts';

/** What the revoke confirmation shows. */
export interface AccountRevokeView {
  merchantEmail: string;
  csrf: string;
  installation: InstallationView;
  /** Where the form posts. */
  action: string;
}

/** "Revoke <app> on <site>?" with the confirming form. */
export function accountRevokePage(v: AccountRevokeView): Html {
  const i = v.installation;
  if (i.revocation) {
    return html`${accountBar(v.merchantEmail, v.csrf)}
<section class="card" aria-labelledby="title">
<h1 id="title">${i.appName} on ${i.siteName} is already revoked</h1>
<p>Its access ended at ${when(i.revocation.at)} (revoked by ${i.revocation.by}).</p>
<p><a href="/account/apps">Back to connected apps</a></p>
</section>`;
  }
  return html`${accountBar(v.merchantEmail, v.csrf)}
<section class="card" aria-labelledby="title">
<h1 id="title">Revoke ${i.appName} on ${i.siteName}?</h1>
<p>Its access ends at once and <code>revoked_at</code> is recorded. To connect it again, you approve it anew.</p>
<h2>Access it loses</h2>
${scopeList(i.scopes)}
<form method="post" action="${v.action}">
<input type="hidden" name="csrf" value="${v.csrf}">
<div class="actions">
<button class="primary" type="submit">Revoke access</button>
<a href="/account/apps">Cancel</a>
</div>
</form>
</section>`;
}
