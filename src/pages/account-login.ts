// The /account sign-in page (inputs `email` and `password`), which returns the merchant to
// the /account page they asked for.
import { type Html, html } from './html.ts';
import { credentialFields } from './sign-in.ts';

/** What the /account sign-in page shows. */
export interface AccountLoginView {
  csrf: string;
  /** An /account path, already checked. */
  returnTo: string;
  email?: string;
  error?: string;
  /** A confirmation such as "You are signed out." */
  notice?: string;
}

/** The sign-in form of the merchant account pages. */
export function accountLoginPage(v: AccountLoginView): Html {
  return html`<section class="card" aria-labelledby="title">
<h1 id="title">Sign in to SitePack</h1>
<p>Sign in to see the apps connected to your sites and revoke their access.</p>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
<form method="post" action="/account/login">
<input type="hidden" name="csrf" value="${v.csrf}">
<input type="hidden" name="return_to" value="${v.returnTo}">
${credentialFields(v.email)}
</form>
</section>`;
}
