// The merchant sign-in page of an authorization interaction (inputs `email`, `password`).
import { type Html, html } from './html.ts';

export interface SignInView {
  action: string;
  csrf: string;
  appName: string;
  email?: string;
  error?: string;
}

/** The email and password inputs and the submit button, shared by every sign-in form. */
export function credentialFields(email: string | undefined): Html {
  return html`<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${email ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions"><button class="primary" type="submit">Sign in</button></div>`;
}

export function signInPage(v: SignInView): Html {
  return html`<section class="card" aria-labelledby="title">
<h1 id="title">Sign in to SitePack</h1>
<p><strong>${v.appName}</strong> wants to connect to your site. Sign in to review its request.</p>
${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
<form method="post" action="${v.action}">
<input type="hidden" name="csrf" value="${v.csrf}">
${credentialFields(v.email)}
</form>
</section>`;
}
