// The shapes of remediation work (DESIGN.md §9): a report's findings and their tasks, the
// operator-approved data flows, and what the access policy decides for one task.
import type { AccessMode } from '../store/types.ts';

export type { AccessMode };

/** Least first: the policy picks the first mode that can complete the task. */
export const ACCESS_MODES: readonly AccessMode[] = [
  'ticket-only',
  'read-only',
  'review-only',
  'connected',
];

export const TASK_KINDS = ['diagnostic', 'fix', 'retest'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** The work a finding asks an app to do on one site. */
export interface RemediationTask {
  /** The app (its uuid) that would do the work. */
  app: string;
  kind: TaskKind;
  /** The system the work happens in (wordpress, shopify, gtm, …). */
  provider: string;
  /** What is touched: a page, a theme file, a container, a config surface. */
  target: string;
  /** The scopes the task needs, as the audit system computed them. */
  required_scopes: string[];
  /** What the app asks for, when it differs from what is required. */
  requested_scopes?: string[];
  /** Present when the work cannot proceed staged: why writes must act directly. */
  needs_live_write?: { reason: string };
  /** Why customer data (leads, payments) is needed; matched against data flows. */
  data_purpose?: string;
  /** What the customer does by hand when no access is granted (the ticket-only path). */
  instructions: string;
}

export interface Finding {
  id: string;
  title: string;
  evidence?: string;
  task: RemediationTask;
}

/** An audit report on one site, as posted to `POST /admin/reports`. */
export interface Report {
  id: string;
  site: string;
  findings: Finding[];
  received_at: string;
}

/** An operator-approved dedicated flow: this app may hold these customer-data scopes for this purpose. */
export interface DataFlow {
  id: string;
  app: string;
  scopes: string[];
  purpose: string;
  created_at: string;
}

export type ReadyState =
  | 'ticket_only_ready'
  | 'read_only_ready'
  | 'review_only_ready'
  | 'connected_scope_approved';

export type BlockedState =
  | 'scope_too_broad'
  | 'unsupported_provider'
  | 'missing_approval'
  | 'credential_request'
  | 'customer_data_requested'
  | 'revoked_access';

export type AccessState = ReadyState | BlockedState;

/** A scope the policy refuses for this task, and why. */
export interface RejectedScope {
  scope: string;
  reason: string;
}

/** What the access policy decides for one task (the fields of DESIGN.md §9). */
export interface AccessDecision {
  /** The least mode that can complete the task. */
  remediation_access_mode: AccessMode;
  state: AccessState;
  /** Minimal form of the task's required scopes. */
  required_scopes: string[];
  /** What the live installation approved for this task; null when nothing is. */
  approved_scope: string[] | null;
  /** The installation that holds the approval (live) or lost it (revoked); null if none. */
  installation: string | null;
  /** When the latest installation of (app, site) was revoked; null if never. */
  revoked_at: string | null;
  /** true whenever something is approved: the merchant can revoke it. */
  revoke_path_visible: boolean;
  rejected_scopes: RejectedScope[];
  /** The narrower set to ask for instead; null when nothing narrower applies. */
  narrower_scopes: string[] | null;
  /** The customer-applied path; always present when the state is blocked. */
  fallback: { mode: 'ticket-only'; instructions: string } | null;
}
