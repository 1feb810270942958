// The error page of the /account pages: what went wrong and the way back to the
// connected-apps page (never an echo of the request beyond the escaped description).
import { type Html, html } from './html.ts';

/** A short explanation with a link back to /account/apps. */
export function accountErrorPage(heading: string, description: string): Html {
  return html`<section class="card" aria-labelledby="title">
<h1 id="title">${heading}</h1>
<p class="error" role="alert">${description}</p>
<p><a href="/account/apps">Back to connected apps</a></p>
</section>`;
}
