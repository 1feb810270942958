// The bar at the top of every signed-in /account page: who is signed in and a sign-out
// form (a POST with the session's CSRF token, so no link can sign a merchant out).
import { type Html, html } from './html.ts';

/** Who is signed in, and the sign-out button. */
export function accountBar(merchantEmail: string, csrf: string): Html {
  return html`<nav aria-label="Account"><form method="post" action="/account/logout">
<input type="hidden" name="csrf" value="${csrf}">
<p class="muted">Signed in as <strong>${merchantEmail}</strong> <button class="secondary" type="submit">Sign out</button></p>
</form></nav>`;
}
