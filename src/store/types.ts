// The narrow store interfaces, one per record kind. Implemented in memory/ (development
// only) and redis/; test/store/contract.test.ts runs one suite against both.
import type { Adapter } from 'oidc-provider';
import type { DataFlow, Report } from '../access/types.ts';
import type { AppManifest } from '../apps/types.ts';
import type { Proposal, ProposalDecision, ProposalReplay } from '../proposals/types.ts';

/** A registered app. Secrets are sealed (encrypted at rest), never stored in clear. */
export interface StoredApp {
  /** = manifest.uuid = OAuth client_id */
  id: string;
  manifest: AppManifest;
  /** Sealed client secret; null for public clients. */
  clientSecret: string | null;
  /** Sealed webhook secrets, newest first (several during a rotation window). */
  webhookSecrets: string[];
  createdAt: string;
}

export interface AppStore {
  /** Inserts or replaces. */
  put(app: StoredApp): Promise<void>;
  get(id: string): Promise<StoredApp | undefined>;
  list(): Promise<StoredApp[]>;
}

export interface Site {
  id: string;
  name: string;
}

export interface StoredMerchant {
  id: string;
  /** Lower-cased. Unique across merchants. */
  email: string;
  /** scrypt hash, self-describing (`scrypt$N$r$p$salt$hash`). */
  passwordHash: string;
  /** Site ids are unique across merchants. */
  sites: Site[];
  createdAt: string;
}

export type CreateMerchantResult =
  | { ok: true }
  | { ok: false; conflict: 'email' | 'site'; value: string };

export interface MerchantStore {
  /** Atomic: fails without writing anything when the email or a site id is taken. */
  create(merchant: StoredMerchant): Promise<CreateMerchantResult>;
  get(id: string): Promise<StoredMerchant | undefined>;
  findByEmail(email: string): Promise<StoredMerchant | undefined>;
  /** The merchant owning a site. */
  findBySite(siteId: string): Promise<StoredMerchant | undefined>;
}

export type AccessMode = 'ticket-only' | 'read-only' | 'review-only' | 'connected';

/** The grant ledger record of DESIGN.md §5; `id` is the oidc-provider grant id. */
export interface Installation {
  id: string;
  app: string;
  merchant: string;
  site: string;
  requested_scopes: string[];
  approved_scope: { scopes: string[]; site: string; audience: string };
  access_mode: AccessMode;
  approved_at: string;
  approved_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  /** When every live gateway had acknowledged the revocation; null until then (or if never). */
  enforced_at: string | null;
}

export interface InstallationFilter {
  app?: string;
  site?: string;
  merchant?: string;
}

export interface Revocation {
  at: string;
  by: string;
  reason: string | null;
}

export interface InstallationStore {
  /** Inserts a new record; never expires. Rejects (throws) if the id exists. */
  create(installation: Installation): Promise<void>;
  get(id: string): Promise<Installation | undefined>;
  /** Through indexes, newest approval first; every filter given must match. */
  list(filter: InstallationFilter): Promise<Installation[]>;
  /**
   * Atomically writes revoked_at/by/reason unless already revoked (then a no-op that keeps
   * the first values). Returns the record as stored afterwards, undefined for an unknown id.
   */
  revoke(id: string, revocation: Revocation): Promise<Installation | undefined>;
  /** Records when the revocation was enforced everywhere; the first value stays. */
  markEnforced(id: string, at: string): Promise<Installation | undefined>;
}

/** Counters in a sliding window, for sign-in throttling. */
export interface ThrottleStore {
  /** Records one hit; returns the number of hits in the current window including this one. */
  hit(key: string, windowSeconds: number): Promise<number>;
  clear(key: string): Promise<void>;
}

/** Requests counted per installation and scope (gateway usage, for least-privilege reports). */
export interface ScopeUsage {
  count: number;
  /** ISO time of the latest counted request. */
  last: string;
}

/** One UTC day's request count of one installation and scope. */
export interface DailyScopeUsage {
  /** YYYY-MM-DD (UTC). */
  day: string;
  scope: string;
  count: number;
}

export interface UsageStore {
  /**
   * Adds a batch of counts (the gateway flushes its in-memory aggregation): to the totals,
   * and to the daily bucket of each entry's `last` day, kept USAGE_RETENTION_DAYS
   * (src/usage/days.ts) days.
   */
  add(batch: { installation: string; scope: string; count: number; last: string }[]): Promise<void>;
  /** Usage of one installation by scope: totals since counting began, never expired. */
  get(installation: string): Promise<Record<string, ScopeUsage>>;
  /**
   * Daily counts of one installation for UTC days `from`..`to` (YYYY-MM-DD, inclusive),
   * days still kept only; ordered by day, then scope.
   */
  days(installation: string, from: string, to: string): Promise<DailyScopeUsage[]>;
}

/** What `ReportStore.put` did: stored the report, or found one under its id (kept as is). */
export interface PutReportResult {
  created: boolean;
  /** The report as stored: the given one when created, else the existing one. */
  report: Report;
}

/** Audit reports (DESIGN.md §9); records never expire. */
export interface ReportStore {
  /**
   * Stores the report unless one with its id exists, atomically (create-if-absent), so a
   * re-post can be told apart from a conflicting one by comparing with what is returned.
   */
  put(report: Report): Promise<PutReportResult>;
  get(id: string): Promise<Report | undefined>;
  /** A site's reports through an index, newest received_at first (ties by id, descending). */
  listBySite(site: string): Promise<Report[]>;
}

export interface DataFlowFilter {
  app?: string;
}

/** Operator-approved customer-data flows; records never expire, only an operator deletes them. */
export interface DataFlowStore {
  /** Inserts a new flow; rejects (throws) if the id exists. */
  create(flow: DataFlow): Promise<void>;
  /** true when a flow was deleted, false for an unknown id. */
  delete(id: string): Promise<boolean>;
  /** Through indexes, newest created_at first (ties by id, descending). */
  list(filter?: DataFlowFilter): Promise<DataFlow[]>;
}

/** What `ProposalStore.decide` did: decided now, or found a decision already there. */
export interface DecideProposalResult {
  /** true when this call moved the proposal out of pending_review. */
  decided: boolean;
  /** The proposal as stored afterwards (with the earlier decision when `decided` is false). */
  proposal: Proposal;
}

/** Review-only proposals (src/proposals); records are kept for audit and never expire. */
export interface ProposalStore {
  /**
   * Inserts a pending proposal unless its installation already has `maxPending` pending
   * (then nothing is written and it resolves false), atomically; throws if the id exists.
   */
  create(proposal: Proposal, maxPending?: number): Promise<boolean>;
  get(id: string): Promise<Proposal | undefined>;
  /**
   * An installation's proposals through an index, newest created_at first (ties by id,
   * descending); with `pending`, only those still awaiting review.
   */
  listByInstallation(installation: string, filter?: { pending?: boolean }): Promise<Proposal[]>;
  /**
   * Atomically moves a pending proposal to the decision's status (only from pending_review,
   * so of two concurrent decisions exactly one wins). undefined for an unknown id.
   */
  decide(id: string, decision: ProposalDecision): Promise<DecideProposalResult | undefined>;
  /**
   * Records the replay of an approved proposal, once (the first stays). Returns the
   * proposal as stored afterwards; undefined for an unknown id. Throws if not approved.
   */
  recordReplay(id: string, replay: ProposalReplay): Promise<Proposal | undefined>;
}

export interface Store {
  readonly kind: 'memory' | 'redis';
  apps: AppStore;
  merchants: MerchantStore;
  installations: InstallationStore;
  throttle: ThrottleStore;
  usage: UsageStore;
  reports: ReportStore;
  dataFlows: DataFlowStore;
  proposals: ProposalStore;
  /** oidc-provider adapter for a model name (every model except Client, which apps serve). */
  oidcAdapter(model: string): Adapter;
  /** true when the backing store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
