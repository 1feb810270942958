// Apps in memory: a Map of copies, so callers never share objects with the store and
// behave exactly as they would against Redis (which hands out fresh JSON each read).

import { byCreation } from '../order.ts';
import type { AppStore, StoredApp } from '../types.ts';

/** An AppStore over a Map. */
export function createMemoryApps(): AppStore {
  const apps = new Map<string, StoredApp>();
  return {
    async put(app) {
      apps.set(app.id, structuredClone(app));
    },
    async get(id) {
      const app = apps.get(id);
      return app && structuredClone(app);
    },
    async list() {
      return [...apps.values()].map((app) => structuredClone(app)).sort(byCreation);
    },
  };
}
