// Every Redis key scopegate uses, built from one prefix (bullmq queue-keys style): a new
// key is added here or nowhere, so a prefix scan shows the whole data set.

/** Key builders for one store; every name starts with the store's prefix. */
export interface RedisKeys {
  readonly prefix: string;
  /** String: StoredApp JSON. */
  app(id: string): string;
  /** Set: every app id. */
  apps(): string;
  /** String: StoredMerchant JSON. */
  merchant(id: string): string;
  /** String: merchant id owning a (lower-cased) email. */
  merchantEmail(email: string): string;
  /** String: merchant id owning a site. */
  siteOwner(site: string): string;
  /** Hash: `record` (Installation JSON as created), `revocation` (written once). No TTL. */
  installation(id: string): string;
  /** Sorted set: every installation id, scored by approved_at in ms. */
  installations(): string;
  /** Sorted set: installation ids of an app, scored by approved_at in ms. */
  installationsByApp(app: string): string;
  /** Sorted set: installation ids of a site, scored by approved_at in ms. */
  installationsBySite(site: string): string;
  /** Sorted set: installation ids of a merchant, scored by approved_at in ms. */
  installationsByMerchant(merchant: string): string;
  /** Sorted set: hit times (ms) of one throttle key, expiring with its window. */
  throttle(key: string): string;
  /** Hash: `payload` (JSON) and `consumed` (epoch seconds) of one oidc-provider record. */
  oidc(model: string, id: string): string;
  /** Set: the oidc record keys issued under a grant; expires with its longest-lived member. */
  oidcGrant(grantId: string): string;
  /** String: Session id for a session uid. */
  oidcUid(uid: string): string;
  /** String: DeviceCode id for a user code. */
  oidcUserCode(code: string): string;
  /** Hash: per scope, `<scope>` = request count and `<scope>@last` = ISO time of last use. */
  usage(installation: string): string;
  /** Hash: scope → request count of one installation on one UTC day. Expires (EXPIREAT). */
  usageDay(installation: string, day: string): string;
  /** String: Report JSON, written once (create-if-absent). No TTL. */
  report(id: string): string;
  /** Sorted set: report ids of a site, scored by received_at in ms. No TTL. */
  reportsBySite(site: string): string;
  /** String: DataFlow JSON. No TTL; deleted only by an operator. */
  dataFlow(id: string): string;
  /** Sorted set: every data flow id, scored by created_at in ms. */
  dataFlows(): string;
  /** Sorted set: data flow ids of an app, scored by created_at in ms. */
  dataFlowsByApp(app: string): string;
  /** Hash: `record` (Proposal JSON as staged), then `status`, `decision`, `replay` (each written once). No TTL. */
  proposal(id: string): string;
  /** Sorted set: proposal ids of an installation, scored by created_at in ms. No TTL. */
  proposalsByInstallation(installation: string): string;
  /** Sorted set: an installation's proposals still pending review, scored by created_at in ms. */
  proposalsPending(installation: string): string;
  /** Sorted set: revoked installation ids, scored by when their last token expires (ms). */
  revoked(): string;
  /** Sorted set: gateway process ids, scored by their latest heartbeat (ms). */
  gateways(): string;
  /** Hash: gateway id → ms at which it first had the installation in its revoked set. Expires. */
  revocationAcks(installation: string): string;
  /**
   * Sorted set: installation ids whose revocation still awaits gateways (no enforced_at yet),
   * scored by the latest moment known to be covered (ms). No TTL: removed once enforced.
   */
  revocationsPending(): string;
  /** Set: the gateways a pending revocation still awaits. No TTL: removed with it. */
  revocationAwaited(installation: string): string;
  /** Pub/sub channel: revocation notices and gateway heartbeats. */
  revocationChannel(): string;
  /** Pub/sub channel: gateways' acknowledgements of revocation notices. */
  revocationAckChannel(): string;
  /** String: a webhook event (JSON: topic, site, signed body, delivery ids). Expires. */
  webhookEvent(id: string): string;
  /** Hash: `record` (JSON), `state` (JSON), `status`, `score` of a delivery. Expires. */
  webhookDelivery(id: string): string;
  /** List: a delivery's attempts (JSON each), oldest first. Expires with the delivery. */
  webhookAttempts(id: string): string;
  /** Sorted set: every delivery id, scored by creation (ms); trimmed to the retention. */
  webhookDeliveries(): string;
  /** Sorted set: delivery ids of an app, scored by creation (ms). */
  webhookDeliveriesByApp(app: string): string;
  /** Sorted set: delivery ids in one status, scored by creation (ms). */
  webhookDeliveriesByStatus(status: string): string;
  /** Set: ids of an installation's deliveries that are not final (cancelled on revoke). */
  webhookOpen(installation: string): string;
  /** String: JSON `{url, at}` of an app endpoint that answered 410 Gone. No TTL. */
  webhookGone(app: string): string;
  /** BullMQ key prefix of the delivery queue (BullMQ appends `:<queue>:<kind>`). */
  webhookQueuePrefix(): string;
}

/** The default prefix; one Redis database can hold several stores under distinct prefixes. */
export const DEFAULT_PREFIX = 'sg:';

/**
 * Builds the key set for a prefix. Each kind has its own literal segment right after the
 * prefix, so an id containing `:` can never produce another kind's key.
 */
export function redisKeys(prefix: string = DEFAULT_PREFIX): RedisKeys {
  return {
    prefix,
    app: (id) => `${prefix}app:${id}`,
    apps: () => `${prefix}apps`,
    merchant: (id) => `${prefix}merchant:${id}`,
    merchantEmail: (email) => `${prefix}merchant-email:${email}`,
    siteOwner: (site) => `${prefix}site-owner:${site}`,
    installation: (id) => `${prefix}installation:${id}`,
    installations: () => `${prefix}installations`,
    installationsByApp: (app) => `${prefix}installations-by-app:${app}`,
    installationsBySite: (site) => `${prefix}installations-by-site:${site}`,
    installationsByMerchant: (merchant) => `${prefix}installations-by-merchant:${merchant}`,
    throttle: (key) => `${prefix}throttle:${key}`,
    oidc: (model, id) => `${prefix}oidc:${model}:${id}`,
    oidcGrant: (grantId) => `${prefix}oidc-grant:${grantId}`,
    oidcUid: (uid) => `${prefix}oidc-uid:${uid}`,
    oidcUserCode: (code) => `${prefix}oidc-user-code:${code}`,
    usage: (installation) => `${prefix}usage:${installation}`,
    usageDay: (installation, day) => `${prefix}usage-day:${day}:${installation}`,
    report: (id) => `${prefix}report:${id}`,
    reportsBySite: (site) => `${prefix}reports-by-site:${site}`,
    dataFlow: (id) => `${prefix}data-flow:${id}`,
    dataFlows: () => `${prefix}data-flows`,
    dataFlowsByApp: (app) => `${prefix}data-flows-by-app:${app}`,
    proposal: (id) => `${prefix}proposal:${id}`,
    proposalsByInstallation: (installation) => `${prefix}proposals-by-installation:${installation}`,
    proposalsPending: (installation) => `${prefix}proposals-pending:${installation}`,
    revoked: () => `${prefix}revoked`,
    gateways: () => `${prefix}gateways`,
    revocationAcks: (installation) => `${prefix}revocation-acks:${installation}`,
    revocationsPending: () => `${prefix}revocations-pending`,
    revocationAwaited: (installation) => `${prefix}revocation-awaited:${installation}`,
    revocationChannel: () => `${prefix}revocation-channel`,
    revocationAckChannel: () => `${prefix}revocation-ack-channel`,
    webhookEvent: (id) => `${prefix}webhook-event:${id}`,
    webhookDelivery: (id) => `${prefix}webhook-delivery:${id}`,
    webhookAttempts: (id) => `${prefix}webhook-attempts:${id}`,
    webhookDeliveries: () => `${prefix}webhook-deliveries`,
    webhookDeliveriesByApp: (app) => `${prefix}webhook-deliveries-by-app:${app}`,
    webhookDeliveriesByStatus: (status) => `${prefix}webhook-deliveries-by-status:${status}`,
    webhookOpen: (installation) => `${prefix}webhook-open:${installation}`,
    webhookGone: (app) => `${prefix}webhook-gone:${app}`,
    webhookQueuePrefix: () => `${prefix}webhook-queue`,
  };
}
