// Merchants in memory with the same uniqueness rules as Redis: one owner per email and
// per site id, checked in full before anything is written, so a conflict writes nothing.
import type { MerchantStore, StoredMerchant } from '../types.ts';

/** A MerchantStore over Maps (records, email → id, site → id). */
export function createMemoryMerchants(): MerchantStore {
  const merchants = new Map<string, StoredMerchant>();
  const byEmail = new Map<string, string>();
  const bySite = new Map<string, string>();
  const copy = (id: string | undefined) => {
    const found = id === undefined ? undefined : merchants.get(id);
    return found && structuredClone(found);
  };
  return {
    async create(merchant) {
      if (merchants.has(merchant.id)) throw new Error(`merchant ${merchant.id} exists`);
      if (byEmail.has(merchant.email))
        return { ok: false, conflict: 'email', value: merchant.email };
      const taken = merchant.sites.find((site) => bySite.has(site.id));
      if (taken) return { ok: false, conflict: 'site', value: taken.id };
      merchants.set(merchant.id, structuredClone(merchant));
      byEmail.set(merchant.email, merchant.id);
      for (const site of merchant.sites) bySite.set(site.id, merchant.id);
      return { ok: true };
    },
    async get(id) {
      return copy(id);
    },
    async findByEmail(email) {
      return copy(byEmail.get(email));
    },
    async findBySite(siteId) {
      return copy(bySite.get(siteId));
    },
  };
}
