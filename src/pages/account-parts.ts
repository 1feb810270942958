// Pieces shared by the /account pages: an approved-scope list (sensitive ones marked),
// access modes in words and times readable by people and machines.
import type { ScopeEntry } from '../scopes/index.ts';
import type { AccessMode } from '../store/types.ts';
import { type Html, html } from './html.ts';

const MODE_TEXT: Record<AccessMode, string> = {
  'ticket-only': 'ticket-only: no access, you apply fixes yourself',
  'read-only': 'read-only: the app can view, never change',
  'review-only': 'review-only: every change waits for your approval',
  connected: 'connected: approved write scopes act directly on your site',
};

/** An access mode with what it means for the merchant. */
export function accessModeText(mode: AccessMode): Html {
  return html`<span data-access-mode="${mode}">${MODE_TEXT[mode]}</span>`;
}

/** An ISO time for people: `2026-05-01 09:30:12 UTC` (unparseable input as it is). */
export function humanTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** An ISO time as a `<time>` element, exact in `datetime`, readable in the text. */
export function when(iso: string): Html {
  return html`<time datetime="${iso}">${humanTime(iso)}</time>`;
}

/** Scopes with their descriptions; sensitive ones badged with why. */
export function scopeList(
  entries: readonly ScopeEntry[],
  notes: Readonly<Record<string, string>> = {},
): Html {
  if (entries.length === 0) return html`<p class="muted">No scopes.</p>`;
  return html`<ul class="scopes">${entries.map((e) => {
    const note = notes[e.scope];
    return html`<li data-scope="${e.scope}"><span class="scope-name">${e.scope}</span>${e.sensitive ? html`<span class="badge sensitive">sensitive: ${e.sensitive.replace('_', ' ')}</span>` : ''}${note ? html` <span class="muted" data-usage-note>${note}</span>` : ''}<br>${e.description}</li>`;
  })}</ul>`;
}
