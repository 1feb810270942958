// Review-only proposals on the merchant's pages: the pending list under each connected
// app, and one proposal's page with what it would change (a line diff), who asked, and
// the approve and reject forms; once decided, the decision and the platform's answer.
import { proposalDecisionPath, proposalPagePath } from '../account/proposal-paths.ts';
import type { ProposedChange } from '../proposals/change.ts';
import type { DiffLine } from '../proposals/diff.ts';
import type { ProposalReplay, ProposalStatus } from '../proposals/types.ts';
import { accountBar } from './account-frame.ts';
import { when } from './account-parts.ts';
import { type Html, html } from './html.ts';

/** A pending proposal as the connected-apps page links to it. */
export interface PendingProposalLink {
  id: string;
  method: string;
  path: string;
  createdAt: string;
}

/** "Waiting for your review" under an installation; nothing when none is pending. */
export function pendingProposalsList(pending: readonly PendingProposalLink[]): Html {
  if (pending.length === 0) return html``;
  return html`<h3>Waiting for your review (${pending.length})</h3>
<ul class="scopes" data-pending-proposals>${pending.map(
    (p) =>
      html`<li data-proposal="${p.id}"><a href="${proposalPagePath(p.id)}"><code>${p.method} ${p.path}</code></a> <span class="muted">proposed ${when(p.createdAt)}</span></li>`,
  )}</ul>`;
}

/** One proposal as its page shows it. */
export interface ProposalView {
  id: string;
  appId: string;
  appName: string;
  siteId: string;
  siteName: string;
  method: string;
  path: string;
  createdAt: string;
  status: ProposalStatus;
  decidedAt: string | null;
  /** Who decided, in the merchant's words. */
  decidedBy: string | null;
  reason: string | null;
  replay: ProposalReplay | null;
}

export interface ProposalPageView {
  merchantEmail: string;
  csrf: string;
  proposal: ProposalView;
  change: ProposedChange;
  /** Shown after an action, e.g. the approval. */
  notice?: string;
}

const STATUS_TEXT: Record<ProposalStatus, string> = {
  pending_review: 'waiting for your review',
  approved: 'approved',
  rejected: 'rejected',
  cancelled: 'cancelled',
};

/** Unchanged lines kept around each change; longer unchanged runs are folded. */
const CONTEXT = 3;

function diffLine(line: DiffLine): Html {
  if (line.op === 'add') return html`<ins data-op="add">+ ${line.text}</ins>\n`;
  if (line.op === 'remove') return html`<del data-op="remove">- ${line.text}</del>\n`;
  return html`<span data-op="same">  ${line.text}</span>\n`;
}

/** The diff with long unchanged runs folded to their first and last CONTEXT lines. */
function diffBlock(lines: readonly DiffLine[]): Html {
  const out: Html[] = [];
  let run: DiffLine[] = [];
  const flush = (atStart: boolean, atEnd: boolean) => {
    const keepHead = atStart ? 0 : CONTEXT;
    const keepTail = atEnd ? 0 : CONTEXT;
    if (run.length > keepHead + keepTail + 1) {
      out.push(...run.slice(0, keepHead).map(diffLine));
      const folded = run.length - keepHead - keepTail;
      out.push(
        html`<span class="muted" data-op="folded">  … ${folded} unchanged line${folded === 1 ? '' : 's'} …</span>\n`,
      );
      out.push(...run.slice(run.length - keepTail).map(diffLine));
    } else out.push(...run.map(diffLine));
    run = [];
  };
  let seenChange = false;
  for (const line of lines) {
    if (line.op === 'same') {
      run.push(line);
      continue;
    }
    flush(!seenChange, false);
    seenChange = true;
    out.push(diffLine(line));
  }
  flush(!seenChange, true);
  return html`<pre data-diff>${out}</pre>`;
}

function changeSection(change: ProposedChange): Html {
  const notes = change.notes.map((n) => html`<p class="muted">${n}</p>`);
  if (change.format === 'binary') {
    return html`${notes}<p>Current version: ${change.beforeBytes} bytes; proposed: ${change.afterBytes} bytes.</p>`;
  }
  const changed = change.lines.some((l) => l.op !== 'same');
  return html`${notes}${changed ? '' : html`<p class="muted">Nothing would change.</p>`}${change.lines.length ? diffBlock(change.lines) : ''}`;
}

function replaySection(replay: ProposalReplay | null, status: ProposalStatus): Html {
  if (status !== 'approved') return html``;
  if (!replay) return html`<dt>Sent</dt><dd data-field="replay">being sent to the platform</dd>`;
  if (replay.outcome === 'failed') {
    return html`<dt>Sent</dt><dd data-field="replay" data-outcome="failed">not sent or no answer (${replay.error ?? 'unknown'}) at ${when(replay.at)}</dd>`;
  }
  return html`<dt>Sent</dt><dd data-field="replay" data-outcome="replayed">at ${when(replay.at)}; the platform answered <span data-field="replay_status">${replay.status ?? ''}</span></dd>`;
}

function decisionForms(p: ProposalView, csrf: string): Html {
  if (p.status !== 'pending_review') return html``;
  return html`<form method="post" action="${proposalDecisionPath(p.id, 'approve')}">
<input type="hidden" name="csrf" value="${csrf}">
<div class="actions"><button class="primary" type="submit">Approve and send to ${p.siteName}</button></div>
</form>
<form method="post" action="${proposalDecisionPath(p.id, 'reject')}">
<input type="hidden" name="csrf" value="${csrf}">
<label for="reason">Reason for rejecting (optional, shown to the app)</label>
<input type="text" id="reason" name="reason" maxlength="500">
<div class="actions"><button class="secondary" type="submit">Reject</button></div>
</form>`;
}

/** One proposal: the request, what it would change, and the decision (or the forms). */
export function proposalPage(v: ProposalPageView): Html {
  const p = v.proposal;
  return html`${accountBar(v.merchantEmail, v.csrf)}
<section class="card" aria-labelledby="title" data-proposal="${p.id}" data-status="${p.status}">
<h1 id="title">${p.appName} proposes a change to ${p.siteName}</h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
<p>This app works in review-only mode: nothing it asks to change reaches your site until you approve it here. Approving sends exactly this request once.</p>
<dl class="meta">
<dt>App</dt><dd>${p.appName} <span class="muted">(${p.appId})</span></dd>
<dt>Site</dt><dd>${p.siteName} <span class="muted">(${p.siteId})</span></dd>
<dt>Request</dt><dd><code data-field="request">${p.method} ${p.path}</code></dd>
<dt>Proposed</dt><dd data-field="created_at">${when(p.createdAt)}</dd>
<dt>Status</dt><dd data-field="status">${STATUS_TEXT[p.status]}</dd>
${p.decidedAt ? html`<dt>Decided</dt><dd data-field="decided_at">${when(p.decidedAt)}${p.decidedBy ? html` by ${p.decidedBy}` : ''}</dd>` : ''}
${p.reason ? html`<dt>Reason</dt><dd data-field="reason">${p.reason}</dd>` : ''}
${replaySection(p.replay, p.status)}
</dl>
<h2>What would change</h2>
${changeSection(v.change)}
${decisionForms(p, v.csrf)}
<p><a href="/account/apps">Back to connected apps</a></p>
</section>`;
}
