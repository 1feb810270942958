// The merchant's view of an audit report (/reports/{report}): per finding the task, the
// access mode the policy chose, required and approved scopes, revoked_at, the state and
// the actions that apply (approve exactly the required access, revoke, use the fallback).
import type { EvaluatedFinding } from '../access/evaluate.ts';
import type { AccessState } from '../access/types.ts';
import { accountBar } from './account-frame.ts';
import { accessModeText, when } from './account-parts.ts';
import { type Html, html } from './html.ts';
import { type PendingProposalLink, pendingProposalsList } from './proposals.ts';

export interface ReportView {
  merchantEmail: string;
  csrf: string;
  reportId: string;
  siteName: string;
  findings: (EvaluatedFinding & { links: FindingLinks })[];
}

export interface FindingLinks {
  approve: string | null;
  revoke: string | null;
  fallback: string;
  /** Writes of a review-only installation waiting for the merchant. */
  pending: readonly PendingProposalLink[];
}

const STATE_TEXT: Record<AccessState, string> = {
  ticket_only_ready: 'Ready: no access needed, the fix is applied by you',
  read_only_ready: 'Ready: read-only access approved',
  review_only_ready: 'Ready: review-only access approved; every change waits for you',
  connected_scope_approved: 'Ready: connected access approved for exactly this task',
  scope_too_broad: 'Blocked: the access asked for is broader than the task needs',
  unsupported_provider: 'Blocked: no access path for this provider',
  missing_approval: 'Waiting for your approval',
  credential_request: 'Blocked: the task asks for credentials; never share them',
  customer_data_requested: 'Blocked: customer data without an approved data flow',
  revoked_access: 'Revoked: nothing reconnects without your new approval',
};

const scopes = (list: readonly string[] | null): Html =>
  list?.length
    ? html`${list.map((s, n) => html`${n ? ', ' : ''}<code>${s}</code>`)}`
    : html`<span class="muted">none</span>`;

function findingCard({ finding, decision, approval, links }: ReportView['findings'][number]): Html {
  const t = finding.task;
  const rejected = decision.rejected_scopes.map(
    (r) => html`<li><code>${r.scope}</code>: ${r.reason}</li>`,
  );
  return html`<section class="card finding" id="finding-${finding.id}" data-finding="${finding.id}" data-state="${decision.state}" aria-labelledby="f-${finding.id}">
<h2 id="f-${finding.id}">${finding.title}</h2>
${finding.evidence ? html`<p class="muted">${finding.evidence}</p>` : ''}
<dl class="meta">
<dt>Task</dt><dd>${t.kind} on ${t.target} (${t.provider}) by app <code>${t.app}</code></dd>
<dt>State</dt><dd data-field="state">${STATE_TEXT[decision.state]} <code>${decision.state}</code></dd>
<dt>remediation_access_mode</dt><dd data-field="mode">${accessModeText(decision.remediation_access_mode)}</dd>
<dt>required_scopes</dt><dd data-field="required">${scopes(decision.required_scopes)}</dd>
<dt>approved_scope</dt><dd data-field="approved">${scopes(decision.approved_scope)}</dd>
<dt>revoked_at</dt><dd data-field="revoked_at">${decision.revoked_at ? when(decision.revoked_at) : html`<span class="muted">never</span>`}</dd>
${rejected.length ? html`<dt>Rejected</dt><dd><ul>${rejected}</ul></dd>` : ''}
${decision.narrower_scopes ? html`<dt>Narrower access</dt><dd>${scopes(decision.narrower_scopes)}</dd>` : ''}
</dl>
${pendingProposalsList(links.pending)}
<div class="actions">
${links.approve && approval ? html`<a class="button primary" href="${links.approve}">${approval.narrower ? 'Approve narrower access' : 'Approve access'}</a>` : ''}
${links.revoke ? html`<a class="button secondary" href="${links.revoke}">Revoke</a>` : ''}
<a class="button secondary" href="${links.fallback}">Use fallback</a>
</div>
</section>`;
}

export function reportPage(v: ReportView): Html {
  return html`${accountBar(v.merchantEmail, v.csrf)}
<section class="card" aria-labelledby="title">
<h1 id="title">Report ${v.reportId}</h1>
<p>For ${v.siteName}. Each finding shows the least access that can fix it; nothing is connected until you approve it, and you can revoke it at any time.</p>
</section>
${v.findings.map(findingCard)}`;
}

/** The ticket-only path: what to do by hand, no access granted. */
export function fallbackPage(v: {
  merchantEmail: string;
  csrf: string;
  reportId: string;
  title: string;
  instructions: string;
  back: string;
}): Html {
  return html`${accountBar(v.merchantEmail, v.csrf)}
<section class="card" aria-labelledby="title">
<h1 id="title">${v.title}: apply it yourself</h1>
<p>No app gets access for this. Follow these steps on your site:</p>
<pre class="instructions">${v.instructions}</pre>
<p><a href="${v.back}">Back to report ${v.reportId}</a></p>
</section>`;
}
