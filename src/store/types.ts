// The narrow store interfaces, one per record kind. Implemented in memory/ (development
// only) and redis/; test/store/contract.test.ts runs one suite against both.
import type { Adapter } from 'oidc-provider';
import type { AppManifest } from '../apps/types.ts';

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

export interface UsageStore {
  /** Adds a batch of counts (the gateway flushes its in-memory aggregation). */
  add(batch: { installation: string; scope: string; count: number; last: string }[]): Promise<void>;
  /** Usage of one installation by scope. */
  get(installation: string): Promise<Record<string, ScopeUsage>>;
}

export interface Store {
  readonly kind: 'memory' | 'redis';
  apps: AppStore;
  merchants: MerchantStore;
  installations: InstallationStore;
  throttle: ThrottleStore;
  usage: UsageStore;
  /** oidc-provider adapter for a model name (every model except Client, which apps serve). */
  oidcAdapter(model: string): Adapter;
  /** true when the backing store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
