// What a merchant is shown about one installation, as plain data: app and site names,
// approved scopes with their catalogue entries, and who approved or revoked it in words.
import type { ScopeCatalogue, ScopeEntry } from '../scopes/index.ts';
import type { AccessMode, Installation, ScopeUsage, StoredMerchant } from '../store/types.ts';
import { idleNotes } from '../usage/idle.ts';

/** One installation as the connected-apps page shows it. */
export interface InstallationView {
  id: string;
  appId: string;
  appName: string;
  siteId: string;
  siteName: string;
  /** Approved scopes in catalogue order; a scope the catalogue no longer has keeps its name. */
  scopes: ScopeEntry[];
  accessMode: AccessMode;
  approvedAt: string;
  approvedBy: string;
  /** Present once revoked. */
  revocation?: { at: string; by: string; reason: string | null };
  /** When every gateway had enforced the revocation, when recorded. */
  enforcedAt?: string;
  /**
   * Live installations with usage given: per approved scope left idle for a day or more,
   * e.g. `not used in 12 days` (wording in src/usage/idle.ts).
   */
  idleNotes?: Record<string, string>;
}

const RETIRED = 'No longer in the scope catalogue.';

/** Catalogue entries of `scopes`, in catalogue order; unknown ones last, as they were. */
export function scopeEntries(scopes: readonly string[], catalogue: ScopeCatalogue): ScopeEntry[] {
  const wanted = new Set(scopes);
  const known = catalogue.entries.filter((e) => wanted.has(e.scope));
  const unknown = scopes
    .filter((s) => !catalogue.has(s))
    .map((scope): ScopeEntry => {
      const [resource = scope, action] = scope.split(':');
      return {
        scope,
        resource,
        action: action === 'write' ? 'write' : 'read',
        description: RETIRED,
      };
    });
  return [...known, ...unknown];
}

/** Who did something, in the merchant's words: themselves, an operator, SitePack or the app. */
export function actorName(actor: string, merchant: StoredMerchant): string {
  if (actor === merchant.id) return `you (${merchant.email})`;
  if (actor === 'operator') return 'a SitePack operator';
  if (actor === 'scopegate') return 'SitePack, automatically';
  if (actor.startsWith('app:')) return `the app itself (${actor.slice(4)})`;
  return actor;
}

/** The page's view of `installation`, which must belong to `merchant`. */
export function installationView(
  installation: Installation,
  ctx: {
    merchant: StoredMerchant;
    appName: string | undefined;
    catalogue: ScopeCatalogue;
    /** The gateway's usage counts of this installation, for the idle notes. */
    usage?: { totals: Record<string, ScopeUsage>; now: Date };
  },
): InstallationView {
  const { merchant } = ctx;
  const site = merchant.sites.find((s) => s.id === installation.site);
  const view: InstallationView = {
    id: installation.id,
    appId: installation.app,
    appName: ctx.appName ?? installation.app,
    siteId: installation.site,
    siteName: site?.name ?? installation.site,
    scopes: scopeEntries(installation.approved_scope.scopes, ctx.catalogue),
    accessMode: installation.access_mode,
    approvedAt: installation.approved_at,
    approvedBy: actorName(installation.approved_by, merchant),
  };
  if (installation.revoked_at) {
    view.revocation = {
      at: installation.revoked_at,
      by: actorName(installation.revoked_by ?? 'unknown', merchant),
      reason: installation.revoke_reason,
    };
  }
  const enforcedAt = (installation as { enforced_at?: string | null }).enforced_at;
  if (enforcedAt) view.enforcedAt = enforcedAt;
  // idleNotes itself has none for a revoked installation.
  if (ctx.usage) {
    view.idleNotes = idleNotes(installation, ctx.usage.totals, ctx.usage.now);
  }
  return view;
}
