// The error page for failures that cannot be sent back to an app's redirect URI.
import { type Html, html } from './html.ts';

export function errorPage(error: string, description: string): Html {
  return html`<section class="card" aria-labelledby="title">
<h1 id="title">Something is not right</h1>
<p class="error" role="alert"><strong>${error}</strong>: ${description}</p>
<p class="muted">Go back to the app and start again. If this keeps happening, contact the app's developer.</p>
</section>`;
}
