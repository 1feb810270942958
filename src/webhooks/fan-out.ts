// The fan-out filter: through the site index (not a scan of every installation) to the
// installations entitled to the event, reading each app's manifest once per event.
import type { Installation, Store, StoredApp } from '../store/types.ts';
import { entitlement } from './entitlement.ts';
import type { DeliveryLog, GoneMarker } from './types.ts';

/** Where the filter reads from. */
export interface FanOutDeps {
  store: Pick<Store, 'apps' | 'installations'>;
  log: Pick<DeliveryLog, 'gone'>;
}

interface AppView {
  app: StoredApp | undefined;
  gone: GoneMarker | undefined;
}

async function appsOf(deps: FanOutDeps, ids: readonly string[]): Promise<Map<string, AppView>> {
  const views = await Promise.all(
    ids.map(async (id): Promise<[string, AppView]> => {
      const [app, gone] = await Promise.all([deps.store.apps.get(id), deps.log.gone(id)]);
      return [id, { app, gone }];
    }),
  );
  return new Map(views);
}

/** The given installations entitled to `topic` now (same rule as before every attempt). */
export async function entitledAmong(
  deps: FanOutDeps,
  installations: readonly Installation[],
  topic: string,
): Promise<Installation[]> {
  const apps = await appsOf(deps, [...new Set(installations.map((i) => i.app))]);
  return installations.filter((i) => {
    const view = apps.get(i.app);
    return entitlement(i, view?.app, topic, view?.gone).ok;
  });
}

/** The installations on `site` that get an event of `topic`. */
export async function fanOut(
  deps: FanOutDeps,
  topic: string,
  site: string,
): Promise<Installation[]> {
  const onSite = await deps.store.installations.list({ site });
  return entitledAmong(
    deps,
    onSite.filter((i) => i.revoked_at === null),
    topic,
  );
}
